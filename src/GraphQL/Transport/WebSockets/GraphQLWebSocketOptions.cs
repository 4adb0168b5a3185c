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

    /// <summary>How long the server waits for the client's close frame after closing the socket. Default 2 s.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
