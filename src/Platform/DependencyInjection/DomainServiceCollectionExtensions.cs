using CrowNest.Platform.Apps;
using CrowNest.Platform.Files;
using CrowNest.Platform.Tenancy;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class DomainServiceCollectionExtensions
{
    /// <summary>
    /// The domain services REST and GraphQL share (scoped: they use the request's <c>CrowNestDbContext</c>, which
    /// the host registers with its data source).
    /// </summary>
    public static IServiceCollection AddCrowNestDomain(this IServiceCollection services)
    {
        services.TryAddScoped<AppService>();
        services.TryAddScoped<CrowNest.Platform.PreviewSessions.PreviewSessionService>();
        services.AddOptions<FilesOptions>().BindConfiguration(FilesOptions.Section).Services.TryAddScoped<AppFileService>();
        services.TryAddScoped<CrowNest.Platform.Sandboxes.ProjectService>();
        services.TryAddScoped<CrowNest.Platform.Sandboxes.SandboxService>();
        services.TryAddScoped<CrowNest.Platform.Previews.PreviewService>();
        services.TryAddScoped<CrowNest.Platform.Previews.PreviewRouteLookup>();
        services.TryAddScoped<CrowNest.Platform.Previews.PreviewAccessLinkService>();
        services.TryAddScoped<TenancyService>();
        services.AddCrowNestApps();
        return services;
    }
}
