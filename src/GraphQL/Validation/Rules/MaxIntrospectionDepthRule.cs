using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>
/// graphql-js 16 recommended rule (part of its <c>specifiedRules</c>): introspection queries may nest the list fields
/// <c>fields</c>, <c>interfaces</c>, <c>possibleTypes</c> and <c>inputFields</c> at most 3 deep, which bounds the
/// response size of hostile introspection queries.
/// </summary>
public sealed class MaxIntrospectionDepthRule(ValidationContext context) : ValidationRule(context)
{
    private const int MaxListsDepth = 3;

    private readonly Dictionary<string, int> _checkedFragments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _exceededFragments = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override void EnterField(FieldNode node)
    {
        if (node.Name.Value is "__schema" or "__type")
        {
            var visited = new Dictionary<string, int>(StringComparer.Ordinal);
            if (CheckField(node, visited, 0))
            {
                Context.ReportError("Maximum introspection depth exceeded", node);
            }
        }
    }

    private bool CheckField(FieldNode node, Dictionary<string, int> visited, int depth)
    {
        Context.CountWork(1);
        if (node.Name.Value is "fields" or "interfaces" or "possibleTypes" or "inputFields")
        {
            depth++;
            if (depth >= MaxListsDepth)
            {
                return true;
            }
        }

        return node.SelectionSet is { } set && CheckSelections(set, visited, depth);
    }

    private bool CheckSelections(SelectionSetNode set, Dictionary<string, int> visited, int depth)
    {
        foreach (var selection in set.Selections)
        {
            var exceeded = selection switch
            {
                FieldNode field => CheckField(field, visited, depth),
                InlineFragmentNode inline => CheckSelections(inline.SelectionSet, visited, depth),
                FragmentSpreadNode spread => CheckSpread(spread, visited, depth),
                _ => false,
            };
            if (exceeded)
            {
                return true;
            }
        }

        return false;
    }

    private bool CheckSpread(FragmentSpreadNode node, Dictionary<string, int> visited, int depth)
    {
        Context.CountWork(1);
        var name = node.Name.Value;
        if (_exceededFragments.TryGetValue(name, out var exceededDepth) && exceededDepth <= depth)
        {
            return true;
        }

        if ((visited.TryGetValue(name, out var visitedDepth) && visitedDepth >= depth)
            || (_checkedFragments.TryGetValue(name, out var checkedDepth) && checkedDepth >= depth))
        {
            return false;
        }

        if (Context.GetFragment(name) is not { } fragment)
        {
            return false;
        }

        visited[name] = depth;
        if (CheckSelections(fragment.SelectionSet, visited, depth))
        {
            _exceededFragments[name] = depth;
            return true;
        }

        _checkedFragments[name] = depth;
        return false;
    }
}
