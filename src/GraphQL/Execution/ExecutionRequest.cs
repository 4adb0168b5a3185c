using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Execution;

/// <summary>One execution of an already-validated document.</summary>
public sealed record ExecutionRequest
{
    /// <summary>The schema to execute against.</summary>
    public required Schema Schema { get; init; }

    /// <summary>The parsed and validated document.</summary>
    public required DocumentNode Document { get; init; }

    /// <summary>The operation to run; required when the document has several operations.</summary>
    public string? OperationName { get; init; }

    /// <summary>Raw variable values (see <see cref="JsonInput"/>): a key that is present with a null value is an explicit null.</summary>
    public IReadOnlyDictionary<string, object?>? VariableValues { get; init; }

    /// <summary>The parent value of root fields.</summary>
    public object? RootValue { get; init; }

    /// <summary>Request services (e.g. the request scope); an empty provider when null.</summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>Per-request state visible to resolvers; a fresh dictionary when null.</summary>
    public IDictionary<string, object?>? ContextData { get; init; }

    /// <summary>Ends execution with a <see cref="ErrorCodes.Timeout"/> error when it elapses.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Aborts execution (the returned task is cancelled).</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Execution options; <see cref="ExecutionOptions.Default"/> when null.</summary>
    public ExecutionOptions? Options { get; init; }

    /// <summary>The per-request DataLoader registry; the executor creates one when null.</summary>
    public DataLoaderRegistry? DataLoaders { get; init; }

    /// <summary>
    /// Set by transports that serialize the result: an operation completed by the executor's pure pass is then written as
    /// JSON directly (<see cref="ExecutionResult.Data"/> is built only if read).
    /// </summary>
    internal bool PrepareJson { get; init; }

    /// <summary>
    /// With <see cref="PrepareJson"/>: the JSON stays in a pooled buffer that the caller gives back with
    /// <c>PreparedData.Release</c> (the HTTP handler, right after copying it into the response). Otherwise it is copied
    /// to an exact-size array, so results kept or written later hold no pooled memory.
    /// </summary>
    internal bool PooledJson { get; init; }
}

/// <summary>Executor options.</summary>
public sealed record ExecutionOptions
{
    /// <summary>Defaults: exception details hidden.</summary>
    public static ExecutionOptions Default { get; } = new();

    /// <summary>
    /// When true, unexpected resolver exceptions report their message and an <c>exception</c> extension (type and
    /// stack trace) instead of "Unexpected error." — for development only.
    /// </summary>
    public bool IncludeExceptionDetails { get; init; }
}
