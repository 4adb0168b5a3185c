using CrowNest.Edge;
using CrowNest.Platform.Data;
using CrowNest.Platform.Previews;
using CrowNest.Platform.PreviewSessions;
using CrowNest.Server.Auth;
using CrowNest.Server.Postgres;
using CrowNest.Server.Previews;
using CrowNest.Server.PreviewSessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrowNest.Server.EdgeNode;

public static class EdgeNodeServiceCollectionExtensions
{
    /// <summary>
    /// What a standalone edge needs and nothing more: the database (<c>ConnectionStrings:Postgres</c>, else the
    /// embedded cluster a local control plane runs), the edge over the <c>previews</c> table with API-key
    /// authentication, the NOTIFY listeners that keep its route and key caches current, the sandbox runtime only to
    /// look up a container's published port, and the activity writer for session heartbeats. No API, no migrations,
    /// no sandbox housekeeping.
    /// </summary>
    public static IServiceCollection AddCrowNestEdgeNode(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EdgeOptions>(configuration.GetSection(EdgeOptions.Section));
        services.AddEdgePublicSchemeDefault(configuration);
        services.Configure<EmbeddedPostgresOptions>(configuration.GetSection(EmbeddedPostgresOptions.Section));
        services.Configure<PreviewSessionOptions>(configuration.GetSection(PreviewSessionOptions.Section));
        services.TryAddSingleton(sp =>
        {
            var cs = sp.GetRequiredService<IConfiguration>().GetConnectionString("Postgres");
            if (string.IsNullOrWhiteSpace(cs))
            {
                cs = new EmbeddedPostgres(sp.GetRequiredService<IOptions<EmbeddedPostgresOptions>>().Value).ConnectionString();
            }

            return new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(cs) { ApplicationName = "crownest-edge" }.ConnectionString).Build();
        });
        services.AddDbContextPool<CrowNestDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddScoped<PreviewRouteLookup>();
        services.TryAddScoped<ApiKeyValidator>();
        services.AddApiKeyCache();
        services.AddCrowNestSandboxes();
        services.AddCrowNestEdge()
            .UseRouteStore<DatabasePreviewRouteStore>()
            .UseAuthenticator<ApiKeyPreviewAuthenticator>();
        services.AddHostedService<PreviewRouteInvalidator>();
        services.TryAddSingleton<SandboxActivity>();
        services.Replace(ServiceDescriptor.Singleton<IPreviewActivitySink, PreviewSessionActivitySink>());
        services.AddHostedService<SandboxActivityFlusher>();
        return services;
    }

    /// <summary>
    /// <c>GET /healthz</c> on the node's port for any host outside the preview domain (a load balancer's check):
    /// preview hosts always reach the edge, whatever their path.
    /// </summary>
    public static IApplicationBuilder UseCrowNestEdgeNodeHealth(this IApplicationBuilder app)
    {
        var domain = "." + app.ApplicationServices.GetRequiredService<IOptions<EdgeOptions>>().Value.PreviewDomain.Trim('.');
        return app.Use((context, next) =>
        {
            if (context.Request.Path.Equals("/healthz", StringComparison.Ordinal)
                && !context.Request.Host.Host.EndsWith(domain, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync("""{"status":"ok","role":"edge"}""");
            }

            return next(context);
        });
    }
}

/// <summary>Writes the node's edge activity as session heartbeats every <c>PreviewSessions:ActivityDebounce</c>, and once more on shutdown.</summary>
internal sealed partial class SandboxActivityFlusher(SandboxActivity activity, IOptions<PreviewSessionOptions> options, ILogger<SandboxActivityFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ActivityDebounce > TimeSpan.Zero ? options.Value.ActivityDebounce : TimeSpan.FromSeconds(15);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await FlushAsync(last.Token);
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        try
        {
            await activity.FlushAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or DbUpdateException or OperationCanceledException or InvalidOperationException)
        {
            LogFlushFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write edge activity as session heartbeats: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, string reason);
}
