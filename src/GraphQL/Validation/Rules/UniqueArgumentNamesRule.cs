using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.4.2 Argument Uniqueness (one error per duplicated name, located at every occurrence).</summary>
public sealed class UniqueArgumentNamesRule(ValidationContext context) : ValidationRule(context)
{
    /// <inheritdoc />
    public override void EnterField(FieldNode node) => Check(node.Arguments);

    /// <inheritdoc />
    public override void EnterDirective(DirectiveNode node, DirectiveLocation? location) => Check(node.Arguments);

    private void Check(IReadOnlyList<ArgumentNode> arguments)
    {
        if (arguments.Count < 2)
        {
            return;
        }

        Dictionary<string, List<SyntaxNode>>? groups = null;
        List<string>? order = null;
        for (var i = 0; i < arguments.Count; i++)
        {
            var name = arguments[i].Name.Value;
            for (var j = 0; j < i; j++)
            {
                if (arguments[j].Name.Value == name)
                {
                    groups ??= new(StringComparer.Ordinal);
                    order ??= [];
                    if (!groups.TryGetValue(name, out var list))
                    {
                        groups[name] = list = [arguments[j].Name];
                        order.Add(name);
                    }

                    list.Add(arguments[i].Name);
                    break;
                }
            }
        }

        if (groups is null || order is null)
        {
            return;
        }

        // graphql-js groups by first occurrence order.
        order.Sort((a, b) => FirstIndex(arguments, a) - FirstIndex(arguments, b));
        foreach (var name in order)
        {
            Context.ReportError($"There can be only one argument named \"{name}\".", groups[name]);
        }
    }

    private static int FirstIndex(IReadOnlyList<ArgumentNode> arguments, string name)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i].Name.Value == name)
            {
                return i;
            }
        }

        return -1;
    }
}
