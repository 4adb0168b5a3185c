using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.4.1.2 / 5.8.3: every named type reference must exist in the schema (or be defined in the document).</summary>
public sealed class KnownTypeNamesRule : ValidationRule
{
    private static readonly string[] StandardTypeNames =
    [
        "String", "Int", "Float", "Boolean", "ID",
        "__Schema", "__Directive", "__DirectiveLocation", "__Type", "__Field", "__InputValue", "__EnumValue", "__TypeKind",
    ];

    private readonly HashSet<string> _definedTypes = new(StringComparer.Ordinal);

    /// <summary>Creates the rule.</summary>
    public KnownTypeNamesRule(ValidationContext context)
        : base(context)
    {
        foreach (var definition in context.Document.Definitions)
        {
            if (definition is ITypeDefinitionNode type)
            {
                _definedTypes.Add(type.Name.Value);
            }
        }
    }

    /// <inheritdoc />
    public override void EnterNamedType(NamedTypeNode node)
    {
        var typeName = node.Name.Value;
        if (Context.Schema.GetType(typeName) is not null || _definedTypes.Contains(typeName))
        {
            return;
        }

        var isSdl = Context.InTypeSystemDefinition;
        if (isSdl && Array.IndexOf(StandardTypeNames, typeName) >= 0)
        {
            return;
        }

        var suggestions = string.Empty;
        if (!Context.HideSuggestions)
        {
            var names = new List<string>();
            if (isSdl)
            {
                names.AddRange(StandardTypeNames);
            }

            foreach (var type in Context.Schema.Types)
            {
                names.Add(type.Name);
            }

            names.AddRange(_definedTypes);
            suggestions = Suggestions.DidYouMean(Suggestions.List(typeName, names));
        }

        Context.ReportError($"Unknown type \"{typeName}\".{suggestions}", node);
    }
}
