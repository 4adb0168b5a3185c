using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.4.1 Argument Names, for fields and directives.</summary>
public sealed class KnownArgumentNamesRule : ValidationRule
{
    private readonly Dictionary<string, List<string>> _documentDirectiveArgs = new(StringComparer.Ordinal);

    /// <summary>Creates the rule.</summary>
    public KnownArgumentNamesRule(ValidationContext context)
        : base(context)
    {
        foreach (var definition in context.Document.Definitions)
        {
            if (definition is DirectiveDefinitionNode directive)
            {
                var names = new List<string>();
                foreach (var argument in directive.Arguments)
                {
                    names.Add(argument.Name.Value);
                }

                _documentDirectiveArgs[directive.Name.Value] = names;
            }
        }
    }

    /// <inheritdoc />
    public override void EnterDirective(DirectiveNode node, DirectiveLocation? location)
    {
        if (node.Arguments.Count == 0)
        {
            return;
        }

        var directiveName = node.Name.Value;
        IEnumerable<string> known;
        if (_documentDirectiveArgs.TryGetValue(directiveName, out var documentArgs))
        {
            known = documentArgs;
        }
        else if (Context.Schema.GetDirective(directiveName) is { } definition)
        {
            known = definition.Arguments.Keys;
        }
        else
        {
            return;
        }

        foreach (var argument in node.Arguments)
        {
            var argName = argument.Name.Value;
            if (!known.Contains(argName))
            {
                var suggestions = Context.HideSuggestions ? string.Empty : Suggestions.DidYouMean(Suggestions.List(argName, known));
                Context.ReportError($"Unknown argument \"{argName}\" on directive \"@{directiveName}\".{suggestions}", argument);
            }
        }
    }

    /// <inheritdoc />
    public override void EnterArgument(ArgumentNode node)
    {
        // Directive arguments are checked above (graphql-js skips the directive's subtree for this rule).
        if (Context.CurrentDirective is not null || Context.Argument is not null)
        {
            return;
        }

        if (Context.FieldDef is { } fieldDef && Context.ParentType is { } parentType)
        {
            var argName = node.Name.Value;
            var suggestions = Context.HideSuggestions ? string.Empty : Suggestions.DidYouMean(Suggestions.List(argName, fieldDef.Arguments.Keys));
            Context.ReportError($"Unknown argument \"{argName}\" on field \"{parentType.Name}.{fieldDef.Name}\".{suggestions}", node);
        }
    }
}
