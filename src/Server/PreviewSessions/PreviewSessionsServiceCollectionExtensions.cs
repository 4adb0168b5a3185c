using CrowNest.Platform.PreviewSessions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrowNest.Server.PreviewSessions;

public static class PreviewSessionsServiceCollectionExtensions
{
    /// <summary>
    /// The preview session worker and its parts: sandbox runtime, the version file source over
    /// <c>app_files</c> and the preview publisher.
    /// </summary>
    public static IServiceCollection AddCrowNestPreviewSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PreviewSessionOptions>(configuration.GetSection(PreviewSessionOptions.Section));
        services.AddCrowNestSandboxes();
        services.TryAddSingleton<IAppVersionFileSource, AppFilesVersionSource>();
        services.TryAddSingleton<IPreviewSessionPublisher, DirectPreviewPublisher>();
        services.TryAddSingleton<PreviewSessionSupervisor>();
        services.TryAddSingleton<IPreviewSessionLauncher>(sp => sp.GetRequiredService<PreviewSessionSupervisor>());
        services.AddHostedService<PreviewSessionWorker>();
        return services;
    }
}
