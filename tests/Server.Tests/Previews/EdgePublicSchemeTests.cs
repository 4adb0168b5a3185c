using System.Net;
using CrowNest.Edge;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.Sandboxes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrowNest.Server.Tests.Previews;

/// <summary>
/// Behind a TLS-terminating proxy: <c>Previews:Scheme=https</c> alone makes preview URLs https and the edge (reached
/// over plain HTTP) set its session cookie <c>Secure; SameSite=None</c> and tell the sandbox <c>X-Forwarded-Proto: https</c>.
/// </summary>
public sealed class EdgePublicSchemeTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "crownest-edgescheme-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<CrowNestFactory> _factories = [];
    private WebApplication? _upstream;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var factory in _factories)
        {
            var runtime = factory.Services.GetRequiredService<CrowNest.Sandboxes.ISandboxRuntime>();
            foreach (var info in await runtime.ListAsync())
            {
                await runtime.DestroyAsync(info.Id);
            }

            await factory.DisposeAsync();
        }

        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }

        TempDirs.Delete(_root);
    }

    [Fact]
    public async Task PreviewsSchemeHttps_MakesTheCookieSecureSameSiteNone_AndTheForwardedProtoHttps()
    {
        SandboxTestSupport.SkipWithoutBubblewrap();
        var client = Start(new() { ["Previews:Scheme"] = "https" }).CreateClient(new() { AllowAutoRedirect = false });
        var (key, _, _, _) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "scheme-https");
        var port = await StartUpstreamAsync();

        var (previewId, _, host) = await client.CreatePreviewAsync(key, port);
        using var link = await client.SendAsync(HttpMethod.Post, $"/v1/previews/{previewId}/access-links", key, new { expiresInSeconds = 60 });
        var url = new Uri((await link.JsonAsync()).GetProperty("accessLink").GetProperty("url").GetString()!);
        Assert.Equal("https", url.Scheme);

        // The test server's requests are plain http, as a TLS proxy's toward the edge are.
        using var exchange = await client.SendAsync(PreviewRig.EdgeRequest(host, url.PathAndQuery));
        Assert.Equal(HttpStatusCode.SeeOther, exchange.StatusCode);
        var attributes = Assert.Single(exchange.Headers.GetValues("Set-Cookie")).Split(';', StringSplitOptions.TrimEntries);
        Assert.Contains("secure", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("samesite=none", attributes, StringComparer.OrdinalIgnoreCase);

        using var page = await client.SendAsync(PreviewRig.EdgeRequest(host, "/", cookie: attributes[0]));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("proto=https", await page.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("https", null, "https")]
    [InlineData("https", "http", "http")]
    [InlineData(null, null, null)]
    [InlineData("http", null, "http")]
    public void EdgePublicScheme_DefaultsToPreviewsScheme_AndAnExplicitValueWins(string? previewsScheme, string? edgeScheme, string? expected)
    {
        var factory = Start(new() { ["Previews:Scheme"] = previewsScheme, ["Edge:PublicScheme"] = edgeScheme });
        Assert.Equal(expected, factory.Services.GetRequiredService<IOptions<EdgeOptions>>().Value.PublicScheme);
    }

    private CrowNestFactory Start(Dictionary<string, string?> settings)
    {
        var all = SandboxTestSupport.Settings(_root);
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var factory = new CrowNestFactory(database.ConnectionString, all);
        _factories.Add(factory);
        return factory;
    }

    /// <summary>A dev server stand-in answering with the X-Forwarded-Proto it received.</summary>
    private async Task<int> StartUpstreamAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _upstream = builder.Build();
        _upstream.Run(context => context.Response.WriteAsync("proto=" + context.Request.Headers["X-Forwarded-Proto"]));
        await _upstream.StartAsync();
        return new Uri(_upstream.Urls.First()).Port;
    }
}
