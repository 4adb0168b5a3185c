using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Execution;

/// <summary>
/// The executor's resolver context: a thin view over the field plan and execution state (path built lazily). Instances
/// are pooled per thread and reused once a field completed synchronously, so a resolver must not keep its context after
/// it returned.
/// </summary>
internal sealed class ResolverContext : IResolverContext
{
    private const int PoolSize = 64;

    // One thread-static object (array + count) so Rent and Return each read thread-local storage once.
    [ThreadStatic]
    private static Pool? t_pool;

    private ResponsePath? _path;

    // The parent position is kept as a PathRef (parent field context + optional list index) instead of a materialized
    // ResponsePath: paths are only needed for errors or when a resolver asks, so the common case allocates none.
    // Safe because a parent context is returned to the pool only after its whole subtree completed synchronously.
    private PathRef _parent;

    public ExecutionState State { get; private set; } = null!;

    public FieldPlan Plan { get; private set; } = null!;

    public object? Parent { get; private set; }

    public OutputField Field => Plan.Definition;

    public ObjectType ParentType => Plan.ParentType;

    public IReadOnlyList<FieldNode> FieldNodes => Plan.Nodes;

    public IReadOnlyDictionary<string, object?> Arguments => Plan.Arguments;

    public ResponsePath Path => _path ??= _parent.IsRoot ? ResponsePath.Root(Plan.ResponseKey) : _parent.Materialize().Append(Plan.ResponseKey);

    public Schema Schema => State.Schema;

    public OperationDefinitionNode Operation => State.Operation;

    public IReadOnlyDictionary<string, object?> Variables => State.Variables;

    public IServiceProvider Services => State.Services;

    public IDictionary<string, object?> ContextData => State.ContextData;

    public CancellationToken CancellationToken => State.Token;

    public static ResolverContext Rent(ExecutionState state, FieldPlan plan, object? parent, PathRef parentPath)
    {
        var pool = t_pool;
        ResolverContext context;
        if (pool is not null && pool.Count > 0)
        {
            var items = pool.Items;
            var index = --pool.Count;
            context = items[index];
            items[index] = null!;
        }
        else
        {
            context = new ResolverContext();
        }

        context.Reset(state, plan, parent, parentPath);
        return context;
    }

    /// <summary>Points a context that is not in use (its previous field completed synchronously) at another field.</summary>
    public void Reset(ExecutionState state, FieldPlan plan, object? parent, PathRef parentPath)
    {
        State = state;
        Plan = plan;
        Parent = parent;
        _parent = parentPath;
        _path = null;
    }

    /// <summary>Returns a context whose field completed synchronously (nothing can observe it any more).</summary>
    public static void Return(ResolverContext context)
    {
        context.State = null!;
        context.Plan = null!;
        context.Parent = null;
        context._parent = default;
        context._path = null;
        var pool = t_pool ??= new Pool();
        if (pool.Count < PoolSize)
        {
            pool.Items[pool.Count++] = context;
        }
    }

    private sealed class Pool
    {
        public readonly ResolverContext[] Items = new ResolverContext[PoolSize];
        public int Count;
    }

    public T Argument<T>(string name) =>
        Plan.Arguments.TryGetValue(name, out var value) ? ValueConverter.Convert<T>(value)! : default!;
}

/// <summary>
/// A response position whose <see cref="ResponsePath"/> is only allocated when needed: the root (default), a field
/// (its context), an item of a field's list (context + index), or an item of a nested list (materialized list path + index).
/// </summary>
internal readonly struct PathRef
{
    private readonly ResolverContext? _field;
    private readonly ResponsePath? _list;
    private readonly int _index;

    private PathRef(ResolverContext? field, ResponsePath? list, int index)
    {
        _field = field;
        _list = list;
        _index = index;
    }

    /// <summary>True for the operation root (no path).</summary>
    public bool IsRoot => _field is null && _list is null;

    public static PathRef Field(ResolverContext context) => new(context, null, -1);

    public static PathRef Item(ResponsePath list, int index) => new(null, list, index);

    /// <summary>
    /// The positions of a list's items: lazy when the list is a field's value itself; a nested list materializes its own
    /// path once (rare) so items only add an index.
    /// </summary>
    public ListItems Items() => _field is not null && _index < 0 ? new ListItems(_field, null) : new ListItems(null, Materialize());

    public ResponsePath Materialize() => _field is not null
        ? (_index < 0 ? _field.Path : _field.Path.Append(_index))
        : _list!.Append(_index);

    /// <summary>Builds item positions of one list without allocating per item.</summary>
    internal readonly struct ListItems(ResolverContext? field, ResponsePath? list)
    {
        public PathRef At(int index) => field is not null ? new PathRef(field, null, index) : new PathRef(null, list, index);
    }
}
