using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.5.1.3 Fragments On Composite Types.</summary>
public sealed class FragmentsOnCompositeTypesRule(ValidationContext context) : ValidationRule(context)
{
    /// <inheritdoc />
    public override void EnterInlineFragment(InlineFragmentNode node)
    {
        if (node.TypeCondition is { } condition && Context.Schema.GetType(condition.Name.Value) is { IsComposite: false })
        {
            Context.ReportError($"Fragment cannot condition on non composite type \"{condition.Name.Value}\".", condition);
        }
    }

    /// <inheritdoc />
    public override void EnterFragmentDefinition(FragmentDefinitionNode node)
    {
        if (Context.Schema.GetType(node.TypeCondition.Name.Value) is { IsComposite: false })
        {
            Context.ReportError(
                $"Fragment \"{node.Name.Value}\" cannot condition on non composite type \"{node.TypeCondition.Name.Value}\".",
                node.TypeCondition);
        }
    }
}
