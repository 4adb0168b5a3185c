using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.5.2.3 Fragment Spread Is Possible.</summary>
public sealed class PossibleFragmentSpreadsRule(ValidationContext context) : ValidationRule(context)
{
    /// <inheritdoc />
    public override void EnterInlineFragment(InlineFragmentNode node)
    {
        if (Context.Type is NamedType { IsComposite: true } fragType
            && Context.ParentType is { IsComposite: true } parentType
            && !ValidationTypes.DoTypesOverlap(Context.Schema, fragType, parentType))
        {
            Context.ReportError(
                $"Fragment cannot be spread here as objects of type \"{parentType.Name}\" can never be of type \"{fragType.Name}\".",
                node);
        }
    }

    /// <inheritdoc />
    public override void EnterFragmentSpread(FragmentSpreadNode node)
    {
        var name = node.Name.Value;
        if (Context.GetFragment(name) is { } fragment
            && Context.Schema.GetType(fragment.TypeCondition.Name.Value) is { IsComposite: true } fragType
            && Context.ParentType is { } parentType
            && !ValidationTypes.DoTypesOverlap(Context.Schema, fragType, parentType))
        {
            Context.ReportError(
                $"Fragment \"{name}\" cannot be spread here as objects of type \"{parentType.Name}\" can never be of type \"{fragType.Name}\".",
                node);
        }
    }
}
