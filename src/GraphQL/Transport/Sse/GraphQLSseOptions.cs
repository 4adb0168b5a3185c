namespace CrowNest.GraphQL.Transport.Sse;

/// <summary>Options of GraphQL over Server-Sent Events (graphql-sse protocol, distinct connections mode).</summary>
public sealed record GraphQLSseOptions
{
    /// <summary>Answer requests with <c>Accept: text/event-stream</c> with an event stream. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Interval of keep-alive comments (<c>:</c> lines) on open streams; null disables them. Default 12 s.</summary>
    public TimeSpan? KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>
    /// Results a stream may have waiting to be written. A client that falls further behind gets a <c>next</c> event
    /// with a <c>SUBSCRIPTION_OVERFLOW</c> error followed by <c>complete</c>. Default 1 000.
    /// </summary>
    public int MaxBufferedMessages { get; init; } = 1_000;
}
