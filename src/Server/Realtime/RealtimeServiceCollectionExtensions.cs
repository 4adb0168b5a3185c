using CrowNest.GraphQL.Transport;
using CrowNest.Server.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace CrowNest.Server.Realtime;

public static class RealtimeServiceCollectionExtensions
{
    /// <summary>
    /// Subscriptions of the platform: PostgreSQL LISTEN/NOTIFY pub/sub (events reach every instance on the database),
    /// API-key authentication of GraphQL WebSockets, and the end of WebSocket/SSE streams whose key is revoked or expires.
    /// </summary>
    public static IServiceCollection AddCrowNestRealtime(this IServiceCollection services)
    {
        services.AddCrowNestSubscriptions().AddPostgres(sp => sp.GetRequiredService<NpgsqlDataSource>());
        services.TryAddScoped<ApiKeyValidator>();
        services.AddGraphQL().AddWebSocketInterceptor<ApiKeyWebSocketInterceptor>();
        // Streams authenticated with a key end when it is revoked or expires (every instance, via NOTIFY).
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApiKeyStreamWatcher>();
        services.TryAddSingleton<IGraphQLCredentialsWatcher>(sp => sp.GetRequiredService<ApiKeyStreamWatcher>());
        return services;
    }

    /// <summary>The WebSocket transport on <paramref name="pattern"/>: the upgrade is anonymous, the interceptor checks the key.</summary>
    public static IEndpointRouteBuilder MapCrowNestRealtime(this IEndpointRouteBuilder endpoints, string pattern = "/graphql")
    {
        endpoints.MapGraphQLWebSocket(pattern).AllowAnonymous();
        return endpoints;
    }
}
