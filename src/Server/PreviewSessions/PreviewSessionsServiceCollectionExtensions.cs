using CrowNest.Platform.PreviewSessions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace CrowNest.Server.PreviewSessions;

public static class PreviewSessionsServiceCollectionExtensions
{
    /// <summary>
    /// The preview session worker and its parts: sandbox runtime, topic pub/sub (PostgreSQL, shared with other
    /// instances), and default file source/publisher that the files and previews areas replace.
    /// </summary>
    public static IServiceCollection AddCrowNestPreviewSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PreviewSessionOptions>(configuration.GetSection(PreviewSessionOptions.Section));
        services.AddCrowNestSandboxes();
        services.AddCrowNestSubscriptions().AddPostgres(sp => sp.GetRequiredService<NpgsqlDataSource>());
        services.TryAddSingleton<IAppVersionFileSource, NoAppVersionFiles>();
        services.TryAddSingleton<IPreviewSessionPublisher, DirectPreviewPublisher>();
        services.TryAddSingleton<PreviewSessionSupervisor>();
        services.TryAddSingleton<IPreviewSessionLauncher>(sp => sp.GetRequiredService<PreviewSessionSupervisor>());
        services.AddHostedService<PreviewSessionWorker>();
        return services;
    }
}
