namespace CrowNest.Server.Hosting;

/// <summary>
/// Roots of the API surfaces. The GraphQL engine and REST resources arrive in later issues; until then these answer
/// so clients and scripts can discover the platform, and /graphql says plainly that it is not wired yet.
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
        endpoints.MapMethods("/graphql", ["GET", "POST"], () => Results.Json(
            new { errors = new[] { new { message = "The GraphQL endpoint is not available yet", extensions = new { code = "NOT_IMPLEMENTED" } } } },
            statusCode: StatusCodes.Status501NotImplemented));
        return endpoints;
    }
}
