using System.Threading.Channels;
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
internal sealed class SubscriptionBuffer : IDisposable
{
    private readonly Channel<ExecutionResult> _channel;
    private readonly CancellationTokenSource _cts;
    private volatile bool _overflowed;

    public SubscriptionBuffer(IAsyncEnumerable<ExecutionResult> source, int capacity, CancellationToken cancellationToken)
    {
        _channel = Channel.CreateBounded<ExecutionResult>(new BoundedChannelOptions(Math.Max(1, capacity))
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Capacity = Math.Max(1, capacity);
        Producer = Task.Run(() => ProduceAsync(source));
    }

    /// <summary>The buffer size.</summary>
    public int Capacity { get; }

    /// <summary>True once the consumer fell behind by more than <see cref="Capacity"/> results; buffered results are then dropped.</summary>
    public bool Overflowed => _overflowed;

    /// <summary>The exception the source stream failed with (not cancellation), if any.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Completes when the source stream has ended (normally, by failure, overflow or cancellation).</summary>
    public Task Producer { get; }

    /// <summary>Buffered results in order; ends early on overflow.</summary>
    public async IAsyncEnumerable<ExecutionResult> ReadAllAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var result))
            {
                if (_overflowed)
                {
                    yield break;
                }

                yield return result;
            }
        }
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

    public void Dispose() => _cts.Dispose();

    private async Task ProduceAsync(IAsyncEnumerable<ExecutionResult> source)
    {
        var writer = _channel.Writer;
        try
        {
            await foreach (var result in source.WithCancellation(_cts.Token).ConfigureAwait(false))
            {
                if (!writer.TryWrite(result))
                {
                    _overflowed = true;
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
            writer.TryComplete();
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
