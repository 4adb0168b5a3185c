using CrowNest.Edge;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// DI entry points live in the namespace callers already import (team convention), not in the folder's namespace.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>DI entry point of the preview edge.</summary>
public static class EdgeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the preview edge (YARP forwarder, route cache, access links) with defaults that serve nothing: no
    /// previews exist and bearer keys are refused until the host replaces <see cref="IPreviewRouteStore"/> and
    /// <see cref="IPreviewAuthenticator"/> (registering them before or after this call, or through the returned builder).
    /// </summary>
    public static EdgeBuilder AddCrowNestEdge(this IServiceCollection services)
    {
        // Invalid settings fail the host's start (and any earlier resolution of the options), naming the key.
        services.AddOptions<EdgeOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EdgeOptions>, EdgeOptionsValidator>());
        services.AddHttpForwarder();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPreviewRouteStore, EmptyPreviewRouteStore>();
        services.TryAddScoped<IPreviewAuthenticator, DenyingPreviewAuthenticator>();
        services.TryAddSingleton<IPreviewActivitySink, NullPreviewActivitySink>();
        services.TryAddSingleton<PreviewRouteCache>();
        services.TryAddSingleton<PreviewAccessLinks>();
        services.TryAddSingleton<PreviewEdge>();
        // Proxied responses carry the sandbox's own headers; Kestrel's "Server" header is bytes on every response.
        services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        // YARP logs two Information lines per forwarded request ("Proxying to …", "Received … response"), costing ~1 KB
        // and a console write per request, and a Warning with stack trace per failure, which the edge already logs
        // itself (classified, client aborts at Debug). So YARP defaults to Error; the rule goes first, so any configured
        // "Yarp" level still wins.
        services.Configure<LoggerFilterOptions>(filters => filters.Rules.Insert(0, new LoggerFilterRule(null, "Yarp", LogLevel.Error, null)));
        return new EdgeBuilder(services);
    }
}
