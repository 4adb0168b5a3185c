using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace CrowNest.GraphQL.Transport.WebSockets;

/// <summary>Marks the endpoint mapped by <c>MapGraphQLWebSocket</c>.</summary>
public sealed class GraphQLWebSocketEndpointMetadata
{
    private GraphQLWebSocketEndpointMetadata()
    {
    }

    /// <summary>The single instance.</summary>
    public static GraphQLWebSocketEndpointMetadata Instance { get; } = new();
}

/// <summary>
/// When a WebSocket-only GraphQL endpoint shares its path with other endpoints, WebSocket upgrades select it and all
/// other requests select the others (so that each keeps its own authorization conventions).
/// </summary>
internal sealed class GraphQLWebSocketMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // After the HTTP method policy, which has already removed endpoints that do not allow the method.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<GraphQLWebSocketEndpointMetadata>() is not null)
            {
                return true;
            }
        }

        return false;
    }

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(candidates);
        bool hasWebSocket = false, hasOther = false;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i))
            {
                continue;
            }

            if (candidates[i].Endpoint.Metadata.GetMetadata<GraphQLWebSocketEndpointMetadata>() is null)
            {
                hasOther = true;
            }
            else
            {
                hasWebSocket = true;
            }
        }

        if (!hasWebSocket || !hasOther)
        {
            return Task.CompletedTask;
        }

        var upgrade = IsWebSocketUpgrade(httpContext.Request);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i))
            {
                var isWebSocket = candidates[i].Endpoint.Metadata.GetMetadata<GraphQLWebSocketEndpointMetadata>() is not null;
                candidates.SetValidity(i, isWebSocket == upgrade);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>An HTTP/1.1 <c>Upgrade: websocket</c> GET or an HTTP/2+ extended CONNECT.</summary>
    internal static bool IsWebSocketUpgrade(HttpRequest request)
    {
        if (HttpMethods.IsConnect(request.Method))
        {
            return true;
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            return false;
        }

        foreach (var value in request.Headers.Upgrade)
        {
            if (value is not null && value.Contains("websocket", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
