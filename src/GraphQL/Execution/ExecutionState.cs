using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Execution;

/// <summary>Everything one execution shares: inputs, the error list and the per-execution plan caches.</summary>
internal sealed class ExecutionState(
    Schema schema,
    OperationDefinitionNode operation,
    Dictionary<string, FragmentDefinitionNode> fragments,
    IReadOnlyDictionary<string, object?> variables,
    object? rootValue,
    IServiceProvider services,
    IDictionary<string, object?>? contextData,
    CancellationToken token,
    ExecutionOptions options,
    DataLoaderRegistry? dataLoaders)
{
    // Created with the first error: most executions record none, so they skip the allocation.
    private Lock? _errorLock;
    private List<GraphQLError>? _errors;
    private IDictionary<string, object?>? _contextData = contextData;
    private DataLoaderRegistry? _dataLoaders = dataLoaders;

    public Schema Schema { get; } = schema;

    public OperationDefinitionNode Operation { get; } = operation;

    public Dictionary<string, FragmentDefinitionNode> Fragments { get; } = fragments;

    public IReadOnlyDictionary<string, object?> Variables { get; } = variables;

    public object? RootValue { get; } = rootValue;

    public IServiceProvider Services { get; } = services;

    /// <summary>Created on first use: most requests never touch it.</summary>
    public IDictionary<string, object?> ContextData =>
        _contextData ?? Interlocked.CompareExchange(ref _contextData, new Dictionary<string, object?>(StringComparer.Ordinal), null) ?? _contextData;

    public CancellationToken Token { get; } = token;

    public ExecutionOptions Options { get; } = options;

    /// <summary>Created on first use by a resolver.</summary>
    public DataLoaderRegistry DataLoaders =>
        _dataLoaders ?? Interlocked.CompareExchange(ref _dataLoaders, new DataLoaderRegistry(), null) ?? _dataLoaders;

    private Lock ErrorLock =>
        Volatile.Read(ref _errorLock) ?? Interlocked.CompareExchange(ref _errorLock, new Lock(), null) ?? _errorLock;

    public void AddError(GraphQLError error)
    {
        lock (ErrorLock)
        {
            (_errors ??= []).Add(error);
        }
    }

    public IReadOnlyList<GraphQLError>? SnapshotErrors()
    {
        if (Volatile.Read(ref _errorLock) is not { } errorLock)
        {
            // No error was ever recorded (AddError creates the lock before adding).
            return null;
        }

        lock (errorLock)
        {
            return _errors is null ? null : [.. _errors];
        }
    }
}

/// <summary>The empty service provider used when a request brings none.</summary>
internal sealed class EmptyServiceProvider : IServiceProvider
{
    public static readonly EmptyServiceProvider Instance = new();

    public object? GetService(Type serviceType) => null;
}
