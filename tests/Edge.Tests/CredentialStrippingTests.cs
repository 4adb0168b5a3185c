using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CrowNest.Edge.Tests.TestSupport;

namespace CrowNest.Edge.Tests;

/// <summary>
/// The "strip Authorization and every CrowNest cookie (other cookies pass), add X-Forwarded-For/Proto/Host"
/// for the cases the other tests leave out: WebSocket handshakes authenticated by a bearer key, spoofed forwarding
/// headers of every kind, Proxy-Authorization, and CrowNest cookie names in any case.
/// </summary>
public sealed class CredentialStrippingTests(EdgeFixture edge)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWebSocketHandshakeWithABearerKeyArrivesWithoutItAndWithoutCrowNestCookies()
    {
        var route = edge.AddRoute();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + TestAuthenticator.KeyForProjectA);
        socket.Options.SetRequestHeader("Cookie", "crownest_preview=stale; CROWNEST_X=1; app=2");
        socket.Options.SetRequestHeader("X-Forwarded-Proto", "https");
        socket.Options.SetRequestHeader("X-Forwarded-Host", "evil.example");
        var url = new UriBuilder(edge.Url(route.Slug, "/ws")) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(url, edge.Invoker, Ct);

        var buffer = new byte[8192];
        var received = await socket.ReceiveAsync(buffer, Ct);
        var headers = JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, received.Count)).RootElement.GetProperty("headers");
        Assert.False(headers.TryGetProperty("authorization", out _));
        Assert.Equal("app=2", headers.GetProperty("cookie").GetString());
        Assert.Equal("http", headers.GetProperty("x-forwarded-proto").GetString());
        Assert.Equal($"{route.Slug}.preview.localhost:{edge.ApiPort}", headers.GetProperty("x-forwarded-host").GetString());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
    }

    [Fact]
    public async Task SpoofedForwardingHeadersAndProxyAuthorizationNeverArrive()
    {
        var route = edge.AddRoute();
        using var response = await edge.SendAsync(edge.Url(route.Slug, "/"), r =>
        {
            r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA);
            r.Headers.Add("Proxy-Authorization", "Basic dXNlcjpwYXNz");
            r.Headers.Add("Forwarded", "for=6.6.6.6;proto=https;host=evil.example");
            r.Headers.Add("X-Forwarded-Proto", "https");
            r.Headers.Add("X-Forwarded-Prefix", "/evil");
            r.Headers.Add("Cookie", "Crownest_Preview=x");
            r.Headers.Add("Cookie", "other=1");
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = (await EdgeFixture.JsonAsync(response)).GetProperty("headers");
        Assert.False(headers.TryGetProperty("proxy-authorization", out _));
        Assert.False(headers.TryGetProperty("forwarded", out _));
        Assert.False(headers.TryGetProperty("x-forwarded-prefix", out _));
        Assert.Equal("http", headers.GetProperty("x-forwarded-proto").GetString());
        Assert.Equal("127.0.0.1", headers.GetProperty("x-forwarded-for").GetString());
        Assert.Equal("other=1", headers.GetProperty("cookie").GetString());
    }
}
