using CrowNest.Server.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace CrowNest.Server.Realtime;

public static class RealtimeServiceCollectionExtensions
{
    /// <summary>
    /// Subscriptions of the platform: PostgreSQL LISTEN/NOTIFY pub/sub (events reach every instance on the database)
    /// and API-key authentication of GraphQL WebSockets.
    /// </summary>
    public static IServiceCollection AddCrowNestRealtime(this IServiceCollection services)
    {
        services.AddCrowNestSubscriptions().AddPostgres(sp => sp.GetRequiredService<NpgsqlDataSource>());
        services.TryAddScoped<ApiKeyValidator>();
        services.AddGraphQL().AddWebSocketInterceptor<ApiKeyWebSocketInterceptor>();
        return services;
    }

    /// <summary>The WebSocket transport on <paramref name="pattern"/>: the upgrade is anonymous, the interceptor checks the key.</summary>
    public static IEndpointRouteBuilder MapCrowNestRealtime(this IEndpointRouteBuilder endpoints, string pattern = "/graphql")
    {
        endpoints.MapGraphQLWebSocket(pattern).AllowAnonymous();
        return endpoints;
    }
}
