using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.2.1.1 Operation Name Uniqueness.</summary>
public sealed class UniqueOperationNamesRule(ValidationContext context) : ValidationRule(context)
{
    private readonly Dictionary<string, NameNode> _known = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override void EnterOperationDefinition(OperationDefinitionNode node)
    {
        if (node.Name is not { } name)
        {
            return;
        }

        if (_known.TryGetValue(name.Value, out var previous))
        {
            Context.ReportError($"There can be only one operation named \"{name.Value}\".", previous, name);
        }
        else
        {
            _known[name.Value] = name;
        }
    }
}
