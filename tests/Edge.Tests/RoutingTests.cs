using CrowNest.Edge.Tests.TestSupport;

namespace CrowNest.Edge.Tests;

public sealed class RoutingTests(EdgeFixture edge)
{
    [Fact]
    public async Task ApiTrafficOnTheApiPortPassesThrough()
    {
        using var response = await edge.SendAsync(new Uri($"http://127.0.0.1:{edge.ApiPort}/v1/anything"));
        Assert.Equal("api", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TheBarePreviewDomainIsNotAPreviewHost()
    {
        using var response = await edge.SendAsync(new Uri($"http://preview.localhost:{edge.ApiPort}/"));
        Assert.Equal("api", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("api.example.com")]
    [InlineData("a.b.preview.localhost")]
    public async Task AnythingElseOnTheEdgePortStaysOnTheEdge(string host)
    {
        using var response = await edge.SendAsync(new Uri($"http://127.0.0.1:{edge.EdgePort}/"), r => r.Headers.Host = host);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", await EdgeFixture.ErrorCodeAsync(response));
    }

    [Theory]
    [InlineData("a.b.preview.localhost")]
    [InlineData("-bad-.preview.localhost")]
    [InlineData("under_score.preview.localhost")]
    [InlineData("a.b.preview.localhost.")]
    [InlineData("p-unknown.preview.localhost.")]
    public async Task MalformedPreviewHostsOnTheApiPortNeverReachTheApi(string host)
    {
        using var response = await edge.SendAsync(new Uri($"http://127.0.0.1:{edge.ApiPort}/"), r => r.Headers.Host = host);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", await EdgeFixture.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task UnknownPreviewIs404()
    {
        using var response = await edge.SendAsync(edge.Url("p-does-not-exist"), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        var error = (await EdgeFixture.JsonAsync(response)).GetProperty("error");
        Assert.Equal("not_found", error.GetProperty("code").GetString());
        Assert.Contains("p-does-not-exist.preview.localhost", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedPreviewIs404EvenWithValidCredentials()
    {
        var route = edge.AddRoute(revokedAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        using var response = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", await EdgeFixture.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task ExpiredPreviewIs404()
    {
        var route = edge.AddRoute(expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        using var response = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task PreviewHostsWorkOnTheEdgePortAndCaseInsensitively()
    {
        var route = edge.AddRoute();
        using var response = await edge.SendAsync(edge.Url(route.Slug.ToUpperInvariant(), "/x", port: edge.EdgePort), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/x", (await EdgeFixture.JsonAsync(response)).GetProperty("path").GetString());
    }

    [Fact]
    public async Task AFullyQualifiedPreviewHostWithItsTrailingDotIsThePreview()
    {
        // "host." is the same DNS name as "host": it must neither miss the edge nor reach the API.
        var route = edge.AddRoute();
        using var response = await edge.SendAsync(new Uri($"http://127.0.0.1:{edge.ApiPort}/x"), r =>
        {
            r.Headers.Host = $"{route.Slug}.preview.localhost.:{edge.ApiPort}";
            r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA);
        });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/x", (await EdgeFixture.JsonAsync(response)).GetProperty("path").GetString());
    }

    [Fact]
    public async Task RouteStoreFailureIs503AndNotCached()
    {
        using var first = await edge.SendAsync(edge.Url("broken-store-1"));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal("service_unavailable", await EdgeFixture.ErrorCodeAsync(first));
        using var second = await edge.SendAsync(edge.Url("broken-store-1"));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(2, edge.Store.Lookups("broken-store-1"));
    }
}
