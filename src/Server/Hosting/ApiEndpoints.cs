using CrowNest.Server.Apps;
using CrowNest.Server.Files;
using CrowNest.Server.Previews;
using CrowNest.Server.PreviewSessions;
using CrowNest.Server.Realtime;
using CrowNest.Server.Sandboxes;
using CrowNest.Server.Workspaces;

namespace CrowNest.Server.Hosting;

/// <summary>
/// Roots of the API surfaces: the discovery documents of <c>/api</c> and <c>/v1</c>, and GraphQL at <c>/graphql</c>
/// (every request authenticated with an API key).
/// </summary>
public static class ApiEndpoints
{
    public sealed record ApiIndex(string Name, string Version, IReadOnlyDictionary<string, string> Links);

    public static IEndpointRouteBuilder MapCrowNestApi(this IEndpointRouteBuilder endpoints)
    {
        var version = typeof(ApiEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var index = new ApiIndex("CrowNest", version, new Dictionary<string, string>
        {
            ["graphql"] = "/graphql",
            ["rest"] = "/v1",
            ["health"] = "/healthz",
            ["ready"] = "/readyz",
        });
        endpoints.MapGet("/api", () => TypedResults.Ok(index));
        endpoints.MapGet("/v1", () => TypedResults.Ok(index));
        endpoints.MapGraphQL("/graphql").RequireAuthorization();
        endpoints.MapCrowNestRealtime("/graphql");
        endpoints.MapAppsApi();
        endpoints.MapPreviewSessionsApi();
        endpoints.MapAppFilesApi();
        endpoints.MapSandboxesApi();
        endpoints.MapPreviewAccessLinksApi();
        endpoints.MapWorkspacesApi();
        return endpoints;
    }
}
