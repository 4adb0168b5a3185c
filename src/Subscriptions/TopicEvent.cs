namespace CrowNest.Subscriptions;

/// <summary>What a <see cref="TopicEvent{TMessage}"/> carries.</summary>
public enum TopicEventKind
{
    /// <summary>A published message (<see cref="TopicEvent{TMessage}.Message"/>).</summary>
    Message,

    /// <summary>
    /// The provider reconnected after losing its connection; messages sent meanwhile may be lost, so the subscriber
    /// should re-read the current state and emit it if it changed. Carries no message.
    /// </summary>
    Reconnected,
}

/// <summary>An item of a subscription stream: a message or a reconnected marker.</summary>
/// <typeparam name="TMessage">Message type.</typeparam>
/// <param name="Kind">What the event carries.</param>
/// <param name="Message">The message when <paramref name="Kind"/> is <see cref="TopicEventKind.Message"/>, otherwise default.</param>
public readonly record struct TopicEvent<TMessage>(TopicEventKind Kind, TMessage Message)
{
    /// <summary>
    /// When the provider handed the event to this subscriber (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>),
    /// 0 when unknown. A read of the state that started after this instant reflects every change the event signals,
    /// so subscribers of one topic can share such a read (see <c>LiveQuery</c>).
    /// </summary>
    public long ReceivedAt { get; init; }

    /// <summary>True for a <see cref="TopicEventKind.Reconnected"/> marker.</summary>
    public bool IsReconnected => Kind == TopicEventKind.Reconnected;

    /// <summary>A reconnected marker.</summary>
    public static TopicEvent<TMessage> Reconnected => new(TopicEventKind.Reconnected, default!);
}
