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
    IDictionary<string, object?> contextData,
    CancellationToken token,
    ExecutionOptions options,
    DataLoaderRegistry dataLoaders)
{
    private readonly Lock _errorLock = new();
    private List<GraphQLError>? _errors;

    public Schema Schema { get; } = schema;

    public OperationDefinitionNode Operation { get; } = operation;

    public Dictionary<string, FragmentDefinitionNode> Fragments { get; } = fragments;

    public IReadOnlyDictionary<string, object?> Variables { get; } = variables;

    public object? RootValue { get; } = rootValue;

    public IServiceProvider Services { get; } = services;

    public IDictionary<string, object?> ContextData { get; } = contextData;

    public CancellationToken Token { get; } = token;

    public ExecutionOptions Options { get; } = options;

    public DataLoaderRegistry DataLoaders { get; } = dataLoaders;

    public void AddError(GraphQLError error)
    {
        lock (_errorLock)
        {
            (_errors ??= []).Add(error);
        }
    }

    public IReadOnlyList<GraphQLError>? SnapshotErrors()
    {
        lock (_errorLock)
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
