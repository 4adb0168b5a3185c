namespace CrowNest.Subscriptions;

/// <summary>Publishes messages to topics. Implementations are thread-safe singletons.</summary>
public interface ITopicEventSender
{
    /// <summary>
    /// Publishes <paramref name="message"/> to every current subscriber of <paramref name="topic"/> (on every instance
    /// for distributed providers). Messages sent one after another by one caller arrive in that order.
    /// </summary>
    /// <typeparam name="TMessage">Message type; distributed providers serialize it with System.Text.Json.</typeparam>
    /// <param name="topic">Topic name: 1 to <see cref="SubscriptionOptions.MaxTopicLength"/> characters, compared ordinally.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="SubscriptionException">The provider could not publish (code <see cref="SubscriptionErrorCode.Unavailable"/>).</exception>
    ValueTask SendAsync<TMessage>(string topic, TMessage message, CancellationToken cancellationToken = default);

    /// <summary>Ends the streams of all current subscribers of <paramref name="topic"/> normally (e.g. the entity was deleted).</summary>
    /// <param name="topic">Topic name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask CompleteAsync(string topic, CancellationToken cancellationToken = default);
}
