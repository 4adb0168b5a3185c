using CrowNest.Edge;
using CrowNest.Platform.Data;
using CrowNest.Platform.Migrations;
using CrowNest.Schema;
using CrowNest.Server.Auth;
using CrowNest.Server.Postgres;
using CrowNest.Server.Previews;
using CrowNest.Server.PreviewSessions;
using CrowNest.Server.Realtime;
using CrowNest.Server.Sandboxes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrowNest.Server.Hosting;

public static class PlatformServiceCollectionExtensions
{
    /// <summary>Configuration sources and listen URLs (API and edge share one Kestrel server).</summary>
    public static WebApplicationBuilder AddCrowNestHosting(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCrowNestEnvironment(args);
        var api = builder.Configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new ApiOptions();
        var edge = builder.Configuration.GetSection(EdgeOptions.Section).Get<EdgeOptions>() ?? new EdgeOptions();
        var hosting = builder.Configuration.GetSection(EdgeOptions.Section).Get<EdgeHostingOptions>() ?? new EdgeHostingOptions();
        builder.WebHost.UseUrls(hosting.InProcess ? [api.Url, edge.Url] : [api.Url]);
        // A failed start is reported as one line by Program; the host's own stack-trace log would bury it.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        // Any enabled level here makes ASP.NET Core start an Activity and a log scope per request (~2 KB; edge hot path).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        return builder;
    }

    public static IServiceCollection AddCrowNestPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ApiOptions>(configuration.GetSection(ApiOptions.Section));
        services.Configure<EdgeOptions>(configuration.GetSection(EdgeOptions.Section));
        services.Configure<EdgeHostingOptions>(configuration.GetSection(EdgeOptions.Section));
        services.AddEdgePublicSchemeDefault(configuration);
        services.Configure<DatabaseOptions>(configuration.GetSection(DatabaseOptions.Section));
        services.Configure<EmbeddedPostgresOptions>(configuration.GetSection(EmbeddedPostgresOptions.Section));
        services.Configure<BootstrapOptions>(configuration.GetSection(BootstrapOptions.Section));
        services.Configure<DevOptions>(configuration.GetSection(DevOptions.Section));

        services.AddSingleton(sp => new DatabaseLocation(sp.GetRequiredService<IConfiguration>().GetConnectionString("Postgres")));
        services.AddSingleton(sp => new EmbeddedPostgres(
            sp.GetRequiredService<IOptions<EmbeddedPostgresOptions>>().Value,
            sp.GetRequiredService<ILogger<EmbeddedPostgres>>()));
        services.AddSingleton(sp =>
        {
            var location = sp.GetRequiredService<DatabaseLocation>();
            var cs = location.ExternalConnectionString ?? sp.GetRequiredService<EmbeddedPostgres>().ConnectionString();
            return new NpgsqlDataSourceBuilder(cs).Build();
        });
        services.AddDbContextPool<CrowNestDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddCrowNestDomain();
        services.AddCrowNestSubscriptions().AddPostgres(sp => sp.GetRequiredService<NpgsqlDataSource>());
        services.AddCrowNestSandboxApi(configuration);
        services.AddSingleton<MigrationState>();
        services.AddSingleton<MigrationRunner>();
        services.AddScoped<Seeder>();
        services.AddHostedService<StartupService>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        services.AddCrowNestEdge()
            .UseRouteStore<DatabasePreviewRouteStore>()
            .UseAuthenticator<ApiKeyPreviewAuthenticator>();
        services.TryAddScoped<ApiKeyValidator>();
        services.AddApiKeyCache();
        services.TryAddSingleton<CrowNest.Platform.Previews.IPreviewAccessLinkSigner, EdgeAccessLinkSigner>();
        services.AddHostedService<PreviewRouteInvalidator>();
        services.AddCrowNestRealtime();
        // Set for API requests only (UseCrowNestHttpContext), and no IHttpContextAccessor in DI: with one, ASP.NET Core
        // allocates a fresh HttpContext per request, the edge's proxied requests included (see ApiHttpContextAccessor).
        services.AddCrowNestHttpContextAccessor();
        services.TryAddScoped<ICallerAccessor>(sp => new ClaimsCallerAccessor(sp.GetRequiredService<ApiHttpContextAccessor>()));
        services.AddCrowNestGraphQL();
        services.AddCrowNestPreviewSessions(configuration);
        return services;
    }

    /// <summary>The preview edge in front of the API, unless standalone edges serve previews (<c>Edge:InProcess=false</c>).</summary>
    public static WebApplication UseCrowNestPreviewEdge(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<EdgeHostingOptions>>().Value.InProcess)
        {
            app.UseCrowNestEdge();
        }

        return app;
    }
}
