using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Sandboxes;
using CrowNest.Sandboxes;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.Sandboxes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.PreviewSessions;

/// <summary>App preview sessions over the real pipeline, PostgreSQL and the process (bubblewrap) sandbox runtime.</summary>
public sealed class PreviewSessionsApiTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private readonly string _root = TempDirs.Create("crownest-prv");
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;
    private string _mine = "";
    private string _theirs = "";
    private string _myWorkspace = "";
    private string _theirWorkspace = "";

    public ValueTask InitializeAsync() => StartAsync(new Dictionary<string, string?>());

    private async ValueTask StartAsync(Dictionary<string, string?> settings)
    {
        _factory = new CrowNestFactory(database.ConnectionString, PreviewSessionTestSupport.Settings(_root, settings));
        _client = _factory.CreateClient();
        if (_mine.Length == 0)
        {
            (_mine, _myWorkspace) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "mine", [.. Scopes.All]);
            (_theirs, _theirWorkspace) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "theirs", [.. Scopes.All]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        TempDirs.Delete(_root);
    }

    [Fact]
    public async Task ZeroDependencyAppBootsIsReusedFollowsEditsAndStops()
    {
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"name":"zero","private":true,"scripts":{"dev":"node server.js"}}""",
            ["server.js"] = PreviewSessionTestSupport.MessageServer,
            ["message.txt"] = "hello v1",
        });

        using var created = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var session = await created.Content.ReadFromJsonAsync<JsonElement>();
        string[] fields = ["id", "workspaceId", "appId", "versionId", "status", "previewUrl", "error", "metadata", "lastHeartbeatAt", "createdBy", "startedAt", "readyAt", "stoppedAt", "createdAt"];
        Assert.Equal(fields, session.EnumerateObject().Select(p => p.Name));
        var id = session.GetProperty("id").GetString()!;
        Assert.True(PrefixedId.IsValid(id, "appprv"));
        Assert.Equal("hydrating", session.GetProperty("status").GetString());
        Assert.Equal(version, session.GetProperty("versionId").GetString());
        Assert.Equal(_myWorkspace, session.GetProperty("workspaceId").GetString());
        Assert.Equal(JsonValueKind.Null, session.GetProperty("readyAt").ValueKind);

        var ready = await _client.WaitForStatusAsync(_mine, id, "ready");
        Assert.Equal(JsonValueKind.Null, ready.GetProperty("error").ValueKind);
        var metadata = ready.GetProperty("metadata");
        Assert.False(metadata.TryGetProperty("installCommand", out _), "no dependencies: the package manager must not run");
        Assert.StartsWith("npm run dev -- --port ", metadata.GetProperty("startCommand").GetString(), StringComparison.Ordinal);
        var startedAt = DateTimeOffset.Parse(ready.GetProperty("startedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var readyAt = DateTimeOffset.Parse(ready.GetProperty("readyAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var createdAt = DateTimeOffset.Parse(ready.GetProperty("createdAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(createdAt <= startedAt && startedAt <= readyAt);
        Assert.Equal(JsonValueKind.Null, ready.GetProperty("stoppedAt").ValueKind);

        // The preview URL is the edge's: a preview record of the session's sandbox, opened with a key.
        var previewUrl = ready.GetProperty("previewUrl").GetString()!;
        Assert.Matches("^http://p-[a-z0-9]{6}\\.preview\\.localhost:5081$", previewUrl);
        var host = new Uri(previewUrl).Host;
        Assert.Equal("hello v1", await _client.EdgeTextAsync(host, _mine));

        // Warm: the same session, 200.
        using var again = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

        // Live edit: the file changes inside the sandbox, and the dev server serves it.
        var watch = Stopwatch.StartNew();
        using (var patched = await _client.SendAsync(HttpMethod.Patch, $"/api/app-versions/{version}/files", _mine, new { path = "message.txt", content = "hello v2" }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        while (await _client.EdgeTextAsync(host, _mine) != "hello v2")
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "edit did not reach the sandbox");
            await Task.Delay(10);
        }

        using (var deleted = await _client.SendAsync(HttpMethod.Delete, $"/api/app-versions/{version}/files?path=message.txt", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        while (await _client.EdgeTextAsync(host, _mine) != "missing")
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), "delete did not reach the sandbox");
            await Task.Delay(10);
        }

        // Keepalive moves the heartbeat.
        var before = ready.GetProperty("lastHeartbeatAt").GetString();
        await Task.Delay(20);
        using var alive = await _client.SendAsync(HttpMethod.Post, $"/api/apps/preview/{id}/keepalive", _mine);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        var aliveBody = await alive.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["id", "status"], aliveBody.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ready", aliveBody.GetProperty("status").GetString());
        var after = (await _client.GetSessionAsync(_mine, id)).GetProperty("lastHeartbeatAt").GetString();
        Assert.True(string.CompareOrdinal(after, before) > 0);

        // Stop: destroyed sandbox, stoppedAt set, idempotent.
        var sandboxId = metadata.GetProperty("sandboxId").GetString()!;
        using var stopped = await _client.SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.True((await stopped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("success").GetBoolean());
        var final = await _client.GetSessionAsync(_mine, id);
        Assert.Equal("stopped", final.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, final.GetProperty("stoppedAt").ValueKind);
        Assert.Null(await _factory.Services.GetRequiredService<ISandboxRuntime>().InspectAsync(SandboxService.RuntimeIdOf(sandboxId)));
        await _client.AssertEdgeStatusAsync(host, _mine, HttpStatusCode.NotFound);
        using var twice = await _client.SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);

        // A stopped session is not warm: a new one starts.
        using var fresh = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        var freshId = (await fresh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.NotEqual(id, freshId);
        using var cleanup = await _client.SendAsync(HttpMethod.Delete, $"/api/apps/preview/{freshId}", _mine);
    }

    [Fact]
    public async Task FailingDevScriptFailsWithErrorAndOutputTail()
    {
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"name":"broken","scripts":{"dev":"node fail.js"}}""",
            ["fail.js"] = "console.error('boom-' + 'output'); setTimeout(() => process.exit(3), 200);",
        });
        using var created = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var failed = await _client.WaitForStatusAsync(_mine, id, "failed");
        Assert.Contains("exited", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        var tail = failed.GetProperty("metadata").GetProperty("outputTail").GetString()!;
        Assert.True(tail.Contains("boom-output", StringComparison.Ordinal), tail);
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("readyAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("previewUrl").ValueKind);
        var sandboxId = failed.GetProperty("metadata").GetProperty("sandboxId").GetString()!;
        Assert.Null(await _factory.Services.GetRequiredService<ISandboxRuntime>().InspectAsync(SandboxService.RuntimeIdOf(sandboxId)));

        // A failed session is not reused.
        using var retry = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
    }

    [Fact]
    public async Task MissingPackageJsonFails()
    {
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string> { ["index.html"] = "<p>hi</p>" });
        using var created = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var failed = await _client.WaitForStatusAsync(_mine, id, "failed");
        Assert.Equal("package.json not found in the app version", failed.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ReaperStopsIdleSessionsAndDestroysTheirSandboxes()
    {
        await DisposeAsync();
        await StartAsync(new Dictionary<string, string?>
        {
            ["PreviewSessions:IdleTimeout"] = "00:00:02",
            ["PreviewSessions:ReaperInterval"] = "00:00:00.500",
        });
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"scripts":{"dev":"node server.js"}}""",
            ["server.js"] = PreviewSessionTestSupport.MessageServer,
        });
        using var created = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        // Nobody sends a heartbeat: the reaper stops the session within a few seconds, whatever stage it reached.
        var watch = Stopwatch.StartNew();
        JsonElement stopped;
        while ((stopped = await _client.GetSessionAsync(_mine, id)).GetProperty("status").GetString() != "stopped")
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), stopped.ToString());
            await Task.Delay(100);
        }

        Assert.NotEqual(JsonValueKind.Null, stopped.GetProperty("stoppedAt").ValueKind);
        var sandboxId = stopped.GetProperty("metadata").GetProperty("sandboxId").GetString()!;
        Assert.Null(await _factory.Services.GetRequiredService<ISandboxRuntime>().InspectAsync(SandboxService.RuntimeIdOf(sandboxId)));
    }

    [Fact]
    public async Task ErrorsAreDataAndTenantsAreIsolated()
    {
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string> { ["package.json"] = "{}" });
        var theirVersion = await _client.VersionAsync(_theirs, _theirWorkspace, new Dictionary<string, string> { ["package.json"] = "{}" });

        await AssertErrorAsync(await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { }), HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync(await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = "appver_nope" }), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = theirVersion }), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await _client.SendAsync(HttpMethod.Get, "/api/apps/preview/appprv_nope", _mine), HttpStatusCode.NotFound, "not_found");
        using (var anonymous = await _client.GetAsync("/api/apps/preview/appprv_nope"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var created = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await AssertErrorAsync(await _client.SendAsync(HttpMethod.Get, $"/api/apps/preview/{id}", _theirs), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await _client.SendAsync(HttpMethod.Post, $"/api/apps/preview/{id}/keepalive", _theirs), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await _client.SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _theirs), HttpStatusCode.NotFound, "not_found");

        var (readOnly, _) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "reader", [Scopes.AppRead, Scopes.PreviewRead], _myWorkspace);
        await AssertErrorAsync(await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", readOnly, new { appVersionId = version }), HttpStatusCode.Forbidden, "forbidden");
        await AssertErrorAsync(await _client.SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", readOnly), HttpStatusCode.Forbidden, "forbidden");
        using (var readable = await _client.SendAsync(HttpMethod.Get, $"/api/apps/preview/{id}", readOnly))
        {
            Assert.Equal(HttpStatusCode.OK, readable.StatusCode);
        }

        var (creator, _) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "creator", [Scopes.PreviewCreate], _myWorkspace);
        await AssertErrorAsync(await _client.SendAsync(HttpMethod.Get, $"/api/apps/preview/{id}", creator), HttpStatusCode.Forbidden, "forbidden");
        await AssertErrorAsync(await _client.SendAsync(HttpMethod.Post, $"/api/apps/preview/{id}/keepalive", creator), HttpStatusCode.Forbidden, "forbidden");
        using var stop = await _client.SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
    }

    [Fact]
    public async Task GraphQLStartsReadsKeepsAliveAndStops()
    {
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"scripts":{"dev":"node server.js"}}""",
            ["server.js"] = PreviewSessionTestSupport.MessageServer,
            ["message.txt"] = "gql",
        });
        var started = await GraphQLAsync(_mine, "mutation($v: ID!) { startAppPreviewSession(appVersionId: $v) { id status versionId } }", new { v = version });
        var id = started.GetProperty("data").GetProperty("startAppPreviewSession").GetProperty("id").GetString()!;
        await _client.WaitForStatusAsync(_mine, id, "ready");
        var read = await GraphQLAsync(_mine, "query($id: ID!) { appPreviewSession(id: $id) { id status previewUrl readyAt metadata } node(id: $id) { ... on AppPreviewSession { status } } }", new { id });
        var data = read.GetProperty("data");
        Assert.Equal("ready", data.GetProperty("appPreviewSession").GetProperty("status").GetString());
        Assert.Equal("ready", data.GetProperty("node").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Object, data.GetProperty("appPreviewSession").GetProperty("metadata").ValueKind);
        var hidden = await GraphQLAsync(_theirs, "query($id: ID!) { appPreviewSession(id: $id) { id } }", new { id });
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("data").GetProperty("appPreviewSession").ValueKind);
        var denied = await GraphQLAsync(_theirs, "mutation($id: ID!) { stopAppPreviewSession(id: $id) { id } }", new { id });
        Assert.Equal("NOT_FOUND", denied.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        var alive = await GraphQLAsync(_mine, "mutation($id: ID!) { keepAppPreviewSessionAlive(id: $id) { status lastHeartbeatAt } }", new { id });
        Assert.Equal("ready", alive.GetProperty("data").GetProperty("keepAppPreviewSessionAlive").GetProperty("status").GetString());
        var stopped = await GraphQLAsync(_mine, "mutation($id: ID!) { stopAppPreviewSession(id: $id) { status stoppedAt } }", new { id });
        Assert.Equal("stopped", stopped.GetProperty("data").GetProperty("stopAppPreviewSession").GetProperty("status").GetString());
    }

    private async Task<JsonElement> GraphQLAsync(string secret, string query, object variables)
    {
        using var response = await _client.SendAsync(HttpMethod.Post, "/graphql", secret, new { query, variables });
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        }
    }
}
