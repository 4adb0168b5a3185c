using CrowNest.Edge;
using CrowNest.Platform.Migrations;
using CrowNest.Platform.Previews;
using CrowNest.Server.Hosting;
using Microsoft.AspNetCore.Connections;
using Npgsql;

namespace CrowNest.Server.EdgeNode;

/// <summary>
/// <c>CrowNest.Server edge</c> (<c>./crownest edge</c>): the preview edge alone, as its own process, against the control
/// plane's database. Run one or several beside the control plane (or behind a load balancer on other hosts): routes,
/// keys and revocations come from PostgreSQL and its NOTIFYs, edge traffic is written back as session heartbeats, and
/// access links are verified with the shared <c>Edge:AccessKey</c>. Sandboxes must be reachable from the node
/// (process runtime: the same host; docker: the same dockerd).
/// </summary>
public static partial class EdgeNodeCommand
{
    /// <summary>Environment switch of .NET's socket engine: run socket continuations on the epoll threads.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static async Task<int> RunAsync(string[] args)
    {
        // The node does nothing but forward, so socket completions run inline on the epoll threads instead of hopping
        // through the thread pool (docs/edge.md, "The edge as its own process"). The runtime reads this once, from the
        // environment, when the first socket is created, so it is set before anything else; an explicit value wins.
        // Never in the control plane's process: there, database and sandbox work would run on the epoll threads.
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }

        var builder = WebApplication.CreateBuilder(CrowNestConfiguration.BuilderOptions(args));
        builder.Configuration.AddCrowNestEnvironment(args);
        var edge = builder.Configuration.GetSection(EdgeOptions.Section).Get<EdgeOptions>() ?? new EdgeOptions();
        if (string.IsNullOrWhiteSpace(edge.AccessKey))
        {
            await Console.Error.WriteLineAsync("crownest edge: set Edge:AccessKey (CROWNEST_EDGE_ACCESS_KEY) to the control plane's key: access links are signed there and verified here");
            return 2;
        }

        builder.WebHost.UseUrls(edge.Url);
        if (builder.Configuration.GetValue("EdgeNode:InlineScheduling", false))
        {
            // Kestrel runs each request where its socket event arrives too (no thread-pool hop at all): cheaper below
            // saturation, ~10 % less throughput at it on the 2-core benchmark VM (docs/edge.md).
            builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        }

        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddCrowNestEdgeNode(builder.Configuration);

        var app = builder.Build();
        try
        {
            _ = app.Services.GetRequiredService<PreviewAccessLinks>();
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync("crownest edge: " + e.Message);
            return 2;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync("crownest edge: " + string.Join("; ", e.Failures));
            return 2;
        }

        app.UseCrowNestEdgeNodeHealth();
        app.UseCrowNestEdge();

        var wait = builder.Configuration.GetValue<TimeSpan?>("EdgeNode:StartupTimeout") ?? TimeSpan.FromSeconds(60);
        var problem = await CheckDatabaseAsync(app.Services, wait, app.Lifetime.ApplicationStopping);
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync("crownest edge: " + problem);
            return 1;
        }

        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            await Console.Error.WriteLineAsync($"crownest edge: {e.Message} Set Edge:Url (CROWNEST_EDGE_URL) to change it");
            return 1;
        }
    }

    /// <summary>
    /// The node never migrates: the control plane owns the schema. It waits (<c>EdgeNode:StartupTimeout</c>, 60 s) for the database to answer
    /// and for every migration it knows to be applied, so a node started together with the control plane comes up
    /// once the schema is there, and one older than the database still runs (new columns are ignored).
    /// </summary>
    internal static async Task<string?> CheckDatabaseAsync(IServiceProvider services, TimeSpan wait, CancellationToken ct)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var expected = MigrationRunner.Embedded.Max(m => m.Version);
        var deadline = DateTimeOffset.UtcNow + wait;
        string problem;
        while (true)
        {
            try
            {
                await using var cmd = dataSource.CreateCommand("SELECT coalesce(max(version), 0) FROM schema_migrations");
                var applied = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
                if (applied >= expected)
                {
                    await WarmUpAsync(services, ct);
                    return null;
                }

                problem = $"the database schema is at migration {applied}, this edge needs {expected}: start (or upgrade) the control plane first";
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                problem = "the database has no CrowNest schema yet: start the control plane first";
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                problem = $"cannot reach PostgreSQL ({e.Message}); set ConnectionStrings:Postgres (CROWNEST_POSTGRES) to the control plane's database";
            }

            if (DateTimeOffset.UtcNow >= deadline || ct.IsCancellationRequested)
            {
                return problem;
            }

            await Task.Delay(500, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One route lookup before the port opens, so EF Core builds its model and the pool opens a connection now, not
    /// inside the first preview request's lookup budget (5 s).
    /// </summary>
    private static async Task WarmUpAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        _ = await scope.ServiceProvider.GetRequiredService<PreviewRouteLookup>().FindBySlugAsync("p-warmup", ct);
    }
}
