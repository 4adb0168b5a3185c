using System.Net;
using CrowNest.Edge.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrowNest.Edge.Tests;

/// <summary>
/// Behind a TLS-terminating proxy (<see cref="EdgeOptions.PublicScheme"/> = https, the edge reached over plain HTTP)
/// the session cookie works in a cross-site iframe and the sandbox is told the page is https; unset, the request's own
/// scheme decides (the fixture's http and https listeners).
/// </summary>
public sealed class PublicSchemeTests(EdgeFixture edge)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithPublicSchemeHttps_APlainHttpRequestGetsASecureSameSiteNoneCookieAndHttpsForwardedProto()
    {
        await using var app = await StartEdgeAsync(EdgeFixture.Options(0) with { PublicScheme = "HTTPS" });
        var port = new Uri(app.Urls.Single()).Port;
        var route = edge.AddRoute();
        var token = edge.Links.Create(route.PreviewId, TimeSpan.FromMinutes(5));

        using var redirect = await edge.SendAsync(edge.Url(route.Slug, $"/app?{EdgeOptions.AccessParameter}={token}", port));
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        Assert.Equal("/app", redirect.Headers.Location?.OriginalString);
        var attributes = Attributes(redirect);
        Assert.Contains("secure", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("samesite=none", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("httponly", attributes, StringComparer.OrdinalIgnoreCase);

        using var page = await edge.SendAsync(edge.Url(route.Slug, "/app", port), r =>
        {
            r.Headers.Add("Cookie", attributes[0]);
            r.Headers.Add("X-Forwarded-Proto", "gopher");
        });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("https", (await EdgeFixture.JsonAsync(page)).GetProperty("headers").GetProperty("x-forwarded-proto").GetString());
    }

    [Fact]
    public async Task WithPublicSchemeHttp_AnHttpsRequestGetsALaxCookieAndHttpForwardedProto()
    {
        // The fixture's edge has no PublicScheme; this one, on the fixture's routes, says previews are plain http.
        await using var app = await StartEdgeAsync(EdgeFixture.Options(0) with { PublicScheme = "http" }, https: true);
        var port = new Uri(app.Urls.Single()).Port;
        var route = edge.AddRoute();
        var token = edge.Links.Create(route.PreviewId, TimeSpan.FromMinutes(5));

        using var redirect = await edge.SendAsync(edge.Url(route.Slug, $"/?{EdgeOptions.AccessParameter}={token}", port, "https"));
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        var attributes = Attributes(redirect);
        Assert.DoesNotContain("secure", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", attributes, StringComparer.OrdinalIgnoreCase);

        using var page = await edge.SendAsync(edge.Url(route.Slug, "/", port, "https"), r => r.Headers.Add("Cookie", attributes[0]));
        Assert.Equal("http", (await EdgeFixture.JsonAsync(page)).GetProperty("headers").GetProperty("x-forwarded-proto").GetString());
    }

    [Fact]
    public async Task UnsetThePlainHttpRequestGetsALaxCookieAndHttpForwardedProto()
    {
        var route = edge.AddRoute();
        var token = edge.Links.Create(route.PreviewId, TimeSpan.FromMinutes(5));
        using var redirect = await edge.SendAsync(edge.Url(route.Slug, $"/?{EdgeOptions.AccessParameter}={token}"));
        var attributes = Attributes(redirect);
        Assert.DoesNotContain("secure", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", attributes, StringComparer.OrdinalIgnoreCase);
        using var page = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Add("Cookie", attributes[0]));
        Assert.Equal("http", (await EdgeFixture.JsonAsync(page)).GetProperty("headers").GetProperty("x-forwarded-proto").GetString());
    }

    [Theory]
    [InlineData("Edge:PublicScheme", "ftp", "Edge:PublicScheme must be 'http' or 'https'")]
    [InlineData("Edge:UpgradeActivityInterval", "00:00:00", "Edge:UpgradeActivityInterval must be positive")]
    [InlineData("Edge:UpgradeActivityInterval", "-00:00:01", "Edge:UpgradeActivityInterval must be positive")]
    public void InvalidSettingsAreRefusedNamingTheKey(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
        var services = new ServiceCollection();
        services.Configure<EdgeOptions>(configuration.GetSection(EdgeOptions.Section));
        services.AddCrowNestEdge();
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EdgeOptions>>().Value);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);

        // Options built in code are checked as they are handed over.
        var inCode = configuration.GetSection(EdgeOptions.Section).Get<EdgeOptions>()!;
        var builder = new ServiceCollection().AddCrowNestEdge();
        Assert.Contains(message, Assert.Throws<OptionsValidationException>(() => builder.UseOptions(inCode)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https")]
    [InlineData("Http")]
    public void ValidSchemesAndUnsetAreAccepted(string? scheme) =>
        Assert.Empty((new EdgeOptions { PublicScheme = scheme }).Validate());

    private async Task<WebApplication> StartEdgeAsync(EdgeOptions options, bool https = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (https)
        {
            var certificate = EdgeFixture.Certificate();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        }
        else
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }

        builder.Services.AddCrowNestEdge()
            .UseOptions(options)
            .UseRouteStore(edge.Store)
            .UseAuthenticator<TestAuthenticator>();
        var app = builder.Build();
        app.UseCrowNestEdge();
        await app.StartAsync(Ct);
        return app;
    }

    private static string[] Attributes(HttpResponseMessage redirect) =>
        Assert.Single(redirect.Headers.GetValues("Set-Cookie")).Split(';', StringSplitOptions.TrimEntries);
}
