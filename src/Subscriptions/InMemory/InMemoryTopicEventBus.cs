using System.Diagnostics;

namespace CrowNest.Subscriptions.InMemory;

/// <summary>
/// Single-instance provider: messages go straight from the sender to the subscribers' buffers, by reference and without
/// serialization. Use <see cref="Postgres.PostgresTopicEventBus"/> when several server instances share subscribers.
/// </summary>
public sealed class InMemoryTopicEventBus : ITopicEventSender, ITopicEventReceiver
{
    private readonly TopicRegistry _registry = new();
    private readonly int _capacity;
    private readonly Action<Subscriber> _unsubscribe;

    /// <summary>Creates the provider.</summary>
    /// <param name="options">Options; null uses the defaults.</param>
    public InMemoryTopicEventBus(SubscriptionOptions? options = null)
    {
        _capacity = CheckCapacity((options ?? new SubscriptionOptions()).SubscriberCapacity);
        _unsubscribe = s => _registry.Remove(s);
    }

    /// <inheritdoc />
    public ValueTask SendAsync<TMessage>(string topic, TMessage message, CancellationToken cancellationToken = default)
    {
        TopicRegistry.ValidateTopic(topic);
        cancellationToken.ThrowIfCancellationRequested();
        var receivedAt = Stopwatch.GetTimestamp();
        foreach (var subscriber in _registry.Get(topic))
        {
            subscriber.Deliver(message, receivedAt);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(string topic, CancellationToken cancellationToken = default)
    {
        TopicRegistry.ValidateTopic(topic);
        foreach (var subscriber in _registry.Get(topic))
        {
            subscriber.End(null);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<ISourceStream<TMessage>> SubscribeAsync<TMessage>(string topic, CancellationToken cancellationToken = default)
    {
        TopicRegistry.ValidateTopic(topic);
        cancellationToken.ThrowIfCancellationRequested();
        var stream = new SourceStream<TMessage>(topic, _capacity, _unsubscribe);
        _registry.Add(stream);
        return ValueTask.FromResult<ISourceStream<TMessage>>(stream);
    }

    internal static int CheckCapacity(int capacity) => capacity > 0
        ? capacity
        : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "SubscriberCapacity must be positive.");
}
