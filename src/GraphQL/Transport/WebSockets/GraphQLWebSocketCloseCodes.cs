namespace CrowNest.GraphQL.Transport.WebSockets;

/// <summary>Close codes of the <c>graphql-transport-ws</c> protocol.</summary>
public static class GraphQLWebSocketCloseCodes
{
    /// <summary>A message was invalid (bad JSON, unknown type, missing fields).</summary>
    public const int BadRequest = 4400;

    /// <summary><c>subscribe</c> before the connection was acknowledged.</summary>
    public const int Unauthorized = 4401;

    /// <summary>The interceptor rejected the connection.</summary>
    public const int Forbidden = 4403;

    /// <summary>The client did not offer the <c>graphql-transport-ws</c> subprotocol.</summary>
    public const int SubprotocolNotAcceptable = 4406;

    /// <summary>No <c>connection_init</c> within <see cref="GraphQLWebSocketOptions.ConnectionInitTimeout"/>.</summary>
    public const int ConnectionInitialisationTimeout = 4408;

    /// <summary>A <c>subscribe</c> reused the id of a running operation.</summary>
    public const int SubscriberAlreadyExists = 4409;

    /// <summary>More than one <c>connection_init</c>.</summary>
    public const int TooManyInitialisationRequests = 4429;

    /// <summary>The server failed unexpectedly.</summary>
    public const int InternalServerError = 4500;
}
