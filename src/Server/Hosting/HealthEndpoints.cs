using Npgsql;

namespace CrowNest.Server.Hosting;

public static partial class HealthEndpoints
{
    public sealed record Health(string Status);

    public sealed record Readiness(string Status, IReadOnlyDictionary<string, string> Checks);

    /// <summary>/healthz: the process answers (anonymous). /readyz: dependencies work (needs an API key).</summary>
    public static IEndpointRouteBuilder MapCrowNestHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => TypedResults.Ok(new Health("ok"))).AllowAnonymous();
        endpoints.MapGet("/readyz", async (NpgsqlDataSource dataSource, ILogger<Readiness> logger, CancellationToken ct) =>
        {
            var database = await CheckDatabaseAsync(dataSource, logger, ct);
            var body = new Readiness(database == "ok" ? "ok" : "unavailable", new Dictionary<string, string> { ["database"] = database });
            return Results.Json(body, statusCode: database == "ok" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return endpoints;
    }

    private static async Task<string> CheckDatabaseAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var cmd = dataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(timeout.Token);
            return "ok";
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            LogDatabaseDown(logger, e.Message);
            return "unavailable";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: database unavailable ({Reason})")]
    private static partial void LogDatabaseDown(ILogger logger, string reason);
}
