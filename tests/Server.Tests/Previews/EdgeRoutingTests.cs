using System.Net;
using CrowNest.Platform.Auth;
using CrowNest.Sandboxes;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.Sandboxes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.Previews;

/// <summary>
/// The server's edge wiring: routes come from the previews table, Bearer keys are checked against the preview's
/// project, access links become cookies, and a revoke reaches the route cache through NOTIFY.
/// </summary>
public sealed class EdgeRoutingTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "crownest-edge-" + Guid.NewGuid().ToString("N")[..8]);
    private CrowNestFactory _factory = null!;
    private HttpClient _client = null!;
    private EchoUpstream _upstream = null!;
    private string _mine = "";
    private string _theirs = "";
    private string _myReadOnlyApps = "";

    public async ValueTask InitializeAsync()
    {
        SandboxTestSupport.SkipWithoutBubblewrap();
        _factory = new CrowNestFactory(database.ConnectionString, SandboxTestSupport.Settings(_root));
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false });
        string org, user;
        (_mine, org, user, _) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "edge-mine");
        _myReadOnlyApps = await SandboxTestSupport.KeyAsync(database.ConnectionString, org, user, [Scopes.AppRead]);
        (_theirs, _, _, _) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "edge-theirs");

        // Stands in for the dev server inside the sandbox (the process runtime shares the host network).
        _upstream = await EchoUpstream.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is null)
        {
            return;
        }

        var runtime = _factory.Services.GetRequiredService<ISandboxRuntime>();
        foreach (var info in await runtime.ListAsync())
        {
            await runtime.DestroyAsync(info.Id);
        }

        _client.Dispose();
        await _factory.DisposeAsync();
        await _upstream.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, true);
        }
    }

    [Fact]
    public void ServerRegistersNoHttpContextAccessor()
    {
        // With any IHttpContextAccessor in DI, ASP.NET Core allocates a fresh HttpContext per request instead of reusing
        // the connection's, for every proxied request; the API's accessor is the server's own, set behind the edge.
        Assert.Null(_factory.Services.GetService<IHttpContextAccessor>());
        Assert.NotNull(_factory.Services.GetService<CrowNest.Server.Hosting.ApiHttpContextAccessor>());
    }

    [Fact]
    public async Task BearerKeysAccessLinksAndRevocationThroughTheEdge()
    {
        var (previewId, host, _) = await NewPreviewAsync();

        using (var anonymous = await ViaEdgeAsync(host, "/x"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var ok = await ViaEdgeAsync(host, "/hello?q=1", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var body = await ok.Content.ReadAsStringAsync();
            Assert.StartsWith("path=/hello?q=1;auth=;", body, StringComparison.Ordinal);
        }

        // Another tenant's key and a key without preview:read see no preview at all.
        using (var foreign = await ViaEdgeAsync(host, "/", _theirs))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        using (var noScope = await ViaEdgeAsync(host, "/", _myReadOnlyApps))
        {
            Assert.Equal(HttpStatusCode.NotFound, noScope.StatusCode);
        }

        using (var invalid = await ViaEdgeAsync(host, "/", "not-a-key"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, invalid.StatusCode);
        }

        // Access link → cookie → redirect without the token; the cookie then authenticates and never reaches the app.
        using var link = await _client.SendAsync(HttpMethod.Post, $"/v1/previews/{previewId}/access-links", _mine, new { expiresInSeconds = 60 });
        Assert.Equal(HttpStatusCode.Created, link.StatusCode);
        var url = new Uri((await link.JsonAsync()).GetProperty("accessLink").GetProperty("url").GetString()!);
        Assert.Equal(host, url.Host);
        using var exchange = await ViaEdgeAsync(host, url.PathAndQuery);
        Assert.True(exchange.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, exchange.StatusCode.ToString());
        var cookie = Assert.Single(exchange.Headers.GetValues("Set-Cookie"), c => c.StartsWith("crownest_preview=", StringComparison.Ordinal));
        using (var withCookie = await ViaEdgeAsync(host, "/page", cookie: cookie.Split(';')[0] + "; theme=dark"))
        {
            Assert.Equal(HttpStatusCode.OK, withCookie.StatusCode);
            Assert.EndsWith("cookie=theme=dark", await withCookie.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await (await _client.SendAsync(HttpMethod.Post, $"/v1/previews/{previewId}/access-links", _theirs)).AssertErrorAsync(404, "not_found");
        await (await _client.SendAsync(HttpMethod.Post, $"/v1/previews/{previewId}/access-links", _mine, new { expiresInSeconds = 0 })).AssertErrorAsync(400, "invalid_request");

        // Revoking NOTIFYs every edge; the cached route must stop serving without waiting for its TTL.
        using (var revoke = await _client.SendAsync(HttpMethod.Delete, "/v1/previews/" + previewId, _mine))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            using var after = await ViaEdgeAsync(host, "/", _mine);
            status = after.StatusCode;
            if (status == HttpStatusCode.NotFound)
            {
                break;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.NotFound, status);
        await (await _client.SendAsync(HttpMethod.Post, $"/v1/previews/{previewId}/access-links", _mine)).AssertErrorAsync(404, "not_found");
    }

    [Fact]
    public async Task DestroyingTheSandboxStopsItsPreviewsAtTheEdgeAndTheirLinks()
    {
        var (previewId, host, sandboxId) = await NewPreviewAsync();
        using (var ok = await ViaEdgeAsync(host, "/", _mine))
        {
            // Served once, so the route is cached: only the NOTIFY of the destroy can end it before the TTL.
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var destroyed = await _client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, _mine))
        {
            Assert.Equal(HttpStatusCode.OK, destroyed.StatusCode);
        }

        await SandboxTestSupport.EventuallyAsync(async () =>
        {
            using var after = await ViaEdgeAsync(host, "/", _mine);
            return after.StatusCode == HttpStatusCode.NotFound;
        }, "a destroyed sandbox's preview stops routing");
        using var get = await _client.SendAsync(HttpMethod.Get, "/v1/previews/" + previewId, _mine);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, (await get.JsonAsync()).GetProperty("preview").GetProperty("revokedAt").ValueKind);
        await (await _client.SendAsync(HttpMethod.Post, $"/v1/previews/{previewId}/access-links", _mine)).AssertErrorAsync(404, "not_found");
        await (await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = _upstream.Port })).AssertErrorAsync(409, "sandbox_destroyed");
    }

    [Fact]
    public async Task TheEdgeAnswersBrowsersWithHtmlAndApiClientsWithJsonThroughTheServer()
    {
        var (_, host, _) = await NewPreviewAsync();
        using (var browser = new HttpRequestMessage(HttpMethod.Get, "/"))
        {
            browser.Headers.Host = host;
            browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
            using var page = await _client.SendAsync(browser);
            Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }

        using (var api = new HttpRequestMessage(HttpMethod.Get, "/"))
        {
            api.Headers.Host = host;
            using var json = await _client.SendAsync(api);
            await json.AssertErrorAsync(401, "unauthorized");
            Assert.Contains("Bearer", json.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        // A preview slug that never existed: 404 even with a valid key.
        using var unknown = await ViaEdgeAsync("p-000000." + host[(host.IndexOf('.', StringComparison.Ordinal) + 1)..], "/", _mine);
        await unknown.AssertErrorAsync(404, "not_found");
    }

    private async Task<(string PreviewId, string Host, string SandboxId)> NewPreviewAsync()
    {
        var (previewId, sandboxId, host) = await _client.CreatePreviewAsync(_mine, _upstream.Port);
        return (previewId, host, sandboxId);
    }

    private async Task<HttpResponseMessage> ViaEdgeAsync(string host, string pathAndQuery, string? key = null, string? cookie = null)
    {
        using var request = PreviewRig.EdgeRequest(host, pathAndQuery, key, cookie);
        return await _client.SendAsync(request);
    }
}
