using System.Net;
using CrowNest.Edge.Tests.TestSupport;

namespace CrowNest.Edge.Tests;

public sealed class RouteCacheTests(EdgeFixture edge)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RoutesAreCachedUntilInvalidated()
    {
        var route = edge.AddRoute();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(route.Slug));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(route.Slug));
        Assert.Equal(1, edge.Store.Lookups(route.Slug));

        // Revoked in the database, but no notification yet: the cached route still serves.
        edge.Store.Put(route with { RevokedAt = DateTimeOffset.UtcNow });
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(route.Slug));

        edge.Cache.Invalidate(route.Slug.ToUpperInvariant());
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(route.Slug));
        Assert.Equal(2, edge.Store.Lookups(route.Slug));
    }

    [Fact]
    public async Task UnknownSlugsAreCachedUntilInvalidatedToo()
    {
        var slug = edge.NewSlug();
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(slug));
        edge.AddRoute(slug);
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(slug));
        edge.Cache.Invalidate(slug);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(slug));
    }

    [Fact]
    public async Task InvalidateAllForgetsEverything()
    {
        var store = new InMemoryRouteStore();
        var cache = new PreviewRouteCache(store, Microsoft.Extensions.Options.Options.Create(EdgeFixture.Options(0)), TimeProvider.System);
        store.Put(Route("a", 1));
        store.Put(Route("b", 1));
        Assert.Equal(1, (await cache.GetAsync("a", Ct))!.TargetPort);
        Assert.Equal(1, (await cache.GetAsync("b", Ct))!.TargetPort);
        store.Put(Route("a", 2));
        store.Put(Route("b", 2));
        Assert.Equal(1, (await cache.GetAsync("a", Ct))!.TargetPort);
        cache.InvalidateAll();
        Assert.Equal(0, cache.Count);
        Assert.Equal(2, (await cache.GetAsync("a", Ct))!.TargetPort);
        Assert.Equal(2, (await cache.GetAsync("b", Ct))!.TargetPort);
    }

    [Fact]
    public async Task EntriesExpireAfterTheTtl()
    {
        var store = new InMemoryRouteStore();
        var options = EdgeFixture.Options(0) with { RouteCacheTtl = TimeSpan.FromMilliseconds(200) };
        var cache = new PreviewRouteCache(store, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System);
        store.Put(Route("a", 1));
        await cache.GetAsync("a", Ct);
        await cache.GetAsync("a", Ct);
        Assert.Equal(1, store.Lookups("a"));
        await Task.Delay(400, Ct);
        await cache.GetAsync("a", Ct);
        Assert.Equal(2, store.Lookups("a"));
    }

    [Fact]
    public async Task ConcurrentMissesShareOneLookup()
    {
        var store = new InMemoryRouteStore { Delay = TimeSpan.FromMilliseconds(200) };
        var cache = new PreviewRouteCache(store, Microsoft.Extensions.Options.Options.Create(EdgeFixture.Options(0)), TimeProvider.System);
        store.Put(Route("a", 1));
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => cache.GetAsync("a", Ct).AsTask()));
        Assert.All(results, r => Assert.Equal(1, r!.TargetPort));
        Assert.Equal(1, store.Lookups("a"));
    }

    [Fact]
    public async Task CacheIsBounded()
    {
        var store = new InMemoryRouteStore();
        var options = EdgeFixture.Options(0) with { RouteCacheCapacity = 16 };
        var cache = new PreviewRouteCache(store, Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System);
        for (var i = 0; i < 200; i++)
        {
            store.Put(Route("s" + i, i));
            Assert.Equal(i, (await cache.GetAsync("s" + i, Ct))!.TargetPort);
        }

        Assert.InRange(cache.Count, 1, 16);
    }

    private async Task<HttpStatusCode> StatusAsync(string slug)
    {
        using var response = await edge.SendAsync(edge.Url(slug), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));
        return response.StatusCode;
    }

    private static PreviewRoute Route(string slug, int port) => new()
    {
        PreviewId = "prv_" + slug,
        Slug = slug,
        ProjectId = "prj_a",
        OrganizationId = "org_a",
        TargetPort = port,
    };
}
