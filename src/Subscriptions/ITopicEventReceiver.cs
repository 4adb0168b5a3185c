namespace CrowNest.Subscriptions;

/// <summary>Subscribes to topics. Implementations are thread-safe singletons.</summary>
public interface ITopicEventReceiver
{
    /// <summary>
    /// Subscribes to <paramref name="topic"/>. When the returned task completes the subscription is active: every
    /// message sent afterwards is delivered to the stream (until it is disposed, completed or overflows).
    /// </summary>
    /// <typeparam name="TMessage">Message type the subscriber reads.</typeparam>
    /// <param name="topic">Topic name: 1 to <see cref="SubscriptionOptions.MaxTopicLength"/> characters, compared ordinally.</param>
    /// <param name="cancellationToken">Cancels subscribing (not the subscription itself).</param>
    /// <exception cref="SubscriptionException">The provider could not subscribe (code <see cref="SubscriptionErrorCode.Unavailable"/>).</exception>
    ValueTask<ISourceStream<TMessage>> SubscribeAsync<TMessage>(string topic, CancellationToken cancellationToken = default);
}
