using CrowNest.Edge;
using CrowNest.Platform.PreviewSessions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrowNest.Server.PreviewSessions;

public static class PreviewSessionsServiceCollectionExtensions
{
    /// <summary>
    /// The preview session worker and its parts: sandbox runtime, the version file source over
    /// <c>app_files</c>, the session sandboxes and the edge activity sink.
    /// </summary>
    public static IServiceCollection AddCrowNestPreviewSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<PreviewSessionOptions>(configuration.GetSection(PreviewSessionOptions.Section));
        services.AddCrowNestSandboxes();
        services.TryAddSingleton<IAppVersionFileSource, AppFilesVersionSource>();
        services.TryAddScoped<PreviewSessionSandboxes>();
        services.TryAddSingleton<SandboxActivity>();
        services.TryAddSingleton<PreviewSessionSupervisor>();
        services.TryAddSingleton<IPreviewSessionLauncher>(sp => sp.GetRequiredService<PreviewSessionSupervisor>());
        services.AddHostedService<PreviewSessionWorker>();
        // Edge traffic to a session's preview counts as its heartbeat (replaces the edge's no-op default).
        services.Replace(ServiceDescriptor.Singleton<IPreviewActivitySink, PreviewSessionActivitySink>());
        return services;
    }
}
