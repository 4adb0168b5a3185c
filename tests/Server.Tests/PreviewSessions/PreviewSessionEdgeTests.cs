using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Sandboxes;
using CrowNest.Sandboxes;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.Sandboxes;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.PreviewSessions;

/// <summary>
/// A session's preview is a real <c>/v1</c> sandbox and preview behind the edge: the same authentication as any
/// preview, listed by <c>/v1</c>, revoked when the session stops; edge traffic keeps the session alive; sessions
/// survive a server restart when their sandbox does.
/// </summary>
public sealed class PreviewSessionEdgeTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private readonly string _root = TempDirs.Create("crownest-prvedge");
    private CrowNestFactory? _factory;
    private HttpClient _client = null!;
    private string _mine = "";
    private string _theirs = "";
    private string _myWorkspace = "";

    public async ValueTask InitializeAsync()
    {
        SandboxTestSupport.SkipWithoutBubblewrap();
        (_mine, _myWorkspace) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "edge-mine", [.. Scopes.All]);
        (_theirs, _) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "edge-theirs", [.. Scopes.All]);
    }

    private void Start(IReadOnlyDictionary<string, string?>? settings = null)
    {
        _factory = new CrowNestFactory(database.ConnectionString, PreviewSessionTestSupport.Settings(_root, settings));
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false });
    }

    private async Task StopServerAsync()
    {
        _client.Dispose();
        await _factory!.DisposeAsync();
        _factory = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await StopServerAsync();
        }

        TempDirs.Delete(_root);
    }

    [Fact]
    public async Task ThePreviewIsAV1PreviewWithTheEdgesAuthenticationAndStopRevokesIt()
    {
        Start();
        var version = await _client.MessageVersionAsync(_mine, _myWorkspace, "through the edge");
        var id = await _client.StartSessionAsync(_mine, version);
        var ready = await _client.WaitForStatusAsync(_mine, id, "ready");
        var metadata = ready.GetProperty("metadata");
        var sandboxId = metadata.GetProperty("sandboxId").GetString()!;
        var previewId = metadata.GetProperty("previewId").GetString()!;
        var previewUrl = ready.GetProperty("previewUrl").GetString()!;
        var host = new Uri(previewUrl).Host;

        // /v1 shows the sandbox (in the workspace's preview project) and its preview, whose url is the session's.
        using (var sandbox = await _client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + sandboxId, _mine))
        {
            Assert.Equal(HttpStatusCode.OK, sandbox.StatusCode);
            var json = (await sandbox.JsonAsync()).GetProperty("sandbox");
            Assert.Equal("running", json.GetProperty("status").GetString());
            Assert.Equal(metadata.GetProperty("projectId").GetString(), json.GetProperty("projectId").GetString());
        }

        var projectId = metadata.GetProperty("projectId").GetString()!;
        using (var project = await _client.SendAsync(HttpMethod.Get, "/v1/projects/" + projectId, _mine))
        {
            var json = (await project.JsonAsync()).GetProperty("project");
            Assert.Equal("App previews", json.GetProperty("name").GetString());
            Assert.Equal(_myWorkspace, json.GetProperty("workspaceId").GetString());
        }

        using (var listed = await _client.SendAsync(HttpMethod.Get, "/v1/sandboxes?projectId=" + projectId, _mine))
        {
            Assert.Contains(sandboxId, (await listed.JsonAsync()).GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        }

        using (var previews = await _client.SendAsync(HttpMethod.Get, $"/v1/sandboxes/{sandboxId}/previews", _mine))
        {
            var preview = Assert.Single((await previews.JsonAsync()).GetProperty("data").EnumerateArray());
            Assert.Equal(previewId, preview.GetProperty("id").GetString());
            Assert.Equal(previewUrl, preview.GetProperty("url").GetString());
            Assert.Equal(JsonValueKind.Null, preview.GetProperty("revokedAt").ValueKind);
        }

        // The edge: 401 without credentials, the dev server with a key or an access link's cookie, 404 for another tenant.
        using (var anonymous = await _client.ViaEdgeAsync(host, "/"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        Assert.Equal("through the edge", await _client.EdgeTextAsync(host, _mine));
        using (var foreign = await _client.ViaEdgeAsync(host, "/", _theirs))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        using var link = await _client.SendAsync(HttpMethod.Post, $"/v1/previews/{previewId}/access-links", _mine, new { expiresInSeconds = 60 });
        Assert.Equal(HttpStatusCode.Created, link.StatusCode);
        var url = new Uri((await link.JsonAsync()).GetProperty("accessLink").GetProperty("url").GetString()!);
        Assert.Equal(host, url.Host);
        using var exchange = await _client.ViaEdgeAsync(host, url.PathAndQuery);
        Assert.True(exchange.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, exchange.StatusCode.ToString());
        var cookie = Assert.Single(exchange.Headers.GetValues("Set-Cookie"), c => c.StartsWith("crownest_preview=", StringComparison.Ordinal)).Split(';')[0];
        using (var withCookie = await _client.ViaEdgeAsync(host, "/", cookie: cookie))
        {
            Assert.Equal(HttpStatusCode.OK, withCookie.StatusCode);
            Assert.Equal("through the edge", await withCookie.Content.ReadAsStringAsync());
        }

        // Cross-tenant: the session, its sandbox and its preview do not exist for another organization.
        await (await _client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + sandboxId, _theirs)).AssertErrorAsync(404, "not_found");
        await (await _client.SendAsync(HttpMethod.Get, "/v1/previews/" + previewId, _theirs)).AssertErrorAsync(404, "not_found");
        await (await _client.SendAsync(HttpMethod.Post, $"/v1/previews/{previewId}/access-links", _theirs)).AssertErrorAsync(404, "not_found");
        await (await _client.SendAsync(HttpMethod.Get, "/api/apps/preview/" + id, _theirs)).AssertErrorAsync(404, "not_found");

        // A second session of the workspace shares its preview project.
        var other = await _client.StartSessionAsync(_mine, await _client.MessageVersionAsync(_mine, _myWorkspace, "second"));
        var otherReady = await _client.WaitForStatusAsync(_mine, other, "ready");
        Assert.Equal(projectId, otherReady.GetProperty("metadata").GetProperty("projectId").GetString());
        Assert.NotEqual(previewUrl, otherReady.GetProperty("previewUrl").GetString());

        // Stop: the sandbox is destroyed, which revokes the preview; the edge answers 404 and the cookie no longer works.
        using (var stop = await _client.SendAsync(HttpMethod.Delete, "/api/apps/preview/" + id, _mine))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        await _client.AssertEdgeStatusAsync(host, _mine, HttpStatusCode.NotFound);
        using (var withCookie = await _client.ViaEdgeAsync(host, "/", cookie: cookie))
        {
            Assert.Equal(HttpStatusCode.NotFound, withCookie.StatusCode);
        }

        using (var revoked = await _client.SendAsync(HttpMethod.Get, "/v1/previews/" + previewId, _mine))
        {
            Assert.NotEqual(JsonValueKind.Null, (await revoked.JsonAsync()).GetProperty("preview").GetProperty("revokedAt").ValueKind);
        }

        using (var destroyed = await _client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + sandboxId, _mine))
        {
            Assert.Equal("destroyed", (await destroyed.JsonAsync()).GetProperty("sandbox").GetProperty("status").GetString());
        }

        Assert.Null(await _factory!.Services.GetRequiredService<ISandboxRuntime>().InspectAsync(SandboxService.RuntimeIdOf(sandboxId)));

        // Destroying a session's sandbox through /v1 ends the session (its dev server is gone), without a second destroy.
        var otherSandbox = otherReady.GetProperty("metadata").GetProperty("sandboxId").GetString()!;
        using (var delete = await _client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + otherSandbox, _mine))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        var watch = Stopwatch.StartNew();
        JsonElement ended;
        while ((ended = await _client.GetSessionAsync(_mine, other)).GetProperty("status").GetString() == "ready")
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), ended.ToString());
            await Task.Delay(50);
        }

        Assert.Equal("failed", ended.GetProperty("status").GetString());
        Assert.Contains("dev server", ended.GetProperty("error").GetString(), StringComparison.Ordinal);
        using (var destroyed = await _client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + otherSandbox, _mine))
        {
            Assert.Equal("destroyed", (await destroyed.JsonAsync()).GetProperty("sandbox").GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task EdgeTrafficKeepsASessionAliveAndAnUnusedOneIsReaped()
    {
        Start(new Dictionary<string, string?>
        {
            ["PreviewSessions:IdleTimeout"] = "00:00:04",
            ["PreviewSessions:ReaperInterval"] = "00:00:00.200",
            ["PreviewSessions:ActivityDebounce"] = "00:00:00.500",
        });
        var used = await _client.StartSessionAsync(_mine, await _client.MessageVersionAsync(_mine, _myWorkspace, "used"));
        var unused = await _client.StartSessionAsync(_mine, await _client.MessageVersionAsync(_mine, _myWorkspace, "unused"));
        var host = new Uri((await _client.WaitForStatusAsync(_mine, used, "ready")).GetProperty("previewUrl").GetString()!).Host;
        await _client.WaitForStatusAsync(_mine, unused, "ready");
        // Both start the race with a fresh heartbeat, however long the boots took.
        foreach (var id in new[] { used, unused })
        {
            using var keepalive = await _client.SendAsync(HttpMethod.Post, $"/api/apps/preview/{id}/keepalive", _mine);
            Assert.Equal(HttpStatusCode.OK, keepalive.StatusCode);
        }


        // Only the edge touches the used session (no keepalive); the unused one gets nothing.
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(9))
        {
            using var response = await _client.ViaEdgeAsync(host, "/", _mine);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"after {watch.Elapsed}: {response.StatusCode} {await _client.GetSessionAsync(_mine, used)}");
            await Task.Delay(250);
        }

        Assert.Equal("stopped", (await _client.GetSessionAsync(_mine, unused)).GetProperty("status").GetString());
        var alive = await _client.GetSessionAsync(_mine, used);
        Assert.Equal("ready", alive.GetProperty("status").GetString());
        var heartbeat = DateTimeOffset.Parse(alive.GetProperty("lastHeartbeatAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(DateTimeOffset.UtcNow - heartbeat < TimeSpan.FromSeconds(3), $"heartbeat {heartbeat:O} not moved by edge traffic");

        // Once the traffic stops it is reaped like any idle session.
        watch.Restart();
        while ((await _client.GetSessionAsync(_mine, used)).GetProperty("status").GetString() != "stopped")
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "the session outlived its idle timeout without traffic");
            await Task.Delay(200);
        }

        await _client.AssertEdgeStatusAsync(host, _mine, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AfterARestartSurvivingSessionsAreAdoptedAndInterruptedBootsFail()
    {
        // The first server leaves its sessions running on shutdown, as it would crash.
        Start(new Dictionary<string, string?> { ["PreviewSessions:StopOnShutdown"] = "false" });
        var version = await _client.MessageVersionAsync(_mine, _myWorkspace, "before restart");
        var survivor = await _client.StartSessionAsync(_mine, version);
        var ready = await _client.WaitForStatusAsync(_mine, survivor, "ready");
        var host = new Uri(ready.GetProperty("previewUrl").GetString()!).Host;
        var booting = await _client.StartSessionAsync(_mine, await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"scripts":{"dev":"node never.js"}}""",
            ["never.js"] = "setInterval(() => {}, 1000);",
        }));
        // Starting: its sandbox and preview exist, the dev server never answers.
        var bootSandbox = (await _client.WaitForStatusAsync(_mine, booting, "starting")).GetProperty("metadata").GetProperty("sandboxId").GetString()!;
        await StopServerAsync();

        Start();
        var watch = Stopwatch.StartNew();
        var adopted = await _client.GetSessionAsync(_mine, survivor);
        Assert.Equal("ready", adopted.GetProperty("status").GetString());
        Assert.Equal("before restart", await _client.EdgeTextAsync(host, _mine));
        // The adopted session follows edits again.
        using (var patched = await _client.SendAsync(HttpMethod.Patch, $"/api/app-versions/{version}/files", _mine, new { path = "message.txt", content = "after restart" }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        while (await _client.EdgeTextAsync(host, _mine) != "after restart")
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "edit did not reach the adopted session");
            await Task.Delay(20);
        }

        var failed = await _client.GetSessionAsync(_mine, booting);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("restarted", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, failed.GetProperty("stoppedAt").ValueKind);
        using (var sandbox = await _client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + bootSandbox, _mine))
        {
            Assert.Equal("destroyed", (await sandbox.JsonAsync()).GetProperty("sandbox").GetProperty("status").GetString());
        }

        var runtime = _factory!.Services.GetRequiredService<ISandboxRuntime>();
        Assert.Null(await runtime.InspectAsync(SandboxService.RuntimeIdOf(bootSandbox)));

        // Stopping the adopted session tears down its sandbox like any other.
        var survivorSandbox = ready.GetProperty("metadata").GetProperty("sandboxId").GetString()!;
        using (var stop = await _client.SendAsync(HttpMethod.Delete, "/api/apps/preview/" + survivor, _mine))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        Assert.Null(await runtime.InspectAsync(SandboxService.RuntimeIdOf(survivorSandbox)));
        await _client.AssertEdgeStatusAsync(host, _mine, HttpStatusCode.NotFound);
    }
}
