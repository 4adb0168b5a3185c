using System.Runtime.CompilerServices;
using System.Text.Json;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Transport;

namespace CrowNest.GraphQL.Execution;

/// <summary>
/// Implemented by a subscription source stream (the <see cref="IAsyncEnumerable{T}"/> a subscription field's resolver
/// returns) whose events may be executed once for every subscription with the same <see cref="ShareKey"/>, the same
/// document, operation and variables: when two such subscriptions receive the same event object (by reference), the
/// selection set runs once and both transports send the same serialized payload.
/// </summary>
/// <remarks>
/// Only opt in when every resolver below the subscription field gives the same result for every subscriber with the
/// same key, e.g. when the key identifies the caller (its authorization) and the topic.
/// </remarks>
public interface ISharedSubscriptionSource
{
    /// <summary>Subscriptions whose keys differ never share an execution (e.g. topic and caller identity).</summary>
    string ShareKey { get; }
}

/// <summary>What must be equal for two subscriptions to share the execution of one event.</summary>
internal sealed class SharedEventKey : IEquatable<SharedEventKey>
{
    private static readonly JsonSerializerOptions VariableOptions = new(JsonSerializerOptions.Web);

    private readonly object _schema;
    private readonly DocumentNode _document;
    private readonly OperationDefinitionNode _operation;
    private readonly object? _rootValue;
    private readonly string _variables;
    private readonly string _share;

    private SharedEventKey(object schema, DocumentNode document, OperationDefinitionNode operation, object? rootValue, string variables, string share)
    {
        _schema = schema;
        _document = document;
        _operation = operation;
        _rootValue = rootValue;
        _variables = variables;
        _share = share;
    }

    /// <summary>The key of a subscription, or null when its variables cannot be compared (then it never shares).</summary>
    public static SharedEventKey? Create(ExecutionRequest request, OperationDefinitionNode operation, string share)
    {
        string variables;
        try
        {
            variables = request.VariableValues is { Count: > 0 } values ? JsonSerializer.Serialize(values, VariableOptions) : "";
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            return null;
        }

        return new SharedEventKey(request.Schema, request.Document, operation, request.RootValue, variables, share);
    }

    public bool Equals(SharedEventKey? other) =>
        other is not null
        && ReferenceEquals(_schema, other._schema)
        && ReferenceEquals(_document, other._document)
        && ReferenceEquals(_operation, other._operation)
        && ReferenceEquals(_rootValue, other._rootValue)
        && string.Equals(_variables, other._variables, StringComparison.Ordinal)
        && string.Equals(_share, other._share, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as SharedEventKey);

    public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(_document), _variables, _share);
}

/// <summary>
/// Event results shared between subscriptions (<see cref="ISharedSubscriptionSource"/>): keyed by the event object, so
/// an entry lives exactly as long as the event does; the serialized payload is computed once per shared result.
/// </summary>
internal static class SharedEventResults
{
    private static readonly ConditionalWeakTable<object, List<(SharedEventKey Key, Task<ExecutionResult> Result)>> Events = new();
    private static readonly ConditionalWeakTable<ExecutionResult, SharedPayload> Payloads = new();

    /// <summary>
    /// The result of <paramref name="payload"/> for <paramref name="key"/>: executed by the first subscription to get
    /// here, awaited by the others. A subscription whose shared execution failed or was cancelled (the executing
    /// subscription was completed meanwhile) executes the event itself.
    /// </summary>
    public static async ValueTask<ExecutionResult> ExecuteAsync(
        object payload, SharedEventKey key, Func<ValueTask<ExecutionResult>> execute, CancellationToken cancellationToken)
    {
        var entries = Events.GetValue(payload, static _ => new(1));
        Task<ExecutionResult>? shared = null;
        TaskCompletionSource<ExecutionResult>? mine = null;
        lock (entries)
        {
            foreach (var (entryKey, result) in entries)
            {
                if (entryKey.Equals(key))
                {
                    shared = result;
                    break;
                }
            }

            if (shared is null)
            {
                mine = new TaskCompletionSource<ExecutionResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                entries.Add((key, mine.Task));
            }
        }

        if (mine is not null)
        {
            try
            {
                var result = await execute().ConfigureAwait(false);
                Payloads.AddOrUpdate(result, new SharedPayload(result));
                mine.SetResult(result);
                return result;
            }
            catch (Exception ex)
            {
                lock (entries)
                {
                    entries.RemoveAll(e => ReferenceEquals(e.Result, mine.Task));
                }

                mine.SetException(ex);
                _ = mine.Task.Exception; // observed: the waiters fall back to executing themselves
                throw;
            }
        }

        try
        {
            return await shared!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return await execute().ConfigureAwait(false);
        }
    }

    /// <summary>The serialized payload (<see cref="ResultWriter"/>) of a shared result, computed once; false for others.</summary>
    public static bool TryGetPayloadBytes(ExecutionResult result, out byte[] bytes)
    {
        if (Payloads.TryGetValue(result, out var payload))
        {
            bytes = payload.Bytes;
            return true;
        }

        bytes = [];
        return false;
    }

    private sealed class SharedPayload(ExecutionResult result)
    {
        private byte[]? _bytes;

        public byte[] Bytes
        {
            get
            {
                var bytes = Volatile.Read(ref _bytes);
                if (bytes is null)
                {
                    // Two subscribers may both serialize on a race; either copy is identical.
                    bytes = ResultWriter.ToUtf8Bytes(result);
                    bytes = Interlocked.CompareExchange(ref _bytes, bytes, null) ?? bytes;
                }

                return bytes;
            }
        }
    }
}
