using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>
/// Spec 5.2.3.1 Single Root Field: a subscription selects exactly one root field (after collecting fields through
/// fragments, honouring literal <c>@skip</c>/<c>@include</c>), and it is not an introspection field.
/// </summary>
public sealed class SingleFieldSubscriptionsRule(ValidationContext context) : ValidationRule(context)
{
    /// <inheritdoc />
    public override void EnterOperationDefinition(OperationDefinitionNode node)
    {
        if (node.Operation != OperationType.Subscription || Context.Schema.SubscriptionType is not { } subscriptionType)
        {
            return;
        }

        var fields = new Dictionary<string, List<FieldNode>>(StringComparer.Ordinal);
        var order = new List<string>();
        CollectFields(subscriptionType, node.SelectionSet, fields, order, new HashSet<string>(StringComparer.Ordinal));
        var operationName = node.Name?.Value;
        if (order.Count > 1)
        {
            var extra = new List<SyntaxNode>();
            for (var i = 1; i < order.Count; i++)
            {
                extra.AddRange(fields[order[i]]);
            }

            Context.ReportError(
                operationName is not null
                    ? $"Subscription \"{operationName}\" must select only one top level field."
                    : "Anonymous Subscription must select only one top level field.",
                extra);
        }

        foreach (var key in order)
        {
            var group = fields[key];
            if (group[0].Name.Value.StartsWith("__", StringComparison.Ordinal))
            {
                Context.ReportError(
                    operationName is not null
                        ? $"Subscription \"{operationName}\" must not select an introspection top level field."
                        : "Anonymous Subscription must not select an introspection top level field.",
                    group);
            }
        }
    }

    private void CollectFields(
        ObjectType runtimeType,
        SelectionSetNode selectionSet,
        Dictionary<string, List<FieldNode>> fields,
        List<string> order,
        HashSet<string> visitedFragments)
    {
        Context.SpendFragmentWork(selectionSet.Selections.Count);
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case FieldNode field:
                    if (!ShouldInclude(field.Directives))
                    {
                        continue;
                    }

                    var key = field.ResponseKey;
                    if (!fields.TryGetValue(key, out var list))
                    {
                        fields[key] = list = [];
                        order.Add(key);
                    }

                    list.Add(field);
                    break;
                case InlineFragmentNode inline:
                    if (!ShouldInclude(inline.Directives) || !ConditionMatches(inline.TypeCondition, runtimeType))
                    {
                        continue;
                    }

                    CollectFields(runtimeType, inline.SelectionSet, fields, order, visitedFragments);
                    break;
                case FragmentSpreadNode spread:
                    var name = spread.Name.Value;
                    if (visitedFragments.Contains(name) || !ShouldInclude(spread.Directives))
                    {
                        continue;
                    }

                    visitedFragments.Add(name);
                    if (Context.GetFragment(name) is not { } fragment || !ConditionMatches(fragment.TypeCondition, runtimeType))
                    {
                        continue;
                    }

                    CollectFields(runtimeType, fragment.SelectionSet, fields, order, visitedFragments);
                    break;
                default:
                    break;
            }
        }
    }

    private bool ConditionMatches(NamedTypeNode? condition, ObjectType type)
    {
        if (condition is null)
        {
            return true;
        }

        var conditional = Context.Schema.GetType(condition.Name.Value);
        if (ReferenceEquals(conditional, type))
        {
            return true;
        }

        return conditional is { IsAbstract: true } && Context.Schema.IsSubType(conditional, type);
    }

    // Validation runs without variable values: only literal conditions can exclude a selection.
    private bool ShouldInclude(IReadOnlyList<DirectiveNode> directives)
    {
        Context.SpendFragmentWork(directives.Count);
        if (LiteralIf(directives, "skip") == true)
        {
            return false;
        }

        return LiteralIf(directives, "include") != false;
    }

    private bool? LiteralIf(IReadOnlyList<DirectiveNode> directives, string name)
    {
        foreach (var directive in directives)
        {
            if (directive.Name.Value != name)
            {
                continue;
            }

            Context.SpendFragmentWork(directive.Arguments.Count);
            foreach (var argument in directive.Arguments)
            {
                if (argument.Name.Value == "if" && argument.Value is BooleanValueNode boolean)
                {
                    return boolean.Value;
                }
            }

            return null;
        }

        return null;
    }
}
