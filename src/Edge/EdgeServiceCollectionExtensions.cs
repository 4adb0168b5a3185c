using CrowNest.Edge;

// DI entry points live in the namespace callers already import (team convention), not in the folder's namespace.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>DI entry point of the preview edge.</summary>
public static class EdgeServiceCollectionExtensions
{
    /// <summary>Registers the preview edge with default options (configure <see cref="EdgeOptions"/> to change them).</summary>
    public static IServiceCollection AddCrowNestEdge(this IServiceCollection services)
    {
        services.AddOptions<EdgeOptions>();
        return services;
    }
}
