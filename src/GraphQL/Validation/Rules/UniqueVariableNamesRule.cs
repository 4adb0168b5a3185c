using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.8.1 Variable Uniqueness (one error per duplicated name, located at every definition).</summary>
public sealed class UniqueVariableNamesRule(ValidationContext context) : ValidationRule(context)
{
    /// <inheritdoc />
    public override void EnterOperationDefinition(OperationDefinitionNode node)
    {
        var definitions = node.VariableDefinitions;
        if (definitions.Count < 2)
        {
            return;
        }

        var groups = new Dictionary<string, List<SyntaxNode>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var definition in definitions)
        {
            var name = definition.Variable.Name.Value;
            if (!groups.TryGetValue(name, out var list))
            {
                groups[name] = list = [];
                order.Add(name);
            }

            list.Add(definition.Variable.Name);
        }

        foreach (var name in order)
        {
            if (groups[name].Count > 1)
            {
                Context.ReportError($"There can be only one variable named \"${name}\".", groups[name]);
            }
        }
    }
}
