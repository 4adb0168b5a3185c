using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrowNest.Platform.Data;
using CrowNest.Platform.Sandboxes;
using CrowNest.Sandboxes;
using CrowNest.Server.Tests.Apps;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>
/// The /v1 API, the preview edge and app preview sessions with <c>Sandboxes:Runtime=docker</c>: real dockerd, real
/// containers of the offline-built sandbox image, real PostgreSQL. Skipped (with the reason) only without dockerd.
/// </summary>
public sealed class DockerSandboxesApiTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    /// <summary>Listens on every interface: a published port reaches the container's address, not its loopback.</summary>
    private const string HttpServer = "node -e \"require('http').createServer((q, s) => s.end('hello from ' + require('os').hostname())).listen(8000, () => console.log('listening'))\"";

    private readonly List<string> _created = [];
    private CrowNestFactory _factory = null!;
    private HttpClient _client = null!;
    private string _mine = "";
    private string _myWorkspace = "";

    public async ValueTask InitializeAsync()
    {
        await DockerSupport.SkipIfUnavailableAsync();
        _factory = new CrowNestFactory(database.ConnectionString, DockerSupport.Settings());
        _client = _factory.CreateClient(new() { AllowAutoRedirect = false });
        (_mine, _, _, _myWorkspace) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "docker");
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is null)
        {
            return;
        }

        // Only this class's containers: dockerd is shared with other test classes and assemblies.
        var runtime = _factory.Services.GetRequiredService<ISandboxRuntime>();
        foreach (var id in _created)
        {
            await runtime.DestroyAsync(id);
        }

        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task CommandsOutputPreviewThroughTheEdgeLimitsAndDestroy()
    {
        var sandbox = await NewSandboxAsync();
        Assert.Equal("docker", sandbox.GetProperty("runtime").GetString());
        Assert.Equal("running", sandbox.GetProperty("status").GetString());
        var sandboxId = sandbox.GetProperty("id").GetString()!;
        var runtimeId = SandboxService.RuntimeIdOf(sandboxId);
        var container = Assert.Single(await DockerSupport.ContainersAsync(runtimeId));

        // Limits of the configuration are the container's; ports are published on 127.0.0.1 only.
        Assert.Equal($"{192L * 1024 * 1024} 64 true", await DockerSupport.DockerAsync("inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.State.Running}}", container));
        Assert.StartsWith("127.0.0.1:", await DockerSupport.DockerAsync("port", container, "8000/tcp"), StringComparison.Ordinal);

        // A finished command: paged output and the SSE stream, with the exit code.
        using (var run = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", _mine, new { command = "echo hi; echo err >&2; echo $GREETING; id -u; exit 3", env = new Dictionary<string, string> { ["GREETING"] = "hello" } }))
        {
            Assert.Equal(HttpStatusCode.Created, run.StatusCode);
            var commandId = (await run.JsonAsync()).GetProperty("command").GetProperty("id").GetString()!;
            var events = await ReadEventsAsync($"/v1/commands/{commandId}/output");
            Assert.Contains("event: stderr", events, StringComparison.Ordinal);
            Assert.Contains("\"exitCode\":3", events, StringComparison.Ordinal);

            await SandboxTestSupport.EventuallyAsync(async () => (await CommandAsync(commandId)).GetProperty("status").GetString() == "exited", "the command's exit is recorded");
            Assert.Equal(3, (await CommandAsync(commandId)).GetProperty("exitCode").GetInt32());
            var stdout = "";
            string? cursor = null;
            for (var guard = 0; guard < 20; guard++)
            {
                using var page = await _client.SendAsync(HttpMethod.Get, $"/v1/commands/{commandId}/output?limit=1" + (cursor is null ? "" : "&cursor=" + cursor), _mine);
                var body = await page.JsonAsync();
                stdout += string.Concat(body.GetProperty("data").EnumerateArray().Where(c => c.GetProperty("stream").GetString() == "stdout").Select(c => c.GetProperty("data").GetString()));
                if (!body.GetProperty("hasMore").GetBoolean())
                {
                    break;
                }

                cursor = body.GetProperty("nextCursor").GetString();
            }

            Assert.Equal("hi\nhello\n1000\n", stdout);
        }

        // A server in the container, reached through a preview on the edge (→ the container's published port).
        using var server = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", _mine, new { command = HttpServer });
        Assert.Equal(HttpStatusCode.Created, server.StatusCode);
        var serverId = (await server.JsonAsync()).GetProperty("command").GetProperty("id").GetString()!;
        using var preview = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 8000, sourceCommandId = serverId });
        Assert.Equal(HttpStatusCode.Created, preview.StatusCode);
        var host = new Uri((await preview.JsonAsync()).GetProperty("preview").GetProperty("url").GetString()!).Host;
        using (var anonymous = await ViaEdgeAsync(host, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var containerHostname = container[..12];
        string? answer = null;
        await SandboxTestSupport.EventuallyAsync(async () =>
        {
            using var response = await ViaEdgeAsync(host, _mine);
            answer = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK;
        }, "the server in the container answers through the edge");
        Assert.Equal("hello from " + containerHostname, answer);

        // Destroy removes the container (and revokes the preview); a second destroy is a no-op.
        using (var destroyed = await _client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, _mine))
        {
            Assert.Equal(HttpStatusCode.OK, destroyed.StatusCode);
            Assert.Equal("destroyed", (await destroyed.JsonAsync()).GetProperty("sandbox").GetProperty("status").GetString());
        }

        Assert.Empty(await DockerSupport.ContainersAsync(runtimeId));
        Assert.Equal("killed", (await CommandAsync(serverId)).GetProperty("status").GetString());
        using (var again = await _client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, _mine))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        await SandboxTestSupport.EventuallyAsync(async () =>
        {
            using var response = await ViaEdgeAsync(host, _mine);
            return response.StatusCode == HttpStatusCode.NotFound;
        }, "the revoked preview is gone from the edge");
    }

    [Fact]
    public async Task AnUnpublishedContainerPortIsNeverAHostPort()
    {
        var sandboxId = (await NewSandboxAsync()).GetProperty("id").GetString()!;

        // A host service on a port the container does not publish must not be reachable through the preview.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var hostPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var preview = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = hostPort });
        Assert.Equal(HttpStatusCode.Created, preview.StatusCode);
        var host = new Uri((await preview.JsonAsync()).GetProperty("preview").GetProperty("url").GetString()!).Host;
        using var response = await ViaEdgeAsync(host, _mine);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.False(listener.Pending(), "the edge connected to the host port");
    }

    [Fact]
    public async Task RestartReconciliationMarksLostContainersAndDestroysOrphans()
    {
        var lostId = (await NewSandboxAsync()).GetProperty("id").GetString()!;
        var keptId = (await NewSandboxAsync()).GetProperty("id").GetString()!;
        using (var preview = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{lostId}/previews", _mine, new { port = 8000 }))
        {
            Assert.Equal(HttpStatusCode.Created, preview.StatusCode);
        }

        // A command recorded as running whose exec does not exist (as after a crash).
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            db.Set<SandboxCommand>().Add(new SandboxCommand { Id = PrefixedId.New(PrefixedId.Command), SandboxId = keptId, RuntimeCommandId = "cmd-gone", Command = "sleep 100", Status = CommandStatuses.Running, StartedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        // The lost container disappears behind the server's back; an orphan appears with no database record.
        await DockerSupport.DockerAsync("rm", "-f", "crownest-" + SandboxService.RuntimeIdOf(lostId));
        var runtime = _factory.Services.GetRequiredService<ISandboxRuntime>();
        var orphan = await runtime.CreateAsync(new SandboxSpec { Id = "sbx-orphan" + Guid.NewGuid().ToString("N")[..8] });
        _created.Add(orphan.Id);
        Assert.Single(await DockerSupport.ContainersAsync(orphan.Id));

        // A second server instance on the same database and dockerd reconciles at startup.
        await using (var restarted = new CrowNestFactory(database.ConnectionString, DockerSupport.Settings()))
        {
            using var client = restarted.CreateClient();
            using var lost = await client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + lostId, _mine);
            Assert.Equal("stopped", (await lost.JsonAsync()).GetProperty("sandbox").GetProperty("status").GetString());
            using var kept = await client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + keptId, _mine);
            Assert.Equal("running", (await kept.JsonAsync()).GetProperty("sandbox").GetProperty("status").GetString());
            Assert.Empty(await DockerSupport.ContainersAsync(orphan.Id));
            Assert.Single(await DockerSupport.ContainersAsync(SandboxService.RuntimeIdOf(keptId)));
        }

        await using var check = AppRows.NewDb(database.ConnectionString);
        Assert.Equal(CommandStatuses.Failed, (await check.Set<SandboxCommand>().SingleAsync(c => c.SandboxId == keptId && c.RuntimeCommandId == "cmd-gone")).Status);
        Assert.All(await check.Set<CrowNest.Platform.Previews.Preview>().Where(p => p.SandboxId == lostId).ToListAsync(), p => Assert.NotNull(p.RevokedAt));
    }

    [Fact]
    public async Task ZeroDependencyAppPreviewSessionIsReadyInAContainerAndFollowsEdits()
    {
        using var app = await _client.SendAsync(HttpMethod.Post, "/api/apps", _mine, new { workspaceId = _myWorkspace, name = "Docker app" });
        Assert.Equal(HttpStatusCode.Created, app.StatusCode);
        var version = (await app.JsonAsync()).GetProperty("defaultVersionId").GetString()!;
        var files = new Dictionary<string, string>
        {
            ["package.json"] = """{"name":"zero","private":true,"scripts":{"dev":"node server.js"}}""",
            ["server.js"] = """
                const fs = require('fs');
                const i = process.argv.indexOf('--port');
                require('http').createServer((req, res) => {
                  let body = 'missing';
                  try { body = fs.readFileSync('message.txt', 'utf8'); } catch {}
                  res.end(body);
                }).listen(Number(i >= 0 ? process.argv[i + 1] : process.env.PORT));
                """,
            ["message.txt"] = "hello v1",
        };
        foreach (var (path, content) in files)
        {
            using var file = await _client.SendAsync(HttpMethod.Post, $"/api/app-versions/{version}/files", _mine, new { path, content });
            Assert.True(file.IsSuccessStatusCode, $"{path}: {file.StatusCode}");
        }

        using var created = await _client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", _mine, new { appVersionId = version });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("id").GetString()!;
        var ready = await WaitForReadyAsync(id);
        var metadata = ready.GetProperty("metadata");
        Assert.Equal("docker", metadata.GetProperty("runtime").GetString());
        var sandboxId = metadata.GetProperty("sandboxId").GetString()!;
        var runtimeId = sandboxId.StartsWith("sbx_", StringComparison.Ordinal) ? SandboxService.RuntimeIdOf(sandboxId) : sandboxId;
        _created.Add(runtimeId);
        var container = Assert.Single(await DockerSupport.ContainersAsync(runtimeId));

        // The dev server answers on the container port's published 127.0.0.1 port, and live edits reach it.
        var published = await DockerSupport.DockerAsync("port", container, "3000/tcp");
        using var direct = new HttpClient { BaseAddress = new Uri("http://" + published.Split('\n')[0]) };
        Assert.Equal("hello v1", await direct.GetStringAsync("/"));
        using (var patched = await _client.SendAsync(HttpMethod.Patch, $"/api/app-versions/{version}/files", _mine, new { path = "message.txt", content = "hello v2" }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        await SandboxTestSupport.EventuallyAsync(async () => await direct.GetStringAsync("/") == "hello v2", "the edit reaches the container");

        using var stopped = await _client.SendAsync(HttpMethod.Delete, $"/api/apps/preview/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        await SandboxTestSupport.EventuallyAsync(async () => (await DockerSupport.DockerAsync("ps", "-aq", "--filter", "id=" + container)).Length == 0, "stopping the session removes its container");
    }

    private async Task<JsonElement> WaitForReadyAsync(string id)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            using var response = await _client.SendAsync(HttpMethod.Get, $"/api/apps/preview/{id}", _mine);
            var session = await response.Content.ReadFromJsonAsync<JsonElement>();
            var status = session.GetProperty("status").GetString();
            if (status == "ready")
            {
                return session;
            }

            Assert.True(status is not ("failed" or "stopped"), $"session ended as {status}: {session}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"still {status}: {session}");
            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> NewSandboxAsync()
    {
        using var project = await _client.SendAsync(HttpMethod.Post, "/v1/projects", _mine, new { name = "docker" });
        var projectId = (await project.JsonAsync()).GetProperty("project").GetProperty("id").GetString()!;
        using var created = await _client.SendAsync(HttpMethod.Post, "/v1/sandboxes", _mine, new { projectId });
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        _created.Add(SandboxService.RuntimeIdOf(JsonDocument.Parse(text).RootElement.GetProperty("sandbox").GetProperty("id").GetString()!));
        return JsonDocument.Parse(text).RootElement.GetProperty("sandbox").Clone();
    }

    private async Task<JsonElement> CommandAsync(string id)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "/v1/commands/" + id, _mine);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("command");
    }

    private async Task<HttpResponseMessage> ViaEdgeAsync(string host, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = host;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await _client.SendAsync(request);
    }

    private async Task<string> ReadEventsAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _mine);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(cts.Token);
    }
}
