using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.5.1.1 Fragment Name Uniqueness.</summary>
public sealed class UniqueFragmentNamesRule(ValidationContext context) : ValidationRule(context)
{
    private readonly Dictionary<string, NameNode> _known = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override void EnterFragmentDefinition(FragmentDefinitionNode node)
    {
        var name = node.Name.Value;
        if (_known.TryGetValue(name, out var previous))
        {
            Context.ReportError($"There can be only one fragment named \"{name}\".", previous, node.Name);
        }
        else
        {
            _known[name] = node.Name;
        }
    }
}
