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

    [ThreadStatic]
    private static ResolverContext[]? t_pool;

    [ThreadStatic]
    private static int t_count;

    private ResponsePath? _path;

    public ExecutionState State { get; private set; } = null!;

    public FieldPlan Plan { get; private set; } = null!;

    public ResponsePath? ParentPath { get; private set; }

    public object? Parent { get; private set; }

    public OutputField Field => Plan.Definition;

    public ObjectType ParentType => Plan.ParentType;

    public IReadOnlyList<FieldNode> FieldNodes => Plan.Nodes;

    public IReadOnlyDictionary<string, object?> Arguments => Plan.Arguments;

    public ResponsePath Path => _path ??= ParentPath is null ? ResponsePath.Root(Plan.ResponseKey) : ParentPath.Append(Plan.ResponseKey);

    public Schema Schema => State.Schema;

    public OperationDefinitionNode Operation => State.Operation;

    public IReadOnlyDictionary<string, object?> Variables => State.Variables;

    public IServiceProvider Services => State.Services;

    public IDictionary<string, object?> ContextData => State.ContextData;

    public CancellationToken CancellationToken => State.Token;

    public static ResolverContext Rent(ExecutionState state, FieldPlan plan, object? parent, ResponsePath? parentPath)
    {
        var pool = t_pool;
        ResolverContext context;
        if (pool is not null && t_count > 0)
        {
            context = pool[--t_count];
            pool[t_count] = null!;
        }
        else
        {
            context = new ResolverContext();
        }

        context.State = state;
        context.Plan = plan;
        context.Parent = parent;
        context.ParentPath = parentPath;
        context._path = null;
        return context;
    }

    /// <summary>Returns a context whose field completed synchronously (nothing can observe it any more).</summary>
    public static void Return(ResolverContext context)
    {
        context.State = null!;
        context.Plan = null!;
        context.Parent = null;
        context.ParentPath = null;
        context._path = null;
        var pool = t_pool ??= new ResolverContext[PoolSize];
        if (t_count < pool.Length)
        {
            pool[t_count++] = context;
        }
    }

    public T Argument<T>(string name) =>
        Plan.Arguments.TryGetValue(name, out var value) ? ValueConverter.Convert<T>(value)! : default!;
}

/// <summary>A response position (a field or a list item) whose <see cref="ResponsePath"/> is only allocated when needed.</summary>
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

    public static PathRef Field(ResolverContext context) => new(context, null, 0);

    public static PathRef Item(ResponsePath list, int index) => new(null, list, index);

    public ResponsePath Materialize() => _field is not null ? _field.Path : _list!.Append(_index);
}
