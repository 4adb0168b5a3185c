using System.Net;
using System.Net.Sockets;
using System.Text;
using CrowNest.Edge.Tests.TestSupport;

namespace CrowNest.Edge.Tests;

/// <summary>
/// Where the access-link exchange redirects: always to a path on the preview's own host, whatever the request path
/// looks like (no open redirect through a shared link), and a link that no longer works does not lock out a browser
/// that already holds a session for the preview.
/// </summary>
public sealed class AccessLinkRedirectTests(EdgeFixture edge)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("//evil.example/x", "/evil.example/x")]
    [InlineData("///evil.example", "/evil.example")]
    [InlineData("//evil.example", "/evil.example")]
    public async Task ASchemeRelativeLookingPathStaysOnThePreviewHost(string path, string expected)
    {
        var route = edge.AddRoute();
        var token = edge.Links.Create(route.PreviewId, TimeSpan.FromMinutes(5));
        var url = edge.Url(route.Slug, $"{path}?{EdgeOptions.AccessParameter}={token}&q=1");
        using var redirect = await edge.SendAsync(url);
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        var location = redirect.Headers.Location!.OriginalString;
        Assert.Equal(expected + "?q=1", location);
        Assert.Equal(url.Host, new Uri(url, location).Host);
    }

    [Theory]
    [InlineData("/\\evil.example/x")]
    [InlineData("/\\/evil.example")]
    [InlineData("/%5Cevil.example")]
    [InlineData("/%2F/evil.example")]
    public async Task BackslashAndEncodedSlashPathsStayOnThePreviewHostToo(string rawPath)
    {
        // HttpClient rewrites '\' to '/', so these go over a raw socket exactly as written.
        var route = edge.AddRoute();
        var token = edge.Links.Create(route.PreviewId, TimeSpan.FromMinutes(5));
        var host = $"{route.Slug}.preview.localhost:{edge.ApiPort}";
        var head = await RawGetAsync($"{rawPath}?{EdgeOptions.AccessParameter}={token}", host);
        Assert.StartsWith("HTTP/1.1 303", head, StringComparison.Ordinal);
        var location = head.Split("\r\n").Single(l => l.StartsWith("Location:", StringComparison.OrdinalIgnoreCase))["Location:".Length..].Trim();
        // Browsers treat '\' like '/', so neither may start the location's second character.
        Assert.StartsWith("/", location, StringComparison.Ordinal);
        Assert.False(location.Length > 1 && location[1] is '/' or '\\', location);
        Assert.Equal($"{route.Slug}.preview.localhost", new Uri(new Uri($"http://{host}/"), location.Replace('\\', '/')).Host);
    }

    [Fact]
    public async Task AnExpiredLinkWithAValidSessionCookieRedirectsInsteadOf401()
    {
        var route = edge.AddRoute();
        var fresh = edge.Links.Create(route.PreviewId, TimeSpan.FromMinutes(5));
        using var first = await edge.SendAsync(edge.Url(route.Slug, $"/?{EdgeOptions.AccessParameter}={fresh}"));
        var cookie = first.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        // The same browser opens an old (expired) link again: it is signed in already, so it lands on the page.
        var expired = EdgeFixture.LinksAt(TimeSpan.FromMinutes(-10)).Create(route.PreviewId, TimeSpan.FromMinutes(5));
        using var again = await edge.SendAsync(edge.Url(route.Slug, $"/docs?{EdgeOptions.AccessParameter}={expired}"), r => r.Headers.Add("Cookie", cookie));
        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
        Assert.Equal("/docs", again.Headers.Location?.OriginalString);
        Assert.False(again.Headers.Contains("Set-Cookie"));

        // Without the session it is still refused.
        using var refused = await edge.SendAsync(edge.Url(route.Slug, $"/docs?{EdgeOptions.AccessParameter}={expired}"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private async Task<string> RawGetAsync(string target, string host)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, edge.ApiPort), Ct);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.Latin1.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"), Ct);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var text = await reader.ReadToEndAsync(Ct);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }
}
