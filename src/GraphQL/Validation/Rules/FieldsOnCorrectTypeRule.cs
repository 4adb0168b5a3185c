using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.3.1 Field Selections: the field must be defined on the parent type.</summary>
public sealed class FieldsOnCorrectTypeRule(ValidationContext context) : ValidationRule(context)
{
    /// <inheritdoc />
    public override void EnterField(FieldNode node)
    {
        if (Context.ParentType is not { } type || Context.FieldDef is not null)
        {
            return;
        }

        var fieldName = node.Name.Value;
        var suggestion = string.Empty;
        if (!Context.HideSuggestions)
        {
            suggestion = Suggestions.DidYouMean(GetSuggestedTypeNames(Context.Schema, type, fieldName), "to use an inline fragment on");
            if (suggestion.Length == 0 && type is IComplexOutputType complex)
            {
                suggestion = Suggestions.DidYouMean(Suggestions.List(fieldName, complex.Fields.Keys));
            }
        }

        Context.ReportError($"Cannot query field \"{fieldName}\" on type \"{type.Name}\".{suggestion}", node);
    }

    private static List<string> GetSuggestedTypeNames(Schema schema, NamedType type, string fieldName)
    {
        if (!type.IsAbstract)
        {
            return [];
        }

        var suggested = new List<NamedType>();
        var usageCount = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var possibleType in schema.GetPossibleTypes(type))
        {
            if (!possibleType.Fields.ContainsKey(fieldName))
            {
                continue;
            }

            if (!usageCount.ContainsKey(possibleType.Name))
            {
                suggested.Add(possibleType);
            }

            usageCount[possibleType.Name] = 1;
            foreach (var iface in possibleType.Interfaces)
            {
                if (!iface.Fields.ContainsKey(fieldName))
                {
                    continue;
                }

                if (!usageCount.TryGetValue(iface.Name, out var count))
                {
                    suggested.Add(iface);
                }

                usageCount[iface.Name] = count + 1;
            }
        }

        suggested.Sort((a, b) =>
        {
            var diff = usageCount[b.Name] - usageCount[a.Name];
            if (diff != 0)
            {
                return diff;
            }

            if (a is InterfaceType && schema.IsSubType(a, b))
            {
                return -1;
            }

            if (b is InterfaceType && schema.IsSubType(b, a))
            {
                return 1;
            }

            return Suggestions.NaturalCompare(a.Name, b.Name);
        });
        var names = new List<string>(suggested.Count);
        foreach (var t in suggested)
        {
            names.Add(t.Name);
        }

        return names;
    }
}
