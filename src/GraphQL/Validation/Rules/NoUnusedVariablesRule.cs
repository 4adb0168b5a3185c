using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.8.4 All Variables Used.</summary>
public sealed class NoUnusedVariablesRule(ValidationContext context) : ValidationRule(context)
{
    private readonly List<VariableDefinitionNode> _definitions = [];

    /// <inheritdoc />
    public override void EnterOperationDefinition(OperationDefinitionNode node) => _definitions.Clear();

    /// <inheritdoc />
    public override void EnterVariableDefinition(VariableDefinitionNode node) => _definitions.Add(node);

    /// <inheritdoc />
    public override void LeaveOperationDefinition(OperationDefinitionNode node)
    {
        if (_definitions.Count == 0)
        {
            return;
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var usage in Context.GetRecursiveVariableUsages(node))
        {
            used.Add(usage.Node.Name.Value);
        }

        foreach (var definition in _definitions)
        {
            var name = definition.Variable.Name.Value;
            if (!used.Contains(name))
            {
                Context.ReportError(
                    node.Name is { } opName
                        ? $"Variable \"${name}\" is never used in operation \"{opName.Value}\"."
                        : $"Variable \"${name}\" is never used.",
                    definition);
            }
        }
    }
}
