using CrowNest.Platform.Apps;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

public static class AppsServiceCollectionExtensions
{
    /// <summary>Apps: the service, settings (section <c>Apps</c>), the DNS TXT domain verifier and its background worker.</summary>
    public static IServiceCollection AddCrowNestApps(this IServiceCollection services)
    {
        services.AddOptions<AppsOptions>().BindConfiguration("Apps");
        services.TryAddScoped<AppService>();
        services.TryAddSingleton<IDomainVerifier, DnsTxtDomainVerifier>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DomainVerificationWorker>());
        return services;
    }
}
