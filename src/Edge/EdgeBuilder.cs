using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrowNest.Edge;

/// <summary>Replaces the edge's default parts (returned by <c>AddCrowNestEdge</c>).</summary>
public sealed class EdgeBuilder
{
    internal EdgeBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection the edge is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Uses <typeparamref name="T"/> (a singleton) as the route store.</summary>
    public EdgeBuilder UseRouteStore<T>()
        where T : class, IPreviewRouteStore
    {
        Services.Replace(ServiceDescriptor.Singleton<IPreviewRouteStore, T>());
        return this;
    }

    /// <summary>Uses <paramref name="store"/> as the route store.</summary>
    public EdgeBuilder UseRouteStore(IPreviewRouteStore store)
    {
        Services.Replace(ServiceDescriptor.Singleton(store));
        return this;
    }

    /// <summary>Uses <typeparamref name="T"/> as the bearer authenticator, resolved per request with <paramref name="lifetime"/>.</summary>
    public EdgeBuilder UseAuthenticator<T>(ServiceLifetime lifetime = ServiceLifetime.Scoped)
        where T : class, IPreviewAuthenticator
    {
        Services.Replace(ServiceDescriptor.Describe(typeof(IPreviewAuthenticator), typeof(T), lifetime));
        return this;
    }

    /// <summary>Uses <paramref name="authenticator"/> as the bearer authenticator.</summary>
    public EdgeBuilder UseAuthenticator(IPreviewAuthenticator authenticator)
    {
        Services.Replace(ServiceDescriptor.Singleton(authenticator));
        return this;
    }

    /// <summary>Uses <typeparamref name="T"/> (a singleton) as the activity sink.</summary>
    public EdgeBuilder UseActivitySink<T>()
        where T : class, IPreviewActivitySink
    {
        Services.Replace(ServiceDescriptor.Singleton<IPreviewActivitySink, T>());
        return this;
    }

    /// <summary>Uses <paramref name="sink"/> as the activity sink.</summary>
    public EdgeBuilder UseActivitySink(IPreviewActivitySink sink)
    {
        Services.Replace(ServiceDescriptor.Singleton(sink));
        return this;
    }

    /// <summary>Uses fixed <paramref name="options"/> instead of configuration-bound ones (hosts and tests that build options in code).</summary>
    /// <exception cref="OptionsValidationException">The options are not valid (<see cref="EdgeOptions.Validate"/>).</exception>
    public EdgeBuilder UseOptions(EdgeOptions options)
    {
        Services.Replace(ServiceDescriptor.Singleton(Options.Create(EdgeOptionsValidator.ThrowIfInvalid(options))));
        return this;
    }
}
