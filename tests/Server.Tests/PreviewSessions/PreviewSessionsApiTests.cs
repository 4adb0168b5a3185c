using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Sandboxes;
using CrowNest.Server.Tests.Apps;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.PreviewSessions;

/// <summary>App preview sessions over the real pipeline, PostgreSQL and the process (bubblewrap) sandbox runtime.</summary>
public sealed class PreviewSessionsApiTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    /// <summary>A zero-dependency dev server: serves message.txt (read per request) on --port.</summary>
    private const string Server = """
        const http = require('http');
        const fs = require('fs');
        const i = process.argv.indexOf('--port');
        const port = Number(i >= 0 ? process.argv[i + 1] : process.env.PORT);
        http.createServer((req, res) => {
          let body = 'missing';
          try { body = fs.readFileSync('message.txt', 'utf8'); } catch {}
          res.end(body);
        }).listen(port, '127.0.0.1', () => console.log('listening on ' + port + ' env ' + process.env.PORT));
        """;

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
        settings["Sandboxes:Process:RootDirectory"] = _root;
        _factory = new CrowNestFactory(database.ConnectionString, settings);
        _client = _factory.CreateClient();
        if (_mine.Length == 0)
        {
            (_mine, _myWorkspace) = await KeyAsync("mine", [.. Scopes.All]);
            (_theirs, _theirWorkspace) = await KeyAsync("theirs", [.. Scopes.All]);
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
        var version = await VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"name":"zero","private":true,"scripts":{"dev":"node server.js"}}""",
            ["server.js"] = Server,
            ["message.txt"] = "hello v1",
        });

        using var created = await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
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

        var ready = await WaitForStatusAsync(id, "ready");
        Assert.Equal(JsonValueKind.Null, ready.GetProperty("error").ValueKind);
        var metadata = ready.GetProperty("metadata");
        Assert.False(metadata.TryGetProperty("installCommand", out _), "no dependencies: the package manager must not run");
        Assert.StartsWith("npm run dev -- --port ", metadata.GetProperty("startCommand").GetString(), StringComparison.Ordinal);
        var startedAt = DateTimeOffset.Parse(ready.GetProperty("startedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var readyAt = DateTimeOffset.Parse(ready.GetProperty("readyAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var createdAt = DateTimeOffset.Parse(ready.GetProperty("createdAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(createdAt <= startedAt && startedAt <= readyAt);
        Assert.Equal(JsonValueKind.Null, ready.GetProperty("stoppedAt").ValueKind);

        using var preview = new HttpClient();
        var previewUrl = ready.GetProperty("previewUrl").GetString()!;
        Assert.Equal("hello v1", await preview.GetStringAsync(previewUrl));

        // Warm: the same session, 200.
        using var again = await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

        // Live edit: the file changes inside the sandbox, and the dev server serves it.
        var watch = Stopwatch.StartNew();
        using (var patched = await SendAsync(HttpMethod.Patch, $"/api/app-versions/{version}/files", _mine, new { path = "message.txt", content = "hello v2" }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        while (await preview.GetStringAsync(previewUrl) != "hello v2")
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), "edit did not reach the sandbox");
            await Task.Delay(10);
        }

        using (var deleted = await SendAsync(HttpMethod.Delete, $"/api/app-versions/{version}/files?path=message.txt", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        while (await preview.GetStringAsync(previewUrl) != "missing")
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), "delete did not reach the sandbox");
            await Task.Delay(10);
        }

        // Keepalive moves the heartbeat.
        var before = ready.GetProperty("lastHeartbeatAt").GetString();
        await Task.Delay(20);
        using var alive = await SendAsync(HttpMethod.Post, $"/api/apps/preview/{id}/keepalive", _mine);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        var aliveBody = await alive.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["id", "status"], aliveBody.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ready", aliveBody.GetProperty("status").GetString());
        var after = (await GetAsync(id)).GetProperty("lastHeartbeatAt").GetString();
        Assert.True(string.CompareOrdinal(after, before) > 0);

        // Stop: destroyed sandbox, stoppedAt set, idempotent.
        var sandboxId = metadata.GetProperty("sandboxId").GetString()!;
        using var stopped = await SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.True((await stopped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("success").GetBoolean());
        var final = await GetAsync(id);
        Assert.Equal("stopped", final.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, final.GetProperty("stoppedAt").ValueKind);
        Assert.Null(await _factory.Services.GetRequiredService<ISandboxRuntime>().InspectAsync(sandboxId));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => preview.GetStringAsync(previewUrl));
        using var twice = await SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);

        // A stopped session is not warm: a new one starts.
        using var fresh = await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        var freshId = (await fresh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.NotEqual(id, freshId);
        using var cleanup = await SendAsync(HttpMethod.Delete, $"/api/apps/preview/{freshId}", _mine);
    }

    [Fact]
    public async Task FailingDevScriptFailsWithErrorAndOutputTail()
    {
        var version = await VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"name":"broken","scripts":{"dev":"node -e \"console.error('boom-' + 'output'); process.exit(3)\""}}""",
        });
        using var created = await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var failed = await WaitForStatusAsync(id, "failed");
        Assert.Contains("exited", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("boom-output", failed.GetProperty("metadata").GetProperty("outputTail").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("readyAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("previewUrl").ValueKind);
        var sandboxId = failed.GetProperty("metadata").GetProperty("sandboxId").GetString()!;
        Assert.Null(await _factory.Services.GetRequiredService<ISandboxRuntime>().InspectAsync(sandboxId));

        // A failed session is not reused.
        using var retry = await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
    }

    [Fact]
    public async Task MissingPackageJsonFails()
    {
        var version = await VersionAsync(_mine, _myWorkspace, new Dictionary<string, string> { ["index.html"] = "<p>hi</p>" });
        using var created = await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var failed = await WaitForStatusAsync(id, "failed");
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
        var version = await VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"scripts":{"dev":"node server.js"}}""",
            ["server.js"] = Server,
        });
        using var created = await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var ready = await WaitForStatusAsync(id, "ready");
        var sandboxId = ready.GetProperty("metadata").GetProperty("sandboxId").GetString()!;
        var stopped = await WaitForStatusAsync(id, "stopped");
        Assert.NotEqual(JsonValueKind.Null, stopped.GetProperty("stoppedAt").ValueKind);
        Assert.Null(await _factory.Services.GetRequiredService<ISandboxRuntime>().InspectAsync(sandboxId));
    }

    [Fact]
    public async Task ErrorsAreDataAndTenantsAreIsolated()
    {
        var version = await VersionAsync(_mine, _myWorkspace, new Dictionary<string, string> { ["package.json"] = "{}" });
        var theirVersion = await VersionAsync(_theirs, _theirWorkspace, new Dictionary<string, string> { ["package.json"] = "{}" });

        await AssertErrorAsync(await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { }), HttpStatusCode.BadRequest, "invalid_request");
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = "appver_nope" }), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = theirVersion }), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await SendAsync(HttpMethod.Get, "/api/apps/preview/appprv_nope", _mine), HttpStatusCode.NotFound, "not_found");
        using (var anonymous = await _client.GetAsync("/api/apps/preview/appprv_nope"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var created = await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await AssertErrorAsync(await SendAsync(HttpMethod.Get, $"/api/apps/preview/{id}", _theirs), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, $"/api/apps/preview/{id}/keepalive", _theirs), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _theirs), HttpStatusCode.NotFound, "not_found");

        var (readOnly, _) = await KeyAsync("reader", [Scopes.AppRead, Scopes.PreviewRead], _myWorkspace);
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, "/api/app-preview-sessions", readOnly, new { appVersionId = version }), HttpStatusCode.Forbidden, "forbidden");
        await AssertErrorAsync(await SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", readOnly), HttpStatusCode.Forbidden, "forbidden");
        using (var readable = await SendAsync(HttpMethod.Get, $"/api/apps/preview/{id}", readOnly))
        {
            Assert.Equal(HttpStatusCode.OK, readable.StatusCode);
        }

        var (creator, _) = await KeyAsync("creator", [Scopes.PreviewCreate], _myWorkspace);
        await AssertErrorAsync(await SendAsync(HttpMethod.Get, $"/api/apps/preview/{id}", creator), HttpStatusCode.Forbidden, "forbidden");
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, $"/api/apps/preview/{id}/keepalive", creator), HttpStatusCode.Forbidden, "forbidden");
        using var stop = await SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
    }

    [Fact]
    public async Task GraphQLStartsReadsKeepsAliveAndStops()
    {
        var version = await VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"scripts":{"dev":"node server.js"}}""",
            ["server.js"] = Server,
            ["message.txt"] = "gql",
        });
        var started = await GraphQLAsync(_mine, "mutation($v: ID!) { startAppPreviewSession(appVersionId: $v) { id status versionId } }", new { v = version });
        var id = started.GetProperty("data").GetProperty("startAppPreviewSession").GetProperty("id").GetString()!;
        await WaitForStatusAsync(id, "ready");
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
        using var response = await SendAsync(HttpMethod.Post, "/graphql", secret, new { query, variables });
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

    private async Task<JsonElement> GetAsync(string id)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/apps/preview/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> WaitForStatusAsync(string id, string status)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var session = await GetAsync(id);
            var current = session.GetProperty("status").GetString();
            if (current == status)
            {
                return session;
            }

            Assert.True(current is not ("failed" or "stopped"), $"session ended as {current}: {session}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"still {current}: {session}");
            await Task.Delay(50);
        }
    }

    private async Task<string> VersionAsync(string secret, string workspaceId, IReadOnlyDictionary<string, string> files)
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/apps", secret, new { workspaceId, name = "Preview " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var version = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("defaultVersionId").GetString()!;
        foreach (var (path, content) in files)
        {
            using var file = await SendAsync(HttpMethod.Post, $"/api/app-versions/{version}/files", secret, new { path, content });
            Assert.True(file.IsSuccessStatusCode, $"{path}: {file.StatusCode}");
        }

        return version;
    }

    private async Task<(string Secret, string WorkspaceId)> KeyAsync(string slug, string[] scopes, string? workspaceId = null)
    {
        await using var db = AppRows.NewDb(database.ConnectionString);
        string orgId;
        string userId;
        if (workspaceId is null)
        {
            var (org, user, workspaces) = await AppRows.TenancyAsync(database.ConnectionString, $"{slug}-{Guid.NewGuid():N}"[..20], 1);
            orgId = org.Id;
            userId = user.Id;
            workspaceId = workspaces[0].Id;
            db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = orgId, UserId = userId, Role = OrganizationRoles.Member, CreatedAt = DateTimeOffset.UtcNow });
            db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaceId, UserId = userId, Role = WorkspaceRoles.Editor, CreatedAt = DateTimeOffset.UtcNow });
        }
        else
        {
            // Another key of the owner of that workspace.
            var member = db.WorkspaceMembers.First(m => m.WorkspaceId == workspaceId);
            userId = member.UserId;
            orgId = db.Workspaces.First(w => w.Id == workspaceId).OrganizationId;
        }

        var secret = ApiKeySecrets.NewSecret();
        db.ApiKeys.Add(new ApiKey
        {
            Id = PrefixedId.New(PrefixedId.ApiKey),
            UserId = userId,
            OrganizationId = orgId,
            Name = slug,
            Prefix = ApiKeySecrets.VisiblePrefix(secret),
            KeyHash = ApiKeySecrets.Hash(secret),
            Scopes = scopes,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return (secret, workspaceId);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string secret, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await _client.SendAsync(request);
    }
}
