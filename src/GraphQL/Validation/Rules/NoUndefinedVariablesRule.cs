using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.8.3 All Variable Uses Defined (including uses inside fragments).</summary>
public sealed class NoUndefinedVariablesRule(ValidationContext context) : ValidationRule(context)
{
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override void EnterOperationDefinition(OperationDefinitionNode node) => _defined.Clear();

    /// <inheritdoc />
    public override void EnterVariableDefinition(VariableDefinitionNode node) => _defined.Add(node.Variable.Name.Value);

    /// <inheritdoc />
    public override void LeaveOperationDefinition(OperationDefinitionNode node)
    {
        foreach (var usage in Context.GetRecursiveVariableUsages(node))
        {
            var name = usage.Node.Name.Value;
            if (!_defined.Contains(name))
            {
                Context.ReportError(
                    node.Name is { } opName
                        ? $"Variable \"${name}\" is not defined by operation \"{opName.Value}\"."
                        : $"Variable \"${name}\" is not defined.",
                    usage.Node,
                    node);
            }
        }
    }
}
