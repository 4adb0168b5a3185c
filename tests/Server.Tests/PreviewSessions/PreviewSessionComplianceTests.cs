using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.PreviewSessions;
using CrowNest.Platform.Sandboxes;
using CrowNest.Sandboxes;
using CrowNest.Server.PreviewSessions;
using CrowNest.Server.Tests.Apps;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.Sandboxes;
using CrowNest.Subscriptions.Postgres;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrowNest.Server.Tests.PreviewSessions;

/// <summary>
/// Statement-by-statement checks of issue #5 and app-preview-session.md that the lifecycle tests do not cover:
/// install rules (none / <c>npm install</c> / <c>npm ci</c>), PORT and --port, the configured start command, failures of
/// every step, warm-reuse rules, stop/keepalive on ended sessions, live renames, GraphQL error parity.
/// </summary>
public sealed class PreviewSessionComplianceTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    /// <summary>Serves any file of the app by its URL path (404 when absent), plus PORT and argv at <c>/_env</c>.</summary>
    private const string FileServer = """
        const http = require('http');
        const fs = require('fs');
        const i = process.argv.indexOf('--port');
        const port = Number(i >= 0 ? process.argv[i + 1] : process.env.PORT);
        http.createServer((req, res) => {
          if (req.url === '/_env') { res.end('PORT=' + process.env.PORT + ' argv=' + process.argv.slice(2).join(' ')); return; }
          try { res.end(fs.readFileSync('.' + decodeURIComponent(req.url))); } catch { res.statusCode = 404; res.end('missing'); }
        }).listen(port, '127.0.0.1');
        """;

    /// <summary>Listens on PORT only (ignores its arguments): proves the port arrives in the environment.</summary>
    private const string EnvOnlyServer = """
        require('http').createServer((req, res) => res.end('PORT=' + process.env.PORT + ' argv=' + process.argv.slice(2).join(' ')))
          .listen(Number(process.env.PORT), '127.0.0.1');
        """;

    private const string LocalDepPackage = """{"name":"local-dep","version":"1.0.0","main":"index.js"}""";

    private readonly string _root = TempDirs.Create("crownest-prvspec");
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;
    private string _mine = "";
    private string _theirs = "";
    private string _myWorkspace = "";
    private string _theirWorkspace = "";

    public async ValueTask InitializeAsync()
    {
        SandboxTestSupport.SkipWithoutBubblewrap();
        Start(null);
        (_mine, _myWorkspace) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "spec-mine", [.. Scopes.All]);
        (_theirs, _theirWorkspace) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "spec-theirs", [.. Scopes.All]);
    }

    private void Start(IReadOnlyDictionary<string, string?>? settings, Action<IServiceCollection>? services = null)
    {
        WebApplicationFactory<Program> factory = new CrowNestFactory(database.ConnectionString, PreviewSessionTestSupport.Settings(_root, 324_000, settings));
        if (services is not null)
        {
            factory = factory.WithWebHostBuilder(b => b.ConfigureTestServices(services));
        }

        _factory = factory;
        _client = _factory.CreateClient();
    }

    private async Task RestartAsync(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        Start(settings, services);
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            _client.Dispose();
            await _factory.DisposeAsync();
        }

        TempDirs.Delete(_root);
    }

    [Fact]
    public void TheIdleTimeoutDefaultsToTwoMinutes()
    {
        var options = _factory.Services.GetRequiredService<IOptions<PreviewSessionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(2), options.IdleTimeout);
        Assert.Null(options.StartCommand);
    }

    [Fact]
    public async Task TheDevScriptGetsThePortInPortAndAsPortArgumentAndTheEntityIsComplete()
    {
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"name":"envonly","private":true,"scripts":{"dev":"node env.js"}}""",
            ["env.js"] = EnvOnlyServer,
        });
        using var created = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("id").GetString()!;
        var ready = await _client.WaitForStatusAsync(_mine, id, "ready");
        var host = new Uri(ready.GetProperty("previewUrl").GetString()!).Host;
        var body = await _client.EdgeTextAsync(host, _mine);
        var port = ready.GetProperty("metadata").GetProperty("listenPort").GetInt32().ToString(CultureInfo.InvariantCulture);
        Assert.Equal($"PORT={port} argv=--port {port}", body);

        // Every field has its documented type; timestamps are UTC ISO-8601 with milliseconds.
        string userId;
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            var prefix = ApiKeySecrets.VisiblePrefix(_mine);
            userId = await db.ApiKeys.Where(k => k.Prefix == prefix).Select(k => k.UserId).SingleAsync();
        }

        Assert.Equal(userId, ready.GetProperty("createdBy").GetString());
        Assert.StartsWith("app_", ready.GetProperty("appId").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, ready.GetProperty("metadata").ValueKind);
        foreach (var field in new[] { "lastHeartbeatAt", "startedAt", "readyAt", "createdAt" })
        {
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", ready.GetProperty(field).GetString());
        }

        await StopAsync(id);
    }

    [Fact]
    public async Task AConfiguredStartCommandRunsInsteadOfTheDevScriptWithThePort()
    {
        await RestartAsync(new Dictionary<string, string?> { ["PreviewSessions:StartCommand"] = "node files.js --port {port}" });
        // No package.json at all: the configured command does not need one.
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string> { ["files.js"] = FileServer });
        var id = await _client.StartSessionAsync(_mine, version);
        var ready = await _client.WaitForStatusAsync(_mine, id, "ready");
        var port = ready.GetProperty("metadata").GetProperty("listenPort").GetInt32().ToString(CultureInfo.InvariantCulture);
        Assert.Equal($"node files.js --port {port}", ready.GetProperty("metadata").GetProperty("startCommand").GetString());
        var host = new Uri(ready.GetProperty("previewUrl").GetString()!).Host;
        using var env = await _client.ViaEdgeAsync(host, "/_env", _mine);
        Assert.Equal($"PORT={port} argv=--port {port}", await env.Content.ReadAsStringAsync());
        await StopAsync(id);
    }

    [Fact]
    public async Task DependenciesAreInstalledWithNpmInstallWithoutALockfile()
    {
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"name":"withdep","private":true,"dependencies":{"local-dep":"file:local-dep"},"scripts":{"dev":"node server.js"}}""",
            ["local-dep/package.json"] = LocalDepPackage,
            ["local-dep/index.js"] = "module.exports = 'from the dependency';",
            ["server.js"] = "require('http').createServer((q, s) => s.end(require('local-dep'))).listen(Number(process.env.PORT), '127.0.0.1');",
        });
        var id = await _client.StartSessionAsync(_mine, version);
        var ready = await _client.WaitForStatusAsync(_mine, id, "ready");
        Assert.Equal("npm install --no-audit --no-fund", ready.GetProperty("metadata").GetProperty("installCommand").GetString());
        var host = new Uri(ready.GetProperty("previewUrl").GetString()!).Host;
        Assert.Equal("from the dependency", await _client.EdgeTextAsync(host, _mine));
        await StopAsync(id);
    }

    [Fact]
    public async Task ALockfileMeansNpmCiAndAFailedInstallFailsTheSessionWithItsOutput()
    {
        // The lockfile is out of sync with package.json: `npm install` would fix it up, `npm ci` refuses.
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"name":"withlock","private":true,"dependencies":{"local-dep":"file:local-dep"},"scripts":{"dev":"node server.js"}}""",
            ["package-lock.json"] = """{"name":"withlock","lockfileVersion":3,"requires":true,"packages":{"":{"name":"withlock"}}}""",
            ["local-dep/package.json"] = LocalDepPackage,
            ["local-dep/index.js"] = "module.exports = 'x';",
            ["server.js"] = EnvOnlyServer,
        });
        var id = await _client.StartSessionAsync(_mine, version);
        var failed = await _client.WaitForStatusAsync(_mine, id, "failed");
        var metadata = failed.GetProperty("metadata");
        Assert.Equal("npm ci --no-audit --no-fund", metadata.GetProperty("installCommand").GetString());
        Assert.StartsWith("'npm ci --no-audit --no-fund' exited with code ", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        var tail = metadata.GetProperty("outputTail").GetString()!;
        Assert.True(tail.Contains("npm ci", StringComparison.Ordinal) || tail.Contains("in sync", StringComparison.Ordinal), tail);
        Assert.False(metadata.TryGetProperty("startCommand", out _), "the dev server must not start after a failed install");
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("previewUrl").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, failed.GetProperty("stoppedAt").ValueKind);
        Assert.Null(await _factory.Services.GetRequiredService<ISandboxRuntime>().InspectAsync(SandboxService.RuntimeIdOf(metadata.GetProperty("sandboxId").GetString()!)));
    }

    [Fact]
    public async Task AnUnexpectedErrorWhileBootingFailsTheSessionInsteadOfLeavingItHydrating()
    {
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string> { ["package.json"] = """{"scripts":{"dev":"node x.js"}}""" });
        await RestartAsync(new Dictionary<string, string?>(), services => services.AddSingleton<IAppVersionFileSource>(new ThrowingFileSource()));
        var id = await _client.StartSessionAsync(_mine, version);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement session;
        while ((session = await _client.GetSessionAsync(_mine, id)).GetProperty("status").GetString() != "failed")
        {
            Assert.True(DateTime.UtcNow < deadline, $"not failed: {session}");
            await Task.Delay(50);
        }

        Assert.Contains("version files unavailable", session.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, session.GetProperty("stoppedAt").ValueKind);
        var sandboxId = session.GetProperty("metadata").GetProperty("sandboxId").GetString()!;
        Assert.Null(await _factory.Services.GetRequiredService<ISandboxRuntime>().InspectAsync(SandboxService.RuntimeIdOf(sandboxId)));
    }

    [Fact]
    public async Task ASessionWithAStaleHeartbeatIsNotReused()
    {
        var version = await _client.MessageVersionAsync(_mine, _myWorkspace, "stale");
        var id = await _client.StartSessionAsync(_mine, version);
        await _client.WaitForStatusAsync(_mine, id, "ready");
        // Older than the idle timeout (the reaper, every 10 s, has not stopped it yet).
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            var stale = DateTimeOffset.UtcNow.AddMinutes(-3);
            await db.Database.ExecuteSqlAsync($"UPDATE app_preview_sessions SET last_heartbeat_at = {stale} WHERE id = {id}");
        }

        using var again = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var other = (await again.JsonAsync()).GetProperty("id").GetString()!;
        Assert.NotEqual(id, other);
        await StopAsync(id);
        await StopAsync(other);
    }

    [Fact]
    public async Task EdgeTrafficNotYetWrittenAsAHeartbeatKeepsTheSessionWarmForReuse()
    {
        // Edge traffic is written every 60 s, the idle timeout is 6 s: only the in-memory activity is fresh.
        await RestartAsync(new Dictionary<string, string?>
        {
            ["PreviewSessions:IdleTimeout"] = "00:00:06",
            ["PreviewSessions:ReaperInterval"] = "00:00:00.200",
            ["PreviewSessions:ActivityDebounce"] = "00:01:00",
        });
        var version = await _client.MessageVersionAsync(_mine, _myWorkspace, "busy");
        var id = await _client.StartSessionAsync(_mine, version);
        var host = new Uri((await _client.WaitForStatusAsync(_mine, id, "ready")).GetProperty("previewUrl").GetString()!).Host;
        using (var keepalive = await _client.SendAsync(HttpMethod.Post, $"/api/apps/preview/{id}/keepalive", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, keepalive.StatusCode);
        }

        var until = DateTime.UtcNow.AddSeconds(7.5);
        while (DateTime.UtcNow < until)
        {
            Assert.Equal("busy", await _client.EdgeTextAsync(host, _mine));
            await Task.Delay(200);
        }

        // The reaper kept it (it reads the unwritten activity); starting the version must reuse it too.
        Assert.Equal("ready", (await _client.GetSessionAsync(_mine, id)).GetProperty("status").GetString());
        using var again = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        var body = await again.JsonAsync();
        Assert.True(again.StatusCode == HttpStatusCode.OK, $"{again.StatusCode}: {body}");
        Assert.Equal(id, body.GetProperty("id").GetString());
        await StopAsync(id);
    }

    [Fact]
    public async Task StoppingWhileHydratingEndsTheBootForGood()
    {
        var version = await _client.MessageVersionAsync(_mine, _myWorkspace, "never served");
        var id = await _client.StartSessionAsync(_mine, version);
        using (var stop = await _client.SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        var stopped = await _client.GetSessionAsync(_mine, id);
        Assert.Equal("stopped", stopped.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, stopped.GetProperty("stoppedAt").ValueKind);
        // The boot it interrupted never brings it back.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var later = await _client.GetSessionAsync(_mine, id);
        Assert.Equal("stopped", later.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, later.GetProperty("readyAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, later.GetProperty("previewUrl").ValueKind);
        Assert.Equal(stopped.GetProperty("stoppedAt").GetString(), later.GetProperty("stoppedAt").GetString());
        await using var db = AppRows.NewDb(database.ConnectionString);
        var projectId = await db.Set<AppPreviewProject>().Where(p => p.WorkspaceId == _myWorkspace).Select(p => p.ProjectId).FirstOrDefaultAsync();
        var live = await db.Sandboxes.Where(s => s.ProjectId == projectId && (s.Status == SandboxStatuses.Starting || s.Status == SandboxStatuses.Running))
            .Select(s => s.Id).ToListAsync();
        var sessionSandbox = later.GetProperty("metadata") is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("sandboxId", out var sbx) ? sbx.GetString() : null;
        Assert.DoesNotContain(sessionSandbox, live);
    }

    [Fact]
    public async Task KeepaliveAndStopOnEndedSessionsChangeNothing()
    {
        var failedVersion = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string> { ["package.json"] = "{}" });
        var failedId = await _client.StartSessionAsync(_mine, failedVersion);
        var failed = await _client.WaitForStatusAsync(_mine, failedId, "failed");
        Assert.Equal("package.json has no \"dev\" script", failed.GetProperty("error").GetString());

        // DELETE of a failed session: 200, it stays failed with its error.
        using (var stop = await _client.SendAsync(HttpMethod.Delete, $"/api/apps/preview/{failedId}", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
            Assert.True((await stop.JsonAsync()).GetProperty("success").GetBoolean());
        }

        var afterStop = await _client.GetSessionAsync(_mine, failedId);
        Assert.Equal("failed", afterStop.GetProperty("status").GetString());
        Assert.Equal(failed.GetProperty("stoppedAt").GetString(), afterStop.GetProperty("stoppedAt").GetString());

        // Keepalive of an ended session: 200 with its status, the heartbeat does not move.
        await Task.Delay(20);
        using (var alive = await _client.SendAsync(HttpMethod.Post, $"/api/apps/preview/{failedId}/keepalive", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            var body = await alive.JsonAsync();
            Assert.Equal(failedId, body.GetProperty("id").GetString());
            Assert.Equal("failed", body.GetProperty("status").GetString());
        }

        Assert.Equal(failed.GetProperty("lastHeartbeatAt").GetString(), (await _client.GetSessionAsync(_mine, failedId)).GetProperty("lastHeartbeatAt").GetString());

        var version = await _client.MessageVersionAsync(_mine, _myWorkspace, "stop me");
        var id = await _client.StartSessionAsync(_mine, version);
        await _client.WaitForStatusAsync(_mine, id, "ready");
        await StopAsync(id);
        var stopped = await _client.GetSessionAsync(_mine, id);
        await Task.Delay(20);
        using (var alive = await _client.SendAsync(HttpMethod.Post, $"/api/apps/preview/{id}/keepalive", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            Assert.Equal("stopped", (await alive.JsonAsync()).GetProperty("status").GetString());
        }

        var after = await _client.GetSessionAsync(_mine, id);
        Assert.Equal(stopped.GetProperty("lastHeartbeatAt").GetString(), after.GetProperty("lastHeartbeatAt").GetString());
        Assert.Equal(stopped.GetProperty("stoppedAt").GetString(), after.GetProperty("stoppedAt").GetString());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task RenamesAndNewDirectoriesReachTheSandbox()
    {
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"scripts":{"dev":"node files.js"}}""",
            ["files.js"] = FileServer,
            ["old.txt"] = "renamed content",
        });
        var id = await _client.StartSessionAsync(_mine, version);
        var host = new Uri((await _client.WaitForStatusAsync(_mine, id, "ready")).GetProperty("previewUrl").GetString()!).Host;
        Assert.Equal("renamed content", await FetchAsync(host, "/old.txt"));

        // A rename through the files API is a create at the new path (in a new directory) and a delete of the old one.
        using (var created = await _client.SendAsync(HttpMethod.Post, $"/api/app-versions/{version}/files", _mine, new { path = "moved/deep/new.txt", content = "renamed content" }))
        {
            Assert.True(created.IsSuccessStatusCode, created.StatusCode.ToString());
        }

        using (var deleted = await _client.SendAsync(HttpMethod.Delete, $"/api/app-versions/{version}/files?path=old.txt", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await FetchAsync(host, "/moved/deep/new.txt") != "renamed content" || await FetchAsync(host, "/old.txt") != "missing")
        {
            Assert.True(DateTime.UtcNow < deadline, "the rename did not reach the sandbox");
            await Task.Delay(20);
        }

        await StopAsync(id);
    }

    [Fact]
    public async Task DeletingOrPurgingTheAppEndsItsSessionsAndTheirSandboxes()
    {
        await RestartAsync(new Dictionary<string, string?> { ["PreviewSessions:ReaperInterval"] = "00:00:01" });
        var runtime = _factory.Services.GetRequiredService<ISandboxRuntime>();

        // Soft delete: the session stops, its sandbox is destroyed, the edge no longer serves the app.
        var id = await _client.StartSessionAsync(_mine, await _client.MessageVersionAsync(_mine, _myWorkspace, "deleted app"));
        var ready = await _client.WaitForStatusAsync(_mine, id, "ready");
        var host = new Uri(ready.GetProperty("previewUrl").GetString()!).Host;
        var sandboxId = ready.GetProperty("metadata").GetProperty("sandboxId").GetString()!;
        using (var deleted = await _client.SendAsync(HttpMethod.Delete, "/api/apps/" + ready.GetProperty("appId").GetString(), _mine))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        JsonElement session;
        while ((session = await _client.GetSessionAsync(_mine, id)).GetProperty("status").GetString() != "stopped")
        {
            Assert.True(DateTime.UtcNow < deadline, $"the deleted app's session is still {session}");
            await Task.Delay(100);
        }

        Assert.Null(await runtime.InspectAsync(SandboxService.RuntimeIdOf(sandboxId)));
        await _client.AssertEdgeStatusAsync(host, _mine, HttpStatusCode.NotFound);
        // A deleted app's versions cannot be previewed.
        using (var restart = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = ready.GetProperty("versionId").GetString() }))
        {
            await restart.AssertErrorAsync(404, "not_found");
        }

        // Purge right after the delete: the session rows go with the app; its sandbox must go too.
        var purgedId = await _client.StartSessionAsync(_mine, await _client.MessageVersionAsync(_mine, _myWorkspace, "purged app"));
        var purgedReady = await _client.WaitForStatusAsync(_mine, purgedId, "ready");
        var purgedHost = new Uri(purgedReady.GetProperty("previewUrl").GetString()!).Host;
        var purgedSandbox = purgedReady.GetProperty("metadata").GetProperty("sandboxId").GetString()!;
        var appId = purgedReady.GetProperty("appId").GetString();
        using (var deleted = await _client.SendAsync(HttpMethod.Delete, "/api/apps/" + appId, _mine))
        using (var purged = await _client.SendAsync(HttpMethod.Delete, $"/api/apps/{appId}/purge", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        }

        deadline = DateTime.UtcNow.AddSeconds(15);
        while (await runtime.InspectAsync(SandboxService.RuntimeIdOf(purgedSandbox)) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the purged app's sandbox is still running");
            await Task.Delay(100);
        }

        await _client.AssertEdgeStatusAsync(purgedHost, _mine, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnEditThatCannotBeAppliedDoesNotStopLaterEdits()
    {
        await RestartAsync(new Dictionary<string, string?>(), services => services.AddSingleton<IAppVersionFileSource>(sp =>
            new PoisonedFileSource(new AppFilesVersionSource(sp.GetRequiredService<IServiceScopeFactory>()))));
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"scripts":{"dev":"node files.js"}}""",
            ["files.js"] = FileServer,
            ["message.txt"] = "before",
        });
        var id = await _client.StartSessionAsync(_mine, version);
        var host = new Uri((await _client.WaitForStatusAsync(_mine, id, "ready")).GetProperty("previewUrl").GetString()!).Host;
        using (var poison = await _client.SendAsync(HttpMethod.Post, $"/api/app-versions/{version}/files", _mine, new { path = PoisonedFileSource.Path, content = "x" }))
        {
            Assert.True(poison.IsSuccessStatusCode, poison.StatusCode.ToString());
        }

        using (var patched = await _client.SendAsync(HttpMethod.Patch, $"/api/app-versions/{version}/files", _mine, new { path = "message.txt", content = "after" }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await FetchAsync(host, "/message.txt") != "after")
        {
            Assert.True(DateTime.UtcNow < deadline, "the edit after a failed one never reached the sandbox");
            await Task.Delay(20);
        }

        await StopAsync(id);
    }

    [Fact]
    public async Task ChangesMissedWhileTheChangeFeedWasDisconnectedAreAppliedOnReconnect()
    {
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"scripts":{"dev":"node files.js"}}""",
            ["files.js"] = FileServer,
            ["message.txt"] = "before",
            ["old.txt"] = "old",
        });
        var id = await _client.StartSessionAsync(_mine, version);
        var host = new Uri((await _client.WaitForStatusAsync(_mine, id, "ready")).GetProperty("previewUrl").GetString()!).Host;
        Assert.Equal("old", await FetchAsync(host, "/old.txt"));

        // Changes nobody announces (as if their notifications were lost), then the feed's connection drops.
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            var content = "after"u8.ToArray();
            var sha = System.Security.Cryptography.SHA256.HashData(content);
            long size = content.Length;
            await db.Database.ExecuteSqlAsync($"UPDATE app_files SET content = {content}, size = {size}, sha256 = {sha} WHERE version_id = {version} AND path = 'message.txt'");
            await db.Database.ExecuteSqlAsync($"INSERT INTO app_files (version_id, path, content, content_type, size, sha256) VALUES ({version}, 'new/added.txt', {content}, 'text/plain', {size}, {sha})");
            await db.Database.ExecuteSqlAsync($"DELETE FROM app_files WHERE version_id = {version} AND path = 'old.txt'");
            var listener = PostgresTopicEventBus.ListenerApplicationName;
            var killed = await db.Database.SqlQuery<long>($"SELECT count(pg_terminate_backend(pid)) AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND application_name = {listener}").SingleAsync();
            Assert.True(killed >= 1, "no listener connection to drop");
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await FetchAsync(host, "/message.txt") != "after" || await FetchAsync(host, "/new/added.txt") != "after" || await FetchAsync(host, "/old.txt") != "missing")
        {
            Assert.True(DateTime.UtcNow < deadline, "the sandbox was not brought up to date after the reconnect");
            await Task.Delay(50);
        }

        await StopAsync(id);
    }

    [Fact]
    public async Task ConcurrentStartsOfOneVersionShareOneSession()
    {
        var version = await _client.MessageVersionAsync(_mine, _myWorkspace, "shared");
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version })));
        var ids = new List<string>();
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, response.StatusCode.ToString());
                ids.Add((await response.JsonAsync()).GetProperty("id").GetString()!);
            }
        }

        Assert.Single(ids.Distinct());
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        await _client.WaitForStatusAsync(_mine, ids[0], "ready");
        await StopAsync(ids[0]);
    }

    [Fact]
    public async Task ADevServerThatNeverAnswersFailsAfterTheReadyTimeout()
    {
        await RestartAsync(new Dictionary<string, string?> { ["PreviewSessions:ReadyTimeout"] = "00:00:02" });
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"scripts":{"dev":"node silent.js"}}""",
            ["silent.js"] = "console.log('never ' + 'listening'); setInterval(() => {}, 1000);",
        });
        var id = await _client.StartSessionAsync(_mine, version);
        var failed = await _client.WaitForStatusAsync(_mine, id, "failed");
        Assert.Equal("the dev server did not answer HTTP on its port within 2 s", failed.GetProperty("error").GetString());
        var metadata = failed.GetProperty("metadata");
        Assert.Contains("never listening", metadata.GetProperty("outputTail").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("readyAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, failed.GetProperty("startedAt").ValueKind);
        Assert.Null(await _factory.Services.GetRequiredService<ISandboxRuntime>().InspectAsync(SandboxService.RuntimeIdOf(metadata.GetProperty("sandboxId").GetString()!)));
    }

    [Fact]
    public async Task GraphQLReturnsTheSameErrorsAsRest()
    {
        var version = await _client.VersionAsync(_mine, _myWorkspace, new Dictionary<string, string> { ["package.json"] = "{}" });
        var theirVersion = await _client.VersionAsync(_theirs, _theirWorkspace, new Dictionary<string, string> { ["package.json"] = "{}" });
        const string start = "mutation($v: ID!) { startAppPreviewSession(appVersionId: $v) { id } }";
        Assert.Equal("INVALID_REQUEST", await GraphQLErrorAsync(_mine, start, new { v = "" }));
        Assert.Equal("NOT_FOUND", await GraphQLErrorAsync(_mine, start, new { v = "appver_nope" }));
        Assert.Equal("NOT_FOUND", await GraphQLErrorAsync(_mine, start, new { v = theirVersion }));
        var (reader, _) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "spec-reader", [Scopes.AppRead, Scopes.PreviewRead], _myWorkspace);
        Assert.Equal("FORBIDDEN", await GraphQLErrorAsync(reader, start, new { v = version }));

        var id = await _client.StartSessionAsync(_mine, version);
        var (creator, _) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "spec-creator", [Scopes.PreviewCreate], _myWorkspace);
        const string read = "query($id: ID!) { appPreviewSession(id: $id) { id } }";
        const string keepalive = "mutation($id: ID!) { keepAppPreviewSessionAlive(id: $id) { id } }";
        const string stop = "mutation($id: ID!) { stopAppPreviewSession(id: $id) { id } }";
        Assert.Equal("FORBIDDEN", await GraphQLErrorAsync(creator, read, new { id }));
        Assert.Equal("FORBIDDEN", await GraphQLErrorAsync(creator, keepalive, new { id }));
        Assert.Equal("FORBIDDEN", await GraphQLErrorAsync(reader, stop, new { id }));
        Assert.Equal("NOT_FOUND", await GraphQLErrorAsync(_theirs, keepalive, new { id }));
        Assert.Equal("NOT_FOUND", await GraphQLErrorAsync(_theirs, stop, new { id }));
        Assert.Equal("NOT_FOUND", await GraphQLErrorAsync(_mine, stop, new { id = "appprv_nope" }));

        // Every entity field resolves with the REST values.
        var gql = await GraphQLAsync(_mine, """
            query($id: ID!) { appPreviewSession(id: $id) { id workspaceId appId versionId status previewUrl error metadata
              lastHeartbeatAt createdBy startedAt readyAt stoppedAt createdAt } }
            """, new { id });
        var session = gql.GetProperty("data").GetProperty("appPreviewSession");
        var rest = await _client.GetSessionAsync(_mine, id);
        foreach (var field in new[] { "id", "workspaceId", "appId", "versionId", "createdBy", "createdAt" })
        {
            Assert.Equal(rest.GetProperty(field).GetString(), session.GetProperty(field).GetString());
        }

        using var stopped = await _client.SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        // Stopping twice through GraphQL is fine too.
        var again = await GraphQLAsync(_mine, "mutation($id: ID!) { stopAppPreviewSession(id: $id) { status } }", new { id });
        Assert.False(again.TryGetProperty("errors", out _), again.ToString());
    }

    private async Task<string> FetchAsync(string host, string path)
    {
        using var response = await _client.ViaEdgeAsync(host, path, _mine);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task StopAsync(string id)
    {
        using var stop = await _client.SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
    }

    private async Task<JsonElement> GraphQLAsync(string secret, string query, object variables)
    {
        using var response = await _client.SendAsync(HttpMethod.Post, "/graphql", secret, new { query, variables });
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<string?> GraphQLErrorAsync(string secret, string query, object variables)
    {
        var result = await GraphQLAsync(secret, query, variables);
        Assert.True(result.TryGetProperty("errors", out var errors), result.ToString());
        return errors[0].GetProperty("extensions").GetProperty("code").GetString();
    }

    /// <summary>The real file source, except that reading <see cref="Path"/> fails with an unexpected error.</summary>
    private sealed class PoisonedFileSource(IAppVersionFileSource inner) : IAppVersionFileSource
    {
        public const string Path = "poison.txt";

        public Task<IReadOnlyList<AppVersionFile>> ListAsync(string versionId, CancellationToken cancellationToken) =>
            inner.ListAsync(versionId, cancellationToken);

        public Task<AppVersionFile?> ReadAsync(string versionId, string path, CancellationToken cancellationToken) =>
            path == Path ? throw new InvalidOperationException("poisoned") : inner.ReadAsync(versionId, path, cancellationToken);
    }

    /// <summary>A file source whose database read fails with an error the boot does not expect.</summary>
    private sealed class ThrowingFileSource : IAppVersionFileSource
    {
        public Task<IReadOnlyList<AppVersionFile>> ListAsync(string versionId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("version files unavailable");

        public Task<AppVersionFile?> ReadAsync(string versionId, string path, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("version files unavailable");
    }
}
