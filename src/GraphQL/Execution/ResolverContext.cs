using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Execution;

/// <summary>The executor's resolver context: a thin view over the field plan and execution state (path built lazily).</summary>
internal sealed class ResolverContext(ExecutionState state, FieldPlan plan, object? parent, ResponsePath? parentPath) : IResolverContext
{
    private ResponsePath? _path;

    public ExecutionState State { get; } = state;

    public FieldPlan Plan { get; } = plan;

    public ResponsePath? ParentPath { get; } = parentPath;

    public object? Parent { get; } = parent;

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
