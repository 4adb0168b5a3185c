using System.Text.Encodings.Web;
using System.Text.Json;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Execution;

/// <summary>The collected fields of one selection for one object type: response keys (shared by every result map) and field plans.</summary>
internal sealed class SelectionPlan(string[] keys, FieldPlan[] fields)
{
    public string[] Keys { get; } = keys;

    /// <summary>The keys with their JSON property-name encoding, computed once per plan instead of once per response object.</summary>
    private readonly ResultKeys _resultKeys = new(keys, Array.ConvertAll(keys, static key => JsonEncodedText.Encode(key, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)));

    /// <summary>Per key, the bytes before its value in a JSON object (see <see cref="ResultKeys.Prefixes"/>).</summary>
    public byte[][] KeyPrefixes => _resultKeys.Prefixes!;

    /// <summary>A response object of this plan.</summary>
    public ResultMap CreateMap(object?[] values) => new(_resultKeys, values);

    public FieldPlan[] Fields { get; } = fields;

    /// <summary>
    /// True when every field is <c>__typename</c> or a default member read (no argument error) of a type the executor's
    /// pure pass completes (see <c>Executor.TryExecutePure</c>).
    /// </summary>
    public bool MayBePure { get; } = Array.TrueForAll(fields, static f =>
        f.IsTypeName || (f.DictionaryMember is not null && f.PureShape != PureShape.None && f.ArgumentError is null));

    // Back-off for operations whose data makes the pure pass give up (it then re-runs on the general path): after a
    // failure, skip it for the next 1, 2, 4 … 1024 executions; a success resets.
    private int _pureSkip;
    private int _pureBackoff;

    /// <summary>Whether to try the pure pass for this (root) plan now.</summary>
    public bool ShouldTryPure()
    {
        if (!MayBePure)
        {
            return false;
        }

        if (_pureSkip > 0)
        {
            _pureSkip--;
            return false;
        }

        return true;
    }

    /// <summary>The pure pass gave up on this (root) plan.</summary>
    public void NotePureFailure()
    {
        _pureBackoff = Math.Min(Math.Max(1, _pureBackoff * 2), 1024);
        _pureSkip = _pureBackoff;
    }

    /// <summary>The pure pass completed this (root) plan.</summary>
    public void NotePureSuccess()
    {
        if (_pureBackoff != 0)
        {
            _pureBackoff = 0;
        }
    }
}

/// <summary>
/// One response key on one object type, prepared once per execution: merged field nodes, field definition, resolver,
/// coerced arguments (variables are fixed for the execution) and memoized sub-selections per runtime type.
/// </summary>
internal sealed class FieldPlan
{
    private readonly Lock _lock = new();
    private SubPlan? _last;
    private Dictionary<ObjectType, SelectionPlan>? _subPlans;

    public FieldPlan(string responseKey, FieldNode[] nodes, ObjectType parentType, OutputField definition, bool isTypeName)
    {
        ResponseKey = responseKey;
        Nodes = nodes;
        ParentType = parentType;
        Definition = definition;
        IsTypeName = isTypeName;
        Resolver = definition.Resolver ?? DefaultResolver.Resolve;
        IsNonNull = definition.Type is NonNullType;
        LeafScalar = (definition.Type is NonNullType nonNull ? nonNull.OfType : definition.Type) as ScalarType;
        // Interned: data loaded with JsonInput.ToData has interned property names, so the pure pass's member scan
        // matches them by reference (no character comparison). Field names are bounded by the schema.
        DictionaryMember = ClrBinding.DefaultMemberName(definition.Resolver) is { } member ? string.Intern(member) : null;
        IsStringLeaf = ReferenceEquals(LeafScalar, BuiltInScalars.String);
        PureShape = DictionaryMember is null ? PureShape.None : Executor.ShapeOf(definition.Type);
    }

    /// <summary>How a default member read of this field completes in the executor's pure pass.</summary>
    public PureShape PureShape { get; }

    /// <summary>
    /// The member a default resolver (<see cref="ClrBinding.CreateDefaultResolver"/>) reads: the executor reads it from
    /// a dictionary parent directly. Null for every other resolver.
    /// </summary>
    public string? DictionaryMember { get; }

    /// <summary>True when the field is typed <c>String</c> or <c>String!</c> (a string value completes as itself).</summary>
    public bool IsStringLeaf { get; }

    /// <summary>True when the field's type is non-null.</summary>
    public bool IsNonNull { get; }

    /// <summary>The scalar type of a field typed <c>S</c> or <c>S!</c> (the executor's leaf fast path); null otherwise.</summary>
    public ScalarType? LeafScalar { get; }

    public string ResponseKey { get; }

    public FieldNode[] Nodes { get; }

    public ObjectType ParentType { get; }

    public OutputField Definition { get; }

    public FieldResolver Resolver { get; }

    public bool IsTypeName { get; }

    public IReadOnlyDictionary<string, object?> Arguments { get; set; } = EmptyArguments;

    public GraphQLError? ArgumentError { get; set; }

    public static IReadOnlyDictionary<string, object?> EmptyArguments { get; } = new Dictionary<string, object?>();

    /// <summary>graphql-js <c>collectSubfields</c>, memoized per runtime type.</summary>
    public SelectionPlan GetSubPlan(ExecutionState state, ObjectType type)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && ReferenceEquals(last.Type, type))
        {
            return last.Plan;
        }

        lock (_lock)
        {
            _subPlans ??= [];
            if (!_subPlans.TryGetValue(type, out var plan))
            {
                plan = FieldCollector.CollectSubfields(state, type, Nodes);
                _subPlans[type] = plan;
            }

            Volatile.Write(ref _last, new SubPlan(type, plan));
            return plan;
        }
    }

    private sealed record SubPlan(ObjectType Type, SelectionPlan Plan);
}

/// <summary>graphql-js <c>collectFields</c> / <c>collectSubfields</c> with <c>@skip</c>/<c>@include</c>.</summary>
internal static class FieldCollector
{
    public static SelectionPlan CollectRoot(ExecutionState state, ObjectType rootType) =>
        Build(state, rootType, groups =>
            Collect(state, rootType, state.Operation.SelectionSet, groups, new HashSet<string>(StringComparer.Ordinal)));

    public static SelectionPlan CollectSubfields(ExecutionState state, ObjectType type, FieldNode[] nodes) =>
        Build(state, type, groups =>
        {
            var visited = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in nodes)
            {
                if (node.SelectionSet is { } selectionSet)
                {
                    Collect(state, type, selectionSet, groups, visited);
                }
            }
        });

    private static SelectionPlan Build(ExecutionState state, ObjectType type, Action<Groups> collect)
    {
        var groups = new Groups();
        collect(groups);
        var keys = new List<string>(groups.Order.Count);
        var fields = new List<FieldPlan>(groups.Order.Count);
        var schema = state.Schema;
        foreach (var key in groups.Order)
        {
            var nodes = groups.Nodes[key];
            var definition = schema.GetField(type, nodes[0].Name.Value);
            if (definition is null)
            {
                // graphql-js skips fields the type does not define (validation reports them).
                continue;
            }

            var plan = new FieldPlan(key, [.. nodes], type, definition, ReferenceEquals(definition, schema.Meta.TypeName));
            if (definition.Arguments.Count > 0)
            {
                try
                {
                    plan.Arguments = InputCoercion.CoerceArgumentValues(definition.Arguments, nodes[0].Arguments, state.Variables, nodes[0]);
                }
                catch (GraphQLException ex)
                {
                    plan.ArgumentError = ex.Error;
                }
            }

            keys.Add(key);
            fields.Add(plan);
        }

        return new SelectionPlan([.. keys], [.. fields]);
    }

    private static void Collect(ExecutionState state, ObjectType type, SelectionSetNode selectionSet, Groups groups, HashSet<string> visited)
    {
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case FieldNode field:
                    if (ShouldInclude(state, field.Directives))
                    {
                        groups.Add(field.ResponseKey, field);
                    }

                    break;

                case InlineFragmentNode inline:
                    if (ShouldInclude(state, inline.Directives) && FragmentConditionMatches(state.Schema, inline.TypeCondition, type))
                    {
                        Collect(state, type, inline.SelectionSet, groups, visited);
                    }

                    break;

                case FragmentSpreadNode spread:
                    {
                        var name = spread.Name.Value;
                        if (visited.Contains(name) || !ShouldInclude(state, spread.Directives))
                        {
                            continue;
                        }

                        visited.Add(name);
                        if (state.Fragments.TryGetValue(name, out var fragment)
                            && FragmentConditionMatches(state.Schema, fragment.TypeCondition, type))
                        {
                            Collect(state, type, fragment.SelectionSet, groups, visited);
                        }

                        break;
                    }
            }
        }
    }

    private static bool FragmentConditionMatches(Schema schema, NamedTypeNode? condition, ObjectType type)
    {
        if (condition is null)
        {
            return true;
        }

        var conditionType = schema.GetType(condition.Name.Value);
        if (ReferenceEquals(conditionType, type))
        {
            return true;
        }

        return conditionType is { IsAbstract: true } && schema.IsSubType(conditionType, type);
    }

    private static bool ShouldInclude(ExecutionState state, IReadOnlyList<DirectiveNode> directives)
    {
        foreach (var directive in directives)
        {
            var name = directive.Name.Value;
            if (name is "skip" && IfArgument(state, directive) is true)
            {
                return false;
            }

            if (name is "include" && IfArgument(state, directive) is false)
            {
                return false;
            }
        }

        return true;
    }

    private static bool? IfArgument(ExecutionState state, DirectiveNode directive)
    {
        if (state.Schema.GetDirective(directive.Name.Value) is { } definition)
        {
            var values = InputCoercion.CoerceArgumentValues(definition.Arguments, directive.Arguments, state.Variables, directive);
            return values.TryGetValue("if", out var value) && value is bool b ? b : null;
        }

        foreach (var argument in directive.Arguments)
        {
            if (argument.Name.Value == "if")
            {
                return argument.Value switch
                {
                    BooleanValueNode b => b.Value,
                    VariableNode v => state.Variables.TryGetValue(v.Name.Value, out var value) && value is bool b ? b : null,
                    _ => null,
                };
            }
        }

        return null;
    }

    private sealed class Groups
    {
        public List<string> Order { get; } = [];

        public Dictionary<string, List<FieldNode>> Nodes { get; } = new(StringComparer.Ordinal);

        public void Add(string key, FieldNode node)
        {
            if (Nodes.TryGetValue(key, out var list))
            {
                list.Add(node);
            }
            else
            {
                Nodes[key] = [node];
                Order.Add(key);
            }
        }
    }
}
