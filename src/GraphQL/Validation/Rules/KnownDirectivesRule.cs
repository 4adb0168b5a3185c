using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.7.1 Directives Are Defined, 5.7.2 Directives Are In Valid Locations.</summary>
public sealed class KnownDirectivesRule : ValidationRule
{
    private readonly Dictionary<string, HashSet<string>> _documentDirectives = new(StringComparer.Ordinal);

    /// <summary>Creates the rule.</summary>
    public KnownDirectivesRule(ValidationContext context)
        : base(context)
    {
        foreach (var definition in context.Document.Definitions)
        {
            if (definition is DirectiveDefinitionNode directive)
            {
                var locations = new HashSet<string>(StringComparer.Ordinal);
                foreach (var location in directive.Locations)
                {
                    locations.Add(location.Value);
                }

                _documentDirectives[directive.Name.Value] = locations;
            }
        }
    }

    /// <inheritdoc />
    public override void EnterDirective(DirectiveNode node, DirectiveLocation? location)
    {
        var name = node.Name.Value;
        bool allowed;
        if (_documentDirectives.TryGetValue(name, out var documentLocations))
        {
            allowed = location is not { } l || documentLocations.Contains(DirectiveLocationNames.Name(l));
        }
        else if (Context.Schema.GetDirective(name) is { } definition)
        {
            allowed = location is not { } l || definition.Locations.Contains(l);
        }
        else
        {
            Context.ReportError($"Unknown directive \"@{name}\".", node);
            return;
        }

        if (!allowed)
        {
            Context.ReportError($"Directive \"@{name}\" may not be used on {DirectiveLocationNames.Name(location!.Value)}.", node);
        }
    }
}
