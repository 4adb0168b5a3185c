namespace CrowNest.GraphQL.Transport.WebSockets;

/// <summary>Options of GraphQL over WebSocket (the <c>graphql-transport-ws</c> subprotocol of graphql-ws).</summary>
public sealed record GraphQLWebSocketOptions
{
    /// <summary>Accept WebSocket upgrades on the GraphQL endpoint. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How long a client may take to send <c>connection_init</c> before the socket is closed with 4408. Default 3 s.</summary>
    public TimeSpan ConnectionInitTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Interval of server-sent <c>ping</c> messages (clients answer with <c>pong</c>); null disables them. Default 15 s.</summary>
    public TimeSpan? KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Results each operation may have waiting to be sent. A client that falls further behind gets an <c>error</c>
    /// message with code <c>SUBSCRIPTION_OVERFLOW</c> for that operation, which is ended. Default 1 000.
    /// </summary>
    public int MaxBufferedMessages { get; init; } = 1_000;

    /// <summary>Largest accepted client message in bytes; larger ones close the socket with 1009. Default 1 MiB.</summary>
    public int MaxMessageSize { get; init; } = 1024 * 1024;

    /// <summary>Operations one socket may run at once; more get an <c>error</c> message with <c>LIMIT_EXCEEDED</c>. Default 100.</summary>
    public int MaxOperationsPerConnection { get; init; } = 100;

    /// <summary>
    /// Operations one socket may be starting at once: an operation counts from <c>subscribe</c> until its first result,
    /// its end or <see cref="StartTimeout"/>. A client that subscribes to many live queries at once (each loads the
    /// current state first) then holds a few loads in flight instead of all of them, which bounds the memory and database
    /// connections a burst of subscriptions takes. 0 disables the limit. Default 8.
    /// </summary>
    public int MaxConcurrentStarts { get; init; } = 8;

    /// <summary>
    /// Operations all sockets of the server may be starting at once (counted like <see cref="MaxConcurrentStarts"/>,
    /// which still applies per socket). Without it a burst over many sockets (10,000 live subscriptions over 100
    /// sockets) holds hundreds of half-done loads at a time; their garbage survives the collections during the burst
    /// into the oldest generation, which an idle server never collects (hundreds of MB of resident memory). Queued
    /// <c>subscribe</c> messages cost only their parsed request meanwhile. 0 disables the limit. Default 32.
    /// </summary>
    public int MaxConcurrentStartsPerServer { get; init; } = 32;

    /// <summary>
    /// How long a starting operation may hold its place among <see cref="MaxConcurrentStarts"/> while it has produced no
    /// result (a subscription that emits nothing until its first event). Default 250 ms.
    /// </summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the server waits for the client's close frame after closing the socket. Default 2 s.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
