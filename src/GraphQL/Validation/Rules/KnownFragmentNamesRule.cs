using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.5.2.1 Fragment Spread Target Defined.</summary>
public sealed class KnownFragmentNamesRule(ValidationContext context) : ValidationRule(context)
{
    /// <inheritdoc />
    public override void EnterFragmentSpread(FragmentSpreadNode node)
    {
        if (Context.GetFragment(node.Name.Value) is null)
        {
            Context.ReportError($"Unknown fragment \"{node.Name.Value}\".", node.Name);
        }
    }
}
