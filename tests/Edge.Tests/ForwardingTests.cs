using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CrowNest.Edge.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrowNest.Edge.Tests;

public sealed class ForwardingTests(EdgeFixture edge)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PlatformCredentialsNeverReachTheSandbox()
    {
        var route = edge.AddRoute();
        var session = edge.Links.CreateSession(route.PreviewId, DateTimeOffset.UtcNow.AddHours(1));
        using var response = await edge.SendAsync(edge.Url(route.Slug, "/app/page?q=1"), r =>
        {
            r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA);
            r.Headers.Add("Cookie", $"theme=dark; crownest_preview={session}; CrowNest_other=x; crownest_csrf=y; lang=en");
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await EdgeFixture.JsonAsync(response);
        var headers = echo.GetProperty("headers");
        Assert.False(headers.TryGetProperty("authorization", out _));
        Assert.Equal("theme=dark; lang=en", headers.GetProperty("cookie").GetString());
        Assert.Equal("/app/page", echo.GetProperty("path").GetString());
        Assert.Equal("?q=1", echo.GetProperty("query").GetString());
    }

    [Fact]
    public async Task EachRequestReachesItsOwnPathThoughUpstreamUrisAreReused()
    {
        // The edge reuses the upstream URI built for a query-less path; every request must still get its own.
        var route = edge.AddRoute();
        string[] paths = ["/a", "/b/c", "/a", "/b/c", "/caf%C3%A9/x%20y", "/caf%C3%A9/x%20y", "/", "/a"];
        foreach (var path in paths)
        {
            using var response = await edge.SendAsync(edge.Url(route.Slug, path), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var echo = await EdgeFixture.JsonAsync(response);
            Assert.Equal(Uri.UnescapeDataString(path), echo.GetProperty("path").GetString());
            Assert.Equal("", echo.GetProperty("query").GetString());
        }

        // A route moved to another port (a new route object once the cache is invalidated) is forwarded there; the
        // host's case does not matter.
        await using var other = await EchoUpstream.StartAsync();
        edge.Store.Put(route with { TargetPort = other.Port });
        edge.Cache.Invalidate(route.Slug);
        using var moved = await edge.SendAsync(edge.Url(route.Slug, "/a"), r =>
        {
            r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA);
            r.Headers.Host = $"{route.Slug.ToUpperInvariant()}.Preview.LocalHost:{edge.ApiPort}";
        });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(other.Port, (await EdgeFixture.JsonAsync(moved)).GetProperty("port").GetInt32());
    }

    [Fact]
    public async Task OnlyCrowNestCookiesPresentMeansNoCookieHeader()
    {
        var route = edge.AddRoute();
        var session = edge.Links.CreateSession(route.PreviewId, DateTimeOffset.UtcNow.AddHours(1));
        using var response = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Add("Cookie", $"crownest_preview={session}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await EdgeFixture.JsonAsync(response)).GetProperty("headers").TryGetProperty("cookie", out _));
    }

    [Fact]
    public async Task ForwardedHeadersDescribeTheClientAndHostIsPreserved()
    {
        var route = edge.AddRoute();
        using var response = await edge.SendAsync(edge.Url(route.Slug), r =>
        {
            r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA);
            r.Headers.Add("X-Forwarded-For", "6.6.6.6");
            r.Headers.Add("X-Forwarded-Host", "evil.example");
        });
        var headers = (await EdgeFixture.JsonAsync(response)).GetProperty("headers");
        var host = $"{route.Slug}.preview.localhost:{edge.ApiPort}";
        Assert.Equal(host, headers.GetProperty("host").GetString());
        Assert.Equal("127.0.0.1", headers.GetProperty("x-forwarded-for").GetString());
        Assert.Equal("http", headers.GetProperty("x-forwarded-proto").GetString());
        Assert.Equal(host, headers.GetProperty("x-forwarded-host").GetString());
    }

    [Fact]
    public async Task HostRewriteIsConfigurable()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddCrowNestEdge()
            .UseOptions(EdgeFixture.Options(0) with { PreserveHost = false })
            .UseRouteStore(edge.Store)
            .UseAuthenticator<TestAuthenticator>();
        await using var app = builder.Build();
        app.UseCrowNestEdge();
        await app.StartAsync(Ct);
        var port = new Uri(app.Urls.Single()).Port;

        var route = edge.AddRoute();
        using var response = await edge.SendAsync(edge.Url(route.Slug, port: port), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));
        var headers = (await EdgeFixture.JsonAsync(response)).GetProperty("headers");
        Assert.Equal($"127.0.0.1:{edge.Upstream.Port}", headers.GetProperty("host").GetString());
        Assert.Equal($"{route.Slug}.preview.localhost:{port}", headers.GetProperty("x-forwarded-host").GetString());
    }

    [Fact]
    public async Task RequestBodiesAndMethodsAreForwarded()
    {
        var route = edge.AddRoute();
        using var response = await edge.SendAsync(edge.Url(route.Slug, "/api/items"), r =>
        {
            r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA);
            r.Content = new StringContent("{\"a\":1}", Encoding.UTF8, "application/json");
        }, HttpMethod.Post);
        var echo = await EdgeFixture.JsonAsync(response);
        Assert.Equal("POST", echo.GetProperty("method").GetString());
        Assert.Equal("7", echo.GetProperty("headers").GetProperty("content-length").GetString());
    }

    [Fact]
    public async Task SandboxCannotSetCrowNestCookies()
    {
        var route = edge.AddRoute();
        using var response = await edge.SendAsync(edge.Url(route.Slug, "/set-cookie"), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Equal(["app_session=1; Path=/"], cookies);
    }

    [Fact]
    public async Task EveryProxiedRequestTouchesTheActivitySink()
    {
        var route = edge.AddRoute();
        for (var i = 0; i < 3; i++)
        {
            using var response = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var denied = await edge.SendAsync(edge.Url(route.Slug));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal(3, edge.Activity.Touches(route.PreviewId));
    }

    [Fact]
    public async Task WebSocketsUpgradeThroughTheEdgeWithTheSessionCookie()
    {
        var route = edge.AddRoute();
        var session = edge.Links.CreateSession(route.PreviewId, DateTimeOffset.UtcNow.AddHours(1));
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", $"crownest_preview={session}; vite=1");
        var url = new UriBuilder(edge.Url(route.Slug, "/ws")) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(url, edge.Invoker, Ct);

        var handshake = JsonDocument.Parse(await ReceiveAsync(socket)).RootElement.GetProperty("headers");
        Assert.Equal("vite=1", handshake.GetProperty("cookie").GetString());
        Assert.Equal($"{route.Slug}.preview.localhost:{edge.ApiPort}", handshake.GetProperty("host").GetString());
        Assert.Equal("127.0.0.1", handshake.GetProperty("x-forwarded-for").GetString());

        for (var i = 0; i < 3; i++)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes($"hmr-{i}"), WebSocketMessageType.Text, true, Ct);
            Assert.Equal($"echo:hmr-{i}", await ReceiveAsync(socket));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.True(edge.Activity.Touches(route.PreviewId) >= 1);
    }

    [Fact]
    public async Task WebSocketsWithoutCredentialsAreRefused()
    {
        var route = edge.AddRoute();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var url = new UriBuilder(edge.Url(route.Slug, "/ws")) { Scheme = "ws" }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, edge.Invoker, Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[8192];
        var result = await socket.ReceiveAsync(buffer, Ct);
        Assert.True(result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
