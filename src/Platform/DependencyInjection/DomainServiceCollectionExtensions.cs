using CrowNest.Platform.Apps;
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
        services.TryAddScoped<TenancyService>();
        services.AddCrowNestApps();
        return services;
    }
}
