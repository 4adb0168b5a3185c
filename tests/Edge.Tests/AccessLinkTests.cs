using System.Net;
using CrowNest.Edge.Tests.TestSupport;

namespace CrowNest.Edge.Tests;

public sealed class AccessLinkTests(EdgeFixture edge)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LinkSetsAHostOnlySessionCookieAndRedirectsWithoutTheToken()
    {
        var route = edge.AddRoute();
        var token = edge.Links.Create(route.PreviewId, TimeSpan.FromMinutes(5));

        using var redirect = await edge.SendAsync(edge.Url(route.Slug, $"/app/page?x=1&{EdgeOptions.AccessParameter}={token}&y=a%20b"));
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        Assert.Equal("/app/page?x=1&y=a%20b", redirect.Headers.Location?.OriginalString);
        var setCookie = Assert.Single(redirect.Headers.GetValues("Set-Cookie"));
        var attributes = setCookie.Split(';', StringSplitOptions.TrimEntries);
        Assert.StartsWith("crownest_preview=", attributes[0], StringComparison.Ordinal);
        Assert.Contains("httponly", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("path=/", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(attributes, a => a.Equals("secure", StringComparison.OrdinalIgnoreCase) || a.StartsWith("domain", StringComparison.OrdinalIgnoreCase));

        using var page = await edge.SendAsync(edge.Url(route.Slug, "/app/page?x=1"), r => r.Headers.Add("Cookie", $"{attributes[0]}; theme=dark"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var echo = await EdgeFixture.JsonAsync(page);
        Assert.Equal("theme=dark", echo.GetProperty("headers").GetProperty("cookie").GetString());
    }

    [Fact]
    public async Task LinkOnTheRootWithOnlyTheTokenRedirectsToTheBarePath()
    {
        var route = edge.AddRoute();
        var token = edge.Links.Create(route.PreviewId, TimeSpan.FromMinutes(5));
        using var redirect = await edge.SendAsync(edge.Url(route.Slug, $"/?{EdgeOptions.AccessParameter}={token}"));
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        Assert.Equal("/", redirect.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task OverHttpsTheCookieIsSecureAndSameSiteNone()
    {
        var route = edge.AddRoute();
        var token = edge.Links.Create(route.PreviewId, TimeSpan.FromMinutes(5));
        using var redirect = await edge.SendAsync(edge.Url(route.Slug, $"/?{EdgeOptions.AccessParameter}={token}", scheme: "https"));
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        var attributes = Assert.Single(redirect.Headers.GetValues("Set-Cookie")).Split(';', StringSplitOptions.TrimEntries);
        Assert.Contains("secure", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("samesite=none", attributes, StringComparer.OrdinalIgnoreCase);

        using var page = await edge.SendAsync(edge.Url(route.Slug, "/", scheme: "https"), r => r.Headers.Add("Cookie", attributes[0]));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("https", (await EdgeFixture.JsonAsync(page)).GetProperty("headers").GetProperty("x-forwarded-proto").GetString());
    }

    [Fact]
    public async Task ExpiredLinkIs401()
    {
        var route = edge.AddRoute();
        var token = EdgeFixture.LinksAt(TimeSpan.FromMinutes(-10)).Create(route.PreviewId, TimeSpan.FromMinutes(5));
        Assert.Equal(AccessLinkStatus.Expired, edge.Links.Validate(token, route.PreviewId));
        using var response = await edge.SendAsync(edge.Url(route.Slug, $"/?{EdgeOptions.AccessParameter}={token}"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", (await EdgeFixture.JsonAsync(response)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task TamperedLinkIs401()
    {
        var route = edge.AddRoute();
        var token = edge.Links.Create(route.PreviewId, TimeSpan.FromMinutes(5)).ToCharArray();
        // Flip a character inside the expiry bytes: pushes the expiry, which the MAC must catch.
        token[3] = token[3] == 'A' ? 'B' : 'A';
        var tampered = new string(token);
        Assert.Equal(AccessLinkStatus.InvalidSignature, edge.Links.Validate(tampered, route.PreviewId));
        using var response = await edge.SendAsync(edge.Url(route.Slug, $"/?{EdgeOptions.AccessParameter}={tampered}"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", await EdgeFixture.ErrorCodeAsync(response));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void GarbageIsMalformed(string token) => Assert.Equal(AccessLinkStatus.Malformed, edge.Links.Validate(token, "prv_x"));

    [Fact]
    public async Task LinkForAnotherPreviewIs401()
    {
        var a = edge.AddRoute();
        var b = edge.AddRoute();
        var token = edge.Links.Create(a.PreviewId, TimeSpan.FromMinutes(5));
        Assert.Equal(AccessLinkStatus.InvalidSignature, edge.Links.Validate(token, b.PreviewId));
        using var response = await edge.SendAsync(edge.Url(b.Slug, $"/?{EdgeOptions.AccessParameter}={token}"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SessionCookieOfPreviewADoesNotOpenPreviewB()
    {
        var a = edge.AddRoute();
        var b = edge.AddRoute();
        var token = edge.Links.Create(a.PreviewId, TimeSpan.FromMinutes(5));
        using var redirect = await edge.SendAsync(edge.Url(a.Slug, $"/?{EdgeOptions.AccessParameter}={token}"));
        var cookie = redirect.Headers.GetValues("Set-Cookie").Single().Split(';')[0];

        using var onA = await edge.SendAsync(edge.Url(a.Slug), r => r.Headers.Add("Cookie", cookie));
        Assert.Equal(HttpStatusCode.OK, onA.StatusCode);
        using var onB = await edge.SendAsync(edge.Url(b.Slug), r => r.Headers.Add("Cookie", cookie));
        Assert.Equal(HttpStatusCode.Unauthorized, onB.StatusCode);
    }

    [Fact]
    public async Task LinkTokenIsNotASessionCookieAndExpiredSessionsAreRefused()
    {
        var route = edge.AddRoute();
        var linkToken = edge.Links.Create(route.PreviewId, TimeSpan.FromMinutes(5));
        using var withLinkAsCookie = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Add("Cookie", $"crownest_preview={linkToken}"));
        Assert.Equal(HttpStatusCode.Unauthorized, withLinkAsCookie.StatusCode);

        var expired = edge.Links.CreateSession(route.PreviewId, DateTimeOffset.UtcNow.AddSeconds(-5));
        using var withExpired = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Add("Cookie", $"crownest_preview={expired}"));
        Assert.Equal(HttpStatusCode.Unauthorized, withExpired.StatusCode);
    }

    [Fact]
    public void LinksFromAnotherKeyAreRejected()
    {
        var other = new PreviewAccessLinks(Microsoft.Extensions.Options.Options.Create(new EdgeOptions()), TimeProvider.System);
        var token = other.Create("prv_a", TimeSpan.FromMinutes(5));
        Assert.Equal(AccessLinkStatus.Valid, other.Validate(token, "prv_a"));
        Assert.Equal(AccessLinkStatus.InvalidSignature, edge.Links.Validate(token, "prv_a"));
    }

    [Fact]
    public void ShortKeysAreRejectedAtStartup()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new EdgeOptions { AccessKey = Convert.ToBase64String(new byte[16]) });
        Assert.Throws<InvalidOperationException>(() => new PreviewAccessLinks(options, TimeProvider.System));
    }

    [Fact]
    public void TokensAreUrlSafe()
    {
        for (var i = 0; i < 50; i++)
        {
            var token = edge.Links.Create("prv_" + i, TimeSpan.FromMinutes(1));
            Assert.Matches("^[A-Za-z0-9_-]+$", token);
            Assert.Equal(Uri.EscapeDataString(token), token);
        }

        _ = Ct;
    }
}
