namespace CrowNest.Subscriptions.Tests.Infrastructure;

/// <summary>Reads a subscription event by event; every wait is bounded so a missing event fails instead of hanging.</summary>
public sealed class EventReader<T> : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly IAsyncEnumerator<TopicEvent<T>> _events;

    public EventReader(ISourceStream<T> stream)
    {
        Stream = stream;
        _events = stream.ReadEventsAsync().GetAsyncEnumerator();
    }

    public ISourceStream<T> Stream { get; }

    /// <summary>The next event, or null when the stream ended normally.</summary>
    public async Task<TopicEvent<T>?> NextEventAsync()
    {
        var moved = await _events.MoveNextAsync().AsTask().WaitAsync(Timeout);
        return moved ? _events.Current : null;
    }

    /// <summary>The next message (fails on a reconnected marker or on the end of the stream).</summary>
    public async Task<T> NextAsync()
    {
        var next = await NextEventAsync();
        Assert.NotNull(next);
        Assert.Equal(TopicEventKind.Message, next.Value.Kind);
        return next.Value.Message;
    }

    public async Task<List<T>> NextAsync(int count)
    {
        var messages = new List<T>(count);
        for (var i = 0; i < count; i++)
        {
            messages.Add(await NextAsync());
        }

        return messages;
    }

    public async Task AssertEndedAsync() => Assert.Null(await NextEventAsync());

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        try
        {
            await _events.DisposeAsync();
        }
        catch (NotSupportedException)
        {
            // Disposing an enumerator with a pending MoveNextAsync (a test that already failed) is not allowed.
        }
    }
}

public static class EventReader
{
    public static async Task<EventReader<T>> OpenReaderAsync<T>(this ITopicEventReceiver receiver, string topic) =>
        new(await receiver.SubscribeAsync<T>(topic));
}
