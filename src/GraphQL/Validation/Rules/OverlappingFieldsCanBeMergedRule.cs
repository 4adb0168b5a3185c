using System.Text;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>
/// Spec 5.3.2 Field Selection Merging. A faithful port of graphql-js 16's <c>OverlappingFieldsCanBeMergedRule</c>:
/// collected field maps are cached per (parent type, selection set), fragment pairs and field/fragment comparisons are
/// memoised with their mutual-exclusivity flag, and all work is metered by a complexity budget so that no document
/// makes the rule exponential.
/// </summary>
public sealed class OverlappingFieldsCanBeMergedRule(ValidationContext context) : ValidationRule(context)
{
    private const int MaxConflictDetailLength = 1000;
    private const int MaxConflictNodes = 20;
    private const int MaxComplexityBudget = 500000;

    private readonly Dictionary<string, Dictionary<string, bool>> _comparedFragmentPairs = new(StringComparer.Ordinal);
    private readonly Dictionary<NamedType, Dictionary<SelectionSetNode, CollectFieldsResult>> _cachedByType = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SelectionSetNode, CollectFieldsResult> _cachedUntyped = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<IValueNode, string> _stringifiedValues = new(ReferenceEqualityComparer.Instance);
    private long _remainingBudget = MaxComplexityBudget;

    /// <inheritdoc />
    public override void EnterSelectionSet(SelectionSetNode node, SyntaxNode parent)
    {
        // Inline fragments are flattened into their enclosing response level.
        if (parent is InlineFragmentNode)
        {
            return;
        }

        if (node.Selections.Count <= 1 && (node.Selections.Count == 0 || node.Selections[0] is not InlineFragmentNode))
        {
            return;
        }

        if (HasOnlyDistinctFields(node))
        {
            // No two selections share a response key and nothing is spread: nothing can conflict at this level
            // (the sub-selections are checked when the walker reaches them).
            return;
        }

        var conflicts = FindConflictsWithinSelectionSet(Context.ParentType, node);
        foreach (var conflict in conflicts)
        {
            var nodes = new List<SyntaxNode>(conflict.Fields1.Count + conflict.Fields2.Count);
            nodes.AddRange(conflict.Fields1);
            nodes.AddRange(conflict.Fields2);
            Context.ReportError(
                $"Fields \"{MaybeAbbreviate(conflict.ResponseName)}\" conflict because {conflict.Reason}. Use different aliases on the fields to fetch both if this was intentional.",
                nodes);
        }
    }

    private static bool HasOnlyDistinctFields(SelectionSetNode node)
    {
        var selections = node.Selections;
        if (selections.Count > 16)
        {
            return false;
        }

        for (var i = 0; i < selections.Count; i++)
        {
            if (selections[i] is not FieldNode field)
            {
                return false;
            }

            var key = field.ResponseKey;
            for (var j = 0; j < i; j++)
            {
                if (((FieldNode)selections[j]).ResponseKey == key)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private List<Conflict> FindConflictsWithinSelectionSet(NamedType? parentType, SelectionSetNode selectionSet)
    {
        var conflicts = new List<Conflict>();
        var result = CollectFields(parentType, selectionSet);

        // (A) Conflicts within the fields of this selection set.
        CollectConflictsWithin(conflicts, result);

        var fragmentNames = result.FragmentNames;
        if (fragmentNames.Count != 0 && (result.Keys.Count != 0 || fragmentNames.Count > 1))
        {
            for (var i = 0; i < fragmentNames.Count; i++)
            {
                // (B) Between these fields and each spread fragment.
                CollectConflictsBetweenFieldsAndFragment(conflicts, false, result, fragmentNames[i]);

                // (C) Between each pair of fragments spread together.
                for (var j = i + 1; j < fragmentNames.Count; j++)
                {
                    CollectConflictsBetweenFragments(conflicts, false, fragmentNames[i], fragmentNames[j]);
                }
            }
        }

        return conflicts;
    }

    private void CollectConflictsBetweenFieldsAndFragment(
        List<Conflict> conflicts,
        bool areMutuallyExclusive,
        CollectFieldsResult result,
        string fragmentName)
    {
        SpendBudget(1);
        if (result.Keys.Count == 0)
        {
            return;
        }

        var compared = result.ComparedFragments ??= new(StringComparer.Ordinal);

        // Only a non-exclusive comparison can be reused for overlapping parents.
        if (compared.TryGetValue(fragmentName, out var previous) && (!previous || areMutuallyExclusive))
        {
            return;
        }

        compared[fragmentName] = areMutuallyExclusive;
        if (Context.GetFragment(fragmentName) is not { } fragment)
        {
            return;
        }

        var result2 = CollectFragmentFields(fragment);
        if (ReferenceEquals(result, result2))
        {
            return;
        }

        // (D) Between the fields and the fragment's fields.
        CollectConflictsBetween(conflicts, areMutuallyExclusive, result, result2);

        // (E) Between the fields and the fragments the fragment spreads.
        foreach (var referenced in result2.FragmentNames)
        {
            CollectConflictsBetweenFieldsAndFragment(conflicts, areMutuallyExclusive, result, referenced);
        }
    }

    private void CollectConflictsBetweenFragments(
        List<Conflict> conflicts,
        bool areMutuallyExclusive,
        string fragmentName1,
        string fragmentName2)
    {
        SpendBudget(2);
        if (fragmentName1 == fragmentName2)
        {
            return;
        }

        if (PairSetHas(fragmentName1, fragmentName2, areMutuallyExclusive))
        {
            return;
        }

        PairSetAdd(fragmentName1, fragmentName2, areMutuallyExclusive);
        var fragment1 = Context.GetFragment(fragmentName1);
        var fragment2 = Context.GetFragment(fragmentName2);
        if (fragment1 is null || fragment2 is null)
        {
            return;
        }

        var result1 = CollectFragmentFields(fragment1);
        var result2 = CollectFragmentFields(fragment2);

        // (F) Between the two fragments' own fields.
        CollectConflictsBetween(conflicts, areMutuallyExclusive, result1, result2);

        // (G) Between the first fragment and the fragments spread in the second, and vice versa.
        foreach (var referenced2 in result2.FragmentNames)
        {
            CollectConflictsBetweenFragments(conflicts, areMutuallyExclusive, fragmentName1, referenced2);
        }

        foreach (var referenced1 in result1.FragmentNames)
        {
            CollectConflictsBetweenFragments(conflicts, areMutuallyExclusive, referenced1, fragmentName2);
        }
    }

    private List<Conflict> FindConflictsBetweenSubSelectionSets(
        bool areMutuallyExclusive,
        NamedType? parentType1,
        SelectionSetNode selectionSet1,
        NamedType? parentType2,
        SelectionSetNode selectionSet2)
    {
        var conflicts = new List<Conflict>();
        var result1 = CollectFields(parentType1, selectionSet1);
        var result2 = CollectFields(parentType2, selectionSet2);

        // (H) Between the two field collections.
        CollectConflictsBetween(conflicts, areMutuallyExclusive, result1, result2);

        // (I) Between each collection and the other's fragments.
        foreach (var fragmentName2 in result2.FragmentNames)
        {
            CollectConflictsBetweenFieldsAndFragment(conflicts, areMutuallyExclusive, result1, fragmentName2);
        }

        foreach (var fragmentName1 in result1.FragmentNames)
        {
            CollectConflictsBetweenFieldsAndFragment(conflicts, areMutuallyExclusive, result2, fragmentName1);
        }

        // (J) Between every pair of fragments of the two sides.
        foreach (var fragmentName1 in result1.FragmentNames)
        {
            foreach (var fragmentName2 in result2.FragmentNames)
            {
                CollectConflictsBetweenFragments(conflicts, areMutuallyExclusive, fragmentName1, fragmentName2);
            }
        }

        return conflicts;
    }

    private void CollectConflictsWithin(List<Conflict> conflicts, CollectFieldsResult result)
    {
        foreach (var responseName in result.Keys)
        {
            var fields = result.Fields[responseName];
            if (fields.Count <= 1)
            {
                continue;
            }

            for (var i = 0; i < fields.Count; i++)
            {
                for (var j = i + 1; j < fields.Count; j++)
                {
                    if (FindConflict(false, responseName, fields[i], fields[j]) is { } conflict)
                    {
                        conflicts.Add(conflict);
                    }
                }
            }
        }
    }

    private void CollectConflictsBetween(
        List<Conflict> conflicts,
        bool parentFieldsAreMutuallyExclusive,
        CollectFieldsResult result1,
        CollectFieldsResult result2)
    {
        if (result1.Keys.Count == 0 || result2.Keys.Count == 0)
        {
            return;
        }

        foreach (var overlap in GetOverlappingFields(result1, result2))
        {
            foreach (var field1 in overlap.Fields1)
            {
                foreach (var field2 in overlap.Fields2)
                {
                    if (FindConflict(parentFieldsAreMutuallyExclusive, overlap.ResponseName, field1, field2) is { } conflict)
                    {
                        conflicts.Add(conflict);
                    }
                }
            }
        }
    }

    private List<Overlap> GetOverlappingFields(CollectFieldsResult result1, CollectFieldsResult result2)
    {
        var byResult = result1.OverlappingFields ??= new(ReferenceEqualityComparer.Instance);
        if (byResult.TryGetValue(result2, out var cached))
        {
            return cached;
        }

        var overlapping = new List<Overlap>();
        foreach (var responseName in result1.Keys)
        {
            SpendBudget(1);
            if (result2.Fields.TryGetValue(responseName, out var fields2))
            {
                overlapping.Add(new Overlap(responseName, result1.Fields[responseName], fields2));
            }
        }

        byResult[result2] = overlapping;
        return overlapping;
    }

    private Conflict? FindConflict(bool parentFieldsAreMutuallyExclusive, string responseName, FieldDetails details1, FieldDetails details2)
    {
        var parentType1 = details1.ParentType;
        var parentType2 = details2.ParentType;
        var node1 = details1.Node;
        var node2 = details2.Node;
        var def1 = details1.Definition;
        var def2 = details2.Definition;

        // Fields on two different object types can never apply at the same time, so they may diverge.
        var areMutuallyExclusive = parentFieldsAreMutuallyExclusive
            || (!ReferenceEquals(parentType1, parentType2) && parentType1 is ObjectType && parentType2 is ObjectType);

        SpendBudget(2);
        if (details1.IsSimpleLeaf && details2.IsSimpleLeaf && ReferenceEquals(def1?.Type, def2?.Type) && node1.Name.Value == node2.Name.Value)
        {
            return null;
        }

        if (!areMutuallyExclusive)
        {
            var info1 = GetFieldInfo(details1);
            var info2 = GetFieldInfo(details2);
            if (!info1.Comparisons.TryGetValue(info2, out var reason))
            {
                var name1 = node1.Name.Value;
                var name2 = node2.Name.Value;
                reason = name1 != name2
                    ? $"\"{MaybeAbbreviate(name1)}\" and \"{MaybeAbbreviate(name2)}\" are different fields"
                    : SameArguments(info1.Arguments, info2.Arguments) ? null : "they have differing arguments";
                info1.Comparisons[info2] = reason;
            }

            if (reason is not null)
            {
                return new Conflict(responseName, reason, [node1], [node2]);
            }
        }

        var type1 = def1?.Type;
        var type2 = def2?.Type;
        if (type1 is not null && type2 is not null && DoTypesConflict(type1, type2))
        {
            var info1 = GetFieldInfo(details1);
            var info2 = GetFieldInfo(details2);
            var type1String = info1.TypeString ??= type1.ToString();
            var type2String = info2.TypeString ??= type2.ToString();
            return new Conflict(responseName, $"they return conflicting types \"{type1String}\" and \"{type2String}\"", [node1], [node2]);
        }

        if (node1.SelectionSet is { } selectionSet1 && node2.SelectionSet is { } selectionSet2)
        {
            var conflicts = FindConflictsBetweenSubSelectionSets(
                areMutuallyExclusive,
                GetFieldInfo(details1).NamedType,
                selectionSet1,
                GetFieldInfo(details2).NamedType,
                selectionSet2);
            return SubfieldConflicts(conflicts, responseName, node1, node2);
        }

        return null;
    }

    private static FieldInfo GetFieldInfo(FieldDetails details)
    {
        if (details.Info is null)
        {
            ArgumentInfo? arguments = null;
            var args = details.Node.Arguments;
            if (args.Count > 0)
            {
                var values = new Dictionary<string, IValueNode>(StringComparer.Ordinal);
                foreach (var arg in args)
                {
                    values[arg.Name.Value] = arg.Value;
                }

                arguments = new ArgumentInfo(args, values);
            }

            details.Info = new FieldInfo(details.Definition?.Type.Named, arguments);
        }

        return details.Info;
    }

    private bool SameArguments(ArgumentInfo? arguments1, ArgumentInfo? arguments2)
    {
        if (arguments1 is null)
        {
            return arguments2 is null;
        }

        if (arguments2 is null || arguments1.Nodes.Count != arguments2.Nodes.Count)
        {
            return false;
        }

        foreach (var arg1 in arguments1.Nodes)
        {
            SpendBudget(1);
            if (!arguments2.Values.TryGetValue(arg1.Name.Value, out var value2))
            {
                return false;
            }

            if (StringifyValue(arg1.Value) != StringifyValue(value2))
            {
                return false;
            }
        }

        return true;
    }

    private string StringifyValue(IValueNode value)
    {
        if (_stringifiedValues.TryGetValue(value, out var cached))
        {
            return cached;
        }

        var sb = new StringBuilder();
        Stringify(value, sb);
        var result = sb.ToString();
        _stringifiedValues[value] = result;
        return result;
    }

    // A canonical encoding equal for literals graphql-js considers equal (object fields sorted by name, kinds kept).
    private static void Stringify(IValueNode value, StringBuilder sb)
    {
        switch (value)
        {
            case VariableNode v:
                sb.Append("V(");
                AppendString(v.Name.Value, sb);
                sb.Append(')');
                break;
            case IntValueNode i:
                sb.Append("I(");
                AppendString(i.Value, sb);
                sb.Append(')');
                break;
            case FloatValueNode f:
                sb.Append("F(");
                AppendString(f.Value, sb);
                sb.Append(')');
                break;
            case StringValueNode s:
                sb.Append(s.Block ? "B(" : "S(");
                AppendString(s.Value, sb);
                sb.Append(')');
                break;
            case BooleanValueNode b:
                sb.Append(b.Value ? "T" : "N");
                break;
            case NullValueNode:
                sb.Append('0');
                break;
            case EnumValueNode e:
                sb.Append("E(");
                AppendString(e.Value, sb);
                sb.Append(')');
                break;
            case ListValueNode list:
                sb.Append('[');
                foreach (var item in list.Values)
                {
                    Stringify(item, sb);
                    sb.Append(',');
                }

                sb.Append(']');
                break;
            case ObjectValueNode obj:
                sb.Append('{');
                foreach (var field in obj.Fields.OrderBy(f => f.Name.Value, StringComparer.Ordinal))
                {
                    AppendString(field.Name.Value, sb);
                    sb.Append(':');
                    Stringify(field.Value, sb);
                    sb.Append(',');
                }

                sb.Append('}');
                break;
            default:
                sb.Append('?');
                break;
        }
    }

    private static void AppendString(string value, StringBuilder sb)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        sb.Append('"');
    }

    // Two types conflict if both could not apply to a value at once: list/non-null shapes must match and leaf types
    // must be identical; composite types are compared later through their sub-fields.
    private bool DoTypesConflict(GraphQLType type1, GraphQLType type2)
    {
        if (ReferenceEquals(type1, type2))
        {
            return false;
        }

        SpendBudget(1);
        if (type1 is ListType list1)
        {
            return type2 is not ListType list2 || DoTypesConflict(list1.OfType, list2.OfType);
        }

        if (type2 is ListType)
        {
            return true;
        }

        if (type1 is NonNullType nonNull1)
        {
            return type2 is not NonNullType nonNull2 || DoTypesConflict(nonNull1.OfType, nonNull2.OfType);
        }

        if (type2 is NonNullType)
        {
            return true;
        }

        if (type1 is NamedType { IsLeaf: true } || type2 is NamedType { IsLeaf: true })
        {
            return !ReferenceEquals(type1, type2);
        }

        return false;
    }

    private CollectFieldsResult CollectFields(NamedType? parentType, SelectionSetNode selectionSet)
    {
        Dictionary<SelectionSetNode, CollectFieldsResult> bySelectionSet;
        if (parentType is null)
        {
            bySelectionSet = _cachedUntyped;
        }
        else if (!_cachedByType.TryGetValue(parentType, out bySelectionSet!))
        {
            bySelectionSet = new(ReferenceEqualityComparer.Instance);
            _cachedByType[parentType] = bySelectionSet;
        }

        if (bySelectionSet.TryGetValue(selectionSet, out var cached))
        {
            return cached;
        }

        var result = new CollectFieldsResult();
        var fragmentNames = new HashSet<string>(StringComparer.Ordinal);
        CollectFieldsImpl(parentType, selectionSet, result, fragmentNames);
        bySelectionSet[selectionSet] = result;
        return result;
    }

    private CollectFieldsResult CollectFragmentFields(FragmentDefinitionNode fragment) =>
        CollectFields(Context.Schema.GetType(fragment.TypeCondition.Name.Value), fragment.SelectionSet);

    private void CollectFieldsImpl(NamedType? parentType, SelectionSetNode selectionSet, CollectFieldsResult result, HashSet<string> fragmentNames)
    {
        Context.CountWork(selectionSet.Selections.Count);
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case FieldNode field:
                    {
                        OutputField? fieldDef = null;
                        if (parentType is IComplexOutputType complex)
                        {
                            complex.Fields.TryGetValue(field.Name.Value, out fieldDef);
                        }

                        var responseName = field.ResponseKey;
                        if (!result.Fields.TryGetValue(responseName, out var list))
                        {
                            list = [];
                            result.Fields[responseName] = list;
                            result.Keys.Add(responseName);
                        }

                        list.Add(new FieldDetails(parentType, field, fieldDef, field.Arguments.Count == 0 && field.SelectionSet is null));
                        break;
                    }

                case FragmentSpreadNode spread:
                    if (fragmentNames.Add(spread.Name.Value))
                    {
                        result.FragmentNames.Add(spread.Name.Value);
                    }

                    break;
                case InlineFragmentNode inline:
                    {
                        var inlineType = inline.TypeCondition is { } condition ? Context.Schema.GetType(condition.Name.Value) : parentType;
                        CollectFieldsImpl(inlineType, inline.SelectionSet, result, fragmentNames);
                        break;
                    }

                default:
                    break;
            }
        }
    }

    private static Conflict? SubfieldConflicts(List<Conflict> conflicts, string responseName, FieldNode node1, FieldNode node2)
    {
        if (conflicts.Count == 0)
        {
            return null;
        }

        var message = new StringBuilder();
        foreach (var conflict in conflicts)
        {
            message.Append(message.Length == 0 ? string.Empty : " and ")
                .Append("subfields \"").Append(MaybeAbbreviate(conflict.ResponseName)).Append("\" conflict because ").Append(conflict.Reason);
            if (message.Length > MaxConflictDetailLength)
            {
                break;
            }
        }

        return new Conflict(
            responseName,
            MaybeAbbreviate(message.ToString()),
            CollectConflictNodes(node1, conflicts, first: true),
            CollectConflictNodes(node2, conflicts, first: false));
    }

    private static List<FieldNode> CollectConflictNodes(FieldNode node, List<Conflict> conflicts, bool first)
    {
        var nodes = new List<FieldNode> { node };
        foreach (var conflict in conflicts)
        {
            var remaining = MaxConflictNodes - nodes.Count;
            var side = first ? conflict.Fields1 : conflict.Fields2;

            // Take from the end so truncation favours the deeper fields involved in the conflict.
            var start = Math.Max(0, side.Count - remaining);
            for (var i = start; i < side.Count; i++)
            {
                nodes.Add(side[i]);
            }

            if (nodes.Count == MaxConflictNodes)
            {
                break;
            }
        }

        return nodes;
    }

    private static string MaybeAbbreviate(string text) =>
        text.Length > MaxConflictDetailLength ? string.Concat(text.AsSpan(0, MaxConflictDetailLength), "...") : text;

    private void SpendBudget(int cost)
    {
        Context.CountWork(cost);
        _remainingBudget -= cost;
        if (_remainingBudget < 0)
        {
            throw new ValidationAbortedException(new GraphQLError("Validation aborted.", ErrorCodes.ValidationFailed));
        }
    }

    private bool PairSetHas(string a, string b, bool areMutuallyExclusive) =>
        PairSetHasOrdered(a, b, areMutuallyExclusive) || PairSetHasOrdered(b, a, areMutuallyExclusive);

    private bool PairSetHasOrdered(string a, string b, bool areMutuallyExclusive)
    {
        if (!_comparedFragmentPairs.TryGetValue(a, out var map) || !map.TryGetValue(b, out var stored))
        {
            return false;
        }

        // A pair first compared as mutually exclusive is compared again when the parents may overlap.
        return areMutuallyExclusive || !stored;
    }

    private void PairSetAdd(string a, string b, bool areMutuallyExclusive)
    {
        if (!_comparedFragmentPairs.TryGetValue(a, out var map))
        {
            _comparedFragmentPairs[a] = map = new(StringComparer.Ordinal);
        }

        map[b] = areMutuallyExclusive;
    }

    private sealed record Conflict(string ResponseName, string Reason, List<FieldNode> Fields1, List<FieldNode> Fields2);

    private sealed record Overlap(string ResponseName, List<FieldDetails> Fields1, List<FieldDetails> Fields2);

    private sealed record ArgumentInfo(IReadOnlyList<ArgumentNode> Nodes, Dictionary<string, IValueNode> Values);

    private sealed class FieldDetails(NamedType? parentType, FieldNode node, OutputField? definition, bool isSimpleLeaf)
    {
        public NamedType? ParentType { get; } = parentType;

        public FieldNode Node { get; } = node;

        public OutputField? Definition { get; } = definition;

        public bool IsSimpleLeaf { get; } = isSimpleLeaf;

        public FieldInfo? Info { get; set; }
    }

    private sealed class FieldInfo(NamedType? namedType, ArgumentInfo? arguments)
    {
        public Dictionary<FieldInfo, string?> Comparisons { get; } = new(ReferenceEqualityComparer.Instance);

        public NamedType? NamedType { get; } = namedType;

        public ArgumentInfo? Arguments { get; } = arguments;

        public string? TypeString { get; set; }
    }

    private sealed class CollectFieldsResult
    {
        public List<string> Keys { get; } = [];

        public Dictionary<string, List<FieldDetails>> Fields { get; } = new(StringComparer.Ordinal);

        public List<string> FragmentNames { get; } = [];

        public Dictionary<string, bool>? ComparedFragments { get; set; }

        public Dictionary<CollectFieldsResult, List<Overlap>>? OverlappingFields { get; set; }
    }
}
