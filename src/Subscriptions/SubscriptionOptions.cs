using System.Text.Json;

namespace CrowNest.Subscriptions;

/// <summary>Options bound from configuration section <c>Subscriptions</c>.</summary>
public sealed record SubscriptionOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Subscriptions";

    /// <summary>
    /// Longest topic in characters. Keeps every control notification (which carries the topic) within PostgreSQL's
    /// NOTIFY payload limit.
    /// </summary>
    public const int MaxTopicLength = 1024;

    /// <summary>
    /// Events buffered per subscriber. A subscriber that falls further behind is ended with
    /// <see cref="SubscriptionErrorCode.BufferOverflow"/> instead of growing memory.
    /// </summary>
    public int SubscriberCapacity { get; init; } = 1_000;

    /// <summary>PostgreSQL provider options.</summary>
    public PostgresSubscriptionOptions Postgres { get; init; } = new();
}

/// <summary>Options of the PostgreSQL (<c>LISTEN</c>/<c>NOTIFY</c>) provider.</summary>
public sealed record PostgresSubscriptionOptions
{
    /// <summary>
    /// Prefix of the NOTIFY channel names (lower-case letters, digits and '_', at most 20 characters); instances that
    /// should exchange events must use the same prefix.
    /// </summary>
    public string ChannelPrefix { get; init; } = "crownest_";

    /// <summary>Table holding payloads too large for NOTIFY (created with CREATE TABLE IF NOT EXISTS).</summary>
    public string PayloadTable { get; init; } = "pubsub_payloads";

    /// <summary>Create <see cref="PayloadTable"/> on first use; false when a migration owns it (see docs/subscriptions.md).</summary>
    public bool CreatePayloadTable { get; init; } = true;

    /// <summary>
    /// Largest NOTIFY payload in UTF-8 bytes sent inline; larger ones go through <see cref="PayloadTable"/>.
    /// PostgreSQL rejects payloads of 8000 bytes or more.
    /// </summary>
    public int MaxInlinePayloadBytes { get; init; } = 7_999;

    /// <summary>How long spilled payloads are kept for receivers to load before they are deleted.</summary>
    public TimeSpan PayloadTimeToLive { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>First delay before reconnecting a lost listener connection; doubles per failed attempt (±20% jitter).</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of the reconnect delay.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long <c>SubscribeAsync</c> waits for the listener to <c>LISTEN</c> (e.g. while PostgreSQL is unreachable)
    /// before failing with <see cref="SubscriptionErrorCode.Unavailable"/>.
    /// </summary>
    public TimeSpan SubscribeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Idle time after which the listener checks its connection with a round trip (detects silent drops).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Serializer options for messages; null uses <see cref="JsonSerializerOptions.Web"/>.</summary>
    public JsonSerializerOptions? SerializerOptions { get; init; }
}
