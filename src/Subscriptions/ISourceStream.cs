namespace CrowNest.Subscriptions;

/// <summary>
/// One subscription to one topic, backed by a bounded buffer. Disposing it unsubscribes at once. It can be read once.
/// </summary>
/// <typeparam name="TMessage">Message type.</typeparam>
public interface ISourceStream<TMessage> : IAsyncDisposable
{
    /// <summary>The subscribed topic.</summary>
    string Topic { get; }

    /// <summary>
    /// Reads the subscription's events in order: messages, and <see cref="TopicEventKind.Reconnected"/> markers when the
    /// provider recovered from a lost connection (messages may have been missed: re-read current state).
    /// The sequence ends when the stream is disposed or the topic is completed; it throws
    /// <see cref="SubscriptionException"/> with <see cref="SubscriptionErrorCode.BufferOverflow"/> when the reader fell
    /// more than the buffer capacity behind. Ending the enumeration early unsubscribes.
    /// </summary>
    /// <param name="cancellationToken">Stops reading (and unsubscribes).</param>
    /// <exception cref="InvalidOperationException">The stream is already being read.</exception>
    IAsyncEnumerable<TopicEvent<TMessage>> ReadEventsAsync(CancellationToken cancellationToken = default);
}
