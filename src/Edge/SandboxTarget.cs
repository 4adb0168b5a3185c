using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace CrowNest.Edge;

/// <summary>
/// Where one cached route forwards to: its destination prefix, its transformer, and the request URIs already built for
/// it. Lives as long as the route object (a <see cref="System.Runtime.CompilerServices.ConditionalWeakTable{TKey,TValue}"/>
/// entry in <see cref="PreviewEdge"/>), so a route cache eviction drops it too.
/// </summary>
internal sealed class SandboxTarget
{
    // Bounded so a client requesting ever new paths cannot grow it; beyond that URIs are built per request.
    private const int MaxCachedUris = 256;
    private readonly ConcurrentDictionary<string, Uri> _uris = new(StringComparer.Ordinal);
    private int _cached;

    public SandboxTarget(PreviewRoute route, bool preserveHost, string? publicScheme)
    {
        Prefix = route.TargetHost.Contains(':')
            ? $"http://[{route.TargetHost}]:{route.TargetPort}"
            : $"http://{route.TargetHost}:{route.TargetPort}";
        Transformer = new PreviewTransformer(preserveHost, publicScheme, this);
    }

    /// <summary><c>http://host:port</c> of the sandbox service.</summary>
    public string Prefix { get; }

    public PreviewTransformer Transformer { get; }

    /// <summary>
    /// The upstream URI of a request: built by YARP's <see cref="RequestUtilities.MakeDestinationAddress"/> (escaping
    /// included) and, for paths without a query, reused on the next request for that path: parsing a
    /// <see cref="Uri"/> per request is a large part of the forwarder's own work, and a Uri is immutable.
    /// </summary>
    public Uri UriFor(HttpRequest request)
    {
        var path = request.Path;
        var query = request.QueryString;
        if (query.HasValue || path.Value is not { } key)
        {
            return RequestUtilities.MakeDestinationAddress(Prefix, path, query);
        }

        if (_uris.TryGetValue(key, out var uri))
        {
            return uri;
        }

        uri = RequestUtilities.MakeDestinationAddress(Prefix, path, query);
        if (Volatile.Read(ref _cached) < MaxCachedUris && _uris.TryAdd(key, uri))
        {
            Interlocked.Increment(ref _cached);
        }

        return uri;
    }
}
