using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks.Sources;
using CrowNest.GraphQL.Execution;

namespace CrowNest.GraphQL.Transport;

/// <summary>Error codes of the subscription transports (WebSocket and SSE).</summary>
public static class SubscriptionErrorCodes
{
    /// <summary>The client fell behind: more results were pending than the subscription's buffer holds, so it was ended.</summary>
    public const string Overflow = "SUBSCRIPTION_OVERFLOW";
}

/// <summary>
/// Decouples a result stream from a (possibly slow) consumer with a bounded buffer: the producer never waits for the
/// consumer; when the buffer is full the subscription is ended (<see cref="Overflowed"/>) instead of growing memory.
/// </summary>
/// <remarks>
/// Thousands of these sit idle at once (one per open subscription), so the buffer is a plain queue allocated on the first
/// result and one reusable waiter instead of a channel, and the producer is started without a delegate or extra task.
/// </remarks>
internal sealed class SubscriptionBuffer : IDisposable, IValueTaskSource<bool>
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _cts;
    private readonly bool _ownsCts;
    private Queue<ExecutionResult>? _items;
    private ManualResetValueTaskSourceCore<bool> _waiter = new() { RunContinuationsAsynchronously = true };
    private bool _waiting;
    private bool _completed;
    private volatile bool _overflowed;

    /// <summary>A buffer stopped by <paramref name="cancellationToken"/> (through a linked source of its own).</summary>
    public SubscriptionBuffer(IAsyncEnumerable<ExecutionResult> source, int capacity, CancellationToken cancellationToken)
        : this(source, capacity, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken), ownsCancellation: true)
    {
    }

    /// <summary>
    /// A buffer whose source is stopped through <paramref name="cancellation"/>, which the caller owns (e.g. the
    /// operation's own source: <see cref="Stop"/> and overflow cancel it, <see cref="Dispose"/> leaves it alone).
    /// </summary>
    public SubscriptionBuffer(IAsyncEnumerable<ExecutionResult> source, int capacity, CancellationTokenSource cancellation)
        : this(source, capacity, cancellation, ownsCancellation: false)
    {
    }

    private SubscriptionBuffer(IAsyncEnumerable<ExecutionResult> source, int capacity, CancellationTokenSource cancellation, bool ownsCancellation)
    {
        _waiter.RunContinuationsAsynchronously = true;
        _cts = cancellation;
        _ownsCts = ownsCancellation;
        Capacity = Math.Max(1, capacity);
        Producer = ProduceAsync(source);
    }

    /// <summary>The buffer size.</summary>
    public int Capacity { get; }

    /// <summary>True once the consumer fell behind by more than <see cref="Capacity"/> results; buffered results are then dropped.</summary>
    public bool Overflowed => _overflowed;

    /// <summary>The exception the source stream failed with (not cancellation), if any.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Completes when the source stream has ended (normally, by failure, overflow or cancellation).</summary>
    public Task Producer { get; }

    /// <summary>
    /// Waits until a result can be read (true) or the stream has ended (false: completed, failed, stopped or overflowed).
    /// One consumer: call again only after the previous wait completed.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_lock)
        {
            if (_overflowed)
            {
                return new ValueTask<bool>(false);
            }

            if (_items is { Count: > 0 })
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            _waiter.Reset();
            _waiting = true;
            return new ValueTask<bool>(this, _waiter.Version);
        }
    }

    /// <summary>The next buffered result in order; false when none is buffered or the buffer overflowed.</summary>
    public bool TryRead([NotNullWhen(true)] out ExecutionResult? result)
    {
        lock (_lock)
        {
            if (!_overflowed && _items is { Count: > 0 } items)
            {
                result = items.Dequeue();
                return true;
            }
        }

        result = null;
        return false;
    }

    /// <summary>The error to report when the subscription overflowed.</summary>
    public GraphQLError OverflowError() =>
        new($"The subscription was ended because the client fell behind by more than {Capacity} results.", SubscriptionErrorCodes.Overflow);

    /// <summary>Stops the source stream.</summary>
    public void Stop()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    public void Dispose()
    {
        if (_ownsCts)
        {
            _cts.Dispose();
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _waiter.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waiter.OnCompleted(continuation, state, token, flags);

    /// <summary>Buffers one result; false (and the subscription ends) when the buffer is full.</summary>
    private bool Write(ExecutionResult result)
    {
        bool wake;
        bool written;
        lock (_lock)
        {
            var items = _items ??= new Queue<ExecutionResult>(2);
            if (items.Count >= Capacity)
            {
                _overflowed = true;
                items.Clear();
                written = false;
            }
            else
            {
                items.Enqueue(result);
                written = true;
            }

            wake = TakeWaiter();
        }

        if (wake)
        {
            _waiter.SetResult(written);
        }

        return written;
    }

    private void Complete()
    {
        bool wake;
        bool readable;
        lock (_lock)
        {
            _completed = true;
            readable = _items is { Count: > 0 } && !_overflowed;
            wake = TakeWaiter();
        }

        if (wake)
        {
            _waiter.SetResult(readable);
        }
    }

    // Under _lock. The waiter is completed after the lock is released (its continuation is queued, not run inside the
    // lock); the consumer cannot wait again before SetResult (it is parked until then), so nothing races it.
    private bool TakeWaiter()
    {
        if (!_waiting)
        {
            return false;
        }

        _waiting = false;
        return true;
    }

    private async Task ProduceAsync(IAsyncEnumerable<ExecutionResult> source)
    {
        // The enumerator is taken here, on the constructor's thread: an async iterator then hands out itself instead of
        // a second instance (it does on another thread), and this method keeps no reference to the enumerable.
        IAsyncEnumerator<ExecutionResult> results;
        try
        {
            results = source.GetAsyncEnumerator(_cts.Token);
        }
        catch (Exception ex)
        {
            Fault = ex;
            Complete();
            return;
        }

        source = null!;

        // The constructor returns at once; the source runs on the thread pool.
        await Task.Yield();
        try
        {
            // No local holds the last result: an idle subscription keeps nothing it has already handed over.
            while (await results.MoveNextAsync().ConfigureAwait(false))
            {
                if (!Write(results.Current))
                {
                    await _cts.CancelAsync().ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            // Stopped by the consumer, the client or overflow.
        }
        catch (Exception ex)
        {
            Fault = ex;
        }
        finally
        {
            try
            {
                await results.DisposeAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested)
            {
                // Stopped.
            }
            catch (Exception ex)
            {
                Fault ??= ex;
            }

            Complete();
        }
    }

    /// <summary>The GraphQL error reported for a source stream that failed after it started.</summary>
    public static GraphQLError ToError(Exception exception, ExecutionOptions? options) => exception switch
    {
        GraphQLException graphQL => graphQL.Error,
        _ when options?.IncludeExceptionDetails == true => new GraphQLError(exception.Message, ErrorCodes.Internal),
        _ => new GraphQLError("Unexpected error.", ErrorCodes.Internal),
    };
}
