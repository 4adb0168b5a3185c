using CrowNest.GraphQL.Transport;
using CrowNest.GraphQL.Transport.WebSockets;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps a WebSocket-only GraphQL endpoint, for hosts whose HTTP endpoint has different conventions.</summary>
public static class GraphQLWebSocketEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps GraphQL over WebSocket (<c>graphql-transport-ws</c>) alone at <paramref name="pattern"/>. It may share the
    /// path of <c>MapGraphQL</c>: WebSocket upgrades then select this endpoint and every other request the HTTP one, so
    /// each gets its own conventions, e.g. <c>MapGraphQL("/graphql").RequireAuthorization()</c> with
    /// <c>MapGraphQLWebSocket("/graphql").AllowAnonymous()</c> and authentication from the <c>connection_init</c>
    /// payload by an <see cref="CrowNest.GraphQL.Transport.WebSockets.IGraphQLWebSocketInterceptor"/> (browsers cannot
    /// send an <c>Authorization</c> header with a WebSocket upgrade). Non-upgrade requests to it get 400.
    /// </summary>
    public static IEndpointConventionBuilder MapGraphQLWebSocket(this IEndpointRouteBuilder endpoints, string pattern = "/graphql")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.Map(pattern, SubscriptionTransports.WebSocketOnly(endpoints.ServiceProvider))
            .WithMetadata(GraphQLWebSocketEndpointMetadata.Instance)
            .WithDisplayName("GraphQL WebSocket " + pattern);
    }
}
