using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.5.1.4 Fragments Must Be Used.</summary>
public sealed class NoUnusedFragmentsRule(ValidationContext context) : ValidationRule(context)
{
    private readonly List<OperationDefinitionNode> _operations = [];
    private readonly List<FragmentDefinitionNode> _fragments = [];

    /// <inheritdoc />
    public override void EnterOperationDefinition(OperationDefinitionNode node) => _operations.Add(node);

    /// <inheritdoc />
    public override void EnterFragmentDefinition(FragmentDefinitionNode node) => _fragments.Add(node);

    /// <inheritdoc />
    public override void LeaveDocument(DocumentNode node)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fragment in Context.GetRecursivelyReferencedFragments(_operations))
        {
            used.Add(fragment.Name.Value);
        }

        foreach (var fragment in _fragments)
        {
            if (!used.Contains(fragment.Name.Value))
            {
                Context.ReportError($"Fragment \"{fragment.Name.Value}\" is never used.", fragment);
            }
        }
    }
}
