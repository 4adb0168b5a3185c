using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.3.3 Leaf Field Selections.</summary>
public sealed class ScalarLeafsRule(ValidationContext context) : ValidationRule(context)
{
    /// <inheritdoc />
    public override void EnterField(FieldNode node)
    {
        if (Context.Type is not { } type)
        {
            return;
        }

        var fieldName = node.Name.Value;
        if (type.Named.IsLeaf)
        {
            if (node.SelectionSet is { } selectionSet)
            {
                Context.ReportError(
                    $"Field \"{fieldName}\" must not have a selection since type \"{type}\" has no subfields.",
                    selectionSet);
            }
        }
        else if (node.SelectionSet is null)
        {
            Context.ReportError(
                $"Field \"{fieldName}\" of type \"{type}\" must have a selection of subfields. Did you mean \"{fieldName} {{ ... }}\"?",
                node);
        }
        else if (node.SelectionSet.Selections.Count == 0)
        {
            Context.ReportError($"Field \"{fieldName}\" of type \"{type}\" must have at least one field selected.", node);
        }
    }
}
