using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Sandboxes;
using CrowNest.Sandboxes;
using CrowNest.Server.Tests.Apps;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>REST /v1 projects, sandboxes and commands over the real pipeline, PostgreSQL and the bubblewrap runtime.</summary>
public sealed class SandboxesApiTests(ClassDatabase database) : SandboxApiTestBase(database, "sbxapi"), IClassFixture<ClassDatabase>
{
    [Fact]
    public async Task ProjectsCreateGetAndList()
    {
        using var created = await Client.SendAsync(HttpMethod.Post, "/v1/projects", Mine, new { name = "Site" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var project = (await created.JsonAsync()).GetProperty("project");
        Assert.Equal(["id", "workspaceId", "name", "createdAt", "updatedAt"], project.EnumerateObject().Select(p => p.Name));
        var id = project.GetProperty("id").GetString()!;
        Assert.True(PrefixedId.IsValid(id, PrefixedId.Project));

        using var second = await Client.SendAsync(HttpMethod.Post, "/v1/projects", Mine, new { name = "Other" });
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var secondId = (await second.JsonAsync()).GetProperty("project").GetProperty("id").GetString();

        using var one = await Client.SendAsync(HttpMethod.Get, "/v1/projects/" + id, Mine);
        Assert.Equal(project.ToString(), (await one.JsonAsync()).GetProperty("project").ToString());

        using var page1 = await Client.SendAsync(HttpMethod.Get, "/v1/projects?limit=1", Mine);
        var body1 = await page1.JsonAsync();
        Assert.True(body1.GetProperty("hasMore").GetBoolean());
        Assert.Equal(secondId, Assert.Single(body1.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
        using var page2 = await Client.SendAsync(HttpMethod.Get, "/v1/projects?limit=1&cursor=" + secondId, Mine);
        var body2 = await page2.JsonAsync();
        Assert.Equal(id, body2.GetProperty("data")[0].GetProperty("id").GetString());

        await (await Client.SendAsync(HttpMethod.Get, "/v1/projects/" + id, Theirs)).AssertErrorAsync(404, "not_found");
        using var theirList = await Client.SendAsync(HttpMethod.Get, "/v1/projects", Theirs);
        Assert.DoesNotContain(id, (await theirList.JsonAsync()).GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        await (await Client.SendAsync(HttpMethod.Post, "/v1/projects", Mine, new { name = "" })).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Post, "/v1/projects", Mine, "{\"name\":")).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Get, "/v1/projects?limit=0", Mine)).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Get, "/v1/projects?cursor=garbage", Mine)).AssertErrorAsync(400, "invalid_request");

        var readOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.SandboxRead]);
        await (await Client.SendAsync(HttpMethod.Post, "/v1/projects", readOnly, new { name = "x" })).AssertErrorAsync(403, "forbidden");
        var noScopes = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.AppRead]);
        await (await Client.SendAsync(HttpMethod.Get, "/v1/projects/" + id, noScopes)).AssertErrorAsync(403, "forbidden");
        await (await Client.SendAsync(HttpMethod.Get, "/v1/projects", noScopes)).AssertErrorAsync(403, "forbidden");
        using var anonymous = await Client.GetAsync("/v1/projects");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task CommandOutputIsPagedAndStreamedWithTheExitCode()
    {
        var sandbox = await NewSandboxAsync(Mine);
        Assert.Equal(["id", "orgId", "projectId", "status", "runtime", "createdAt", "expiresAt", "destroyedAt"], sandbox.EnumerateObject().Select(p => p.Name));
        Assert.Equal("running", sandbox.GetProperty("status").GetString());
        Assert.Equal("process", sandbox.GetProperty("runtime").GetString());
        Assert.Equal(MyOrg, sandbox.GetProperty("orgId").GetString());
        var sandboxId = sandbox.GetProperty("id").GetString()!;
        Assert.True(PrefixedId.IsValid(sandboxId, PrefixedId.Sandbox));

        using var run = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "echo hi; echo err >&2; echo $GREETING; exit 3", env = new Dictionary<string, string> { ["GREETING"] = "hello" } });
        Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        var command = (await run.JsonAsync()).GetProperty("command");
        Assert.Equal(["id", "sandboxId", "command", "cwd", "status", "exitCode", "startedAt", "exitedAt"], command.EnumerateObject().Select(p => p.Name));
        var commandId = command.GetProperty("id").GetString()!;
        Assert.True(PrefixedId.IsValid(commandId, PrefixedId.Command));

        // SSE: replays and follows until the exit, then an exit event.
        var events = await ReadEventsAsync($"/v1/commands/{commandId}/output", Mine, null);
        Assert.Contains("event: stdout", events, StringComparison.Ordinal);
        Assert.Contains("event: stderr", events, StringComparison.Ordinal);
        Assert.Contains("\"data\":\"err\\n\"", events, StringComparison.Ordinal);
        Assert.Contains("event: exit", events, StringComparison.Ordinal);
        Assert.Contains("\"exitCode\":3", events, StringComparison.Ordinal);

        var done = await CommandAsync(commandId);
        Assert.Equal("exited", done.GetProperty("status").GetString());
        Assert.Equal(3, done.GetProperty("exitCode").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("exitedAt").ValueKind);

        // Paging one chunk at a time reproduces the output in order.
        var chunks = new List<JsonElement>();
        string? cursor = null;
        for (var guard = 0; guard < 20; guard++)
        {
            using var page = await Client.SendAsync(HttpMethod.Get, $"/v1/commands/{commandId}/output?limit=1" + (cursor is null ? "" : "&cursor=" + cursor), Mine);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var body = await page.JsonAsync();
            chunks.AddRange(body.GetProperty("data").EnumerateArray());
            if (!body.GetProperty("hasMore").GetBoolean())
            {
                break;
            }

            cursor = body.GetProperty("nextCursor").GetString();
        }

        Assert.Equal("hi\nhello\n", string.Concat(chunks.Where(c => c.GetProperty("stream").GetString() == "stdout").Select(c => c.GetProperty("data").GetString())));
        Assert.Equal("err\n", string.Concat(chunks.Where(c => c.GetProperty("stream").GetString() == "stderr").Select(c => c.GetProperty("data").GetString())));
        Assert.Equal(chunks.Select(c => c.GetProperty("seq").GetInt64()).Order(), chunks.Select(c => c.GetProperty("seq").GetInt64()));

        // Resume after the first event.
        var resumed = await ReadEventsAsync($"/v1/commands/{commandId}/output", Mine, chunks[0].GetProperty("seq").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain($"id: {chunks[0].GetProperty("seq").GetInt64()}\n", resumed, StringComparison.Ordinal);
        Assert.Contains("event: exit", resumed, StringComparison.Ordinal);

        using var list = await Client.SendAsync(HttpMethod.Get, $"/v1/sandboxes/{sandboxId}/commands", Mine);
        Assert.Equal(commandId, Assert.Single((await list.JsonAsync()).GetProperty("data").EnumerateArray()).GetProperty("id").GetString());

        // Live: output written after the stream opened arrives before the exit.
        using var live = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "echo first; sleep 1; echo second" });
        var liveId = (await live.JsonAsync()).GetProperty("command").GetProperty("id").GetString()!;
        var liveEvents = await ReadEventsAsync($"/v1/commands/{liveId}/output", Mine, null);
        Assert.True(liveEvents.IndexOf("second", StringComparison.Ordinal) > liveEvents.IndexOf("first", StringComparison.Ordinal));
        Assert.Contains("\"exitCode\":0", liveEvents, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KillStopsALongCommand()
    {
        var sandboxId = (await NewSandboxAsync(Mine)).GetProperty("id").GetString()!;
        using var run = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "sleep 100" });
        var commandId = (await run.JsonAsync()).GetProperty("command").GetProperty("id").GetString()!;
        Assert.Equal("running", (await CommandAsync(commandId)).GetProperty("status").GetString());

        var readOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.SandboxRead]);
        await (await Client.SendAsync(HttpMethod.Post, $"/v1/commands/{commandId}/kill", readOnly)).AssertErrorAsync(403, "forbidden");
        await (await Client.SendAsync(HttpMethod.Post, $"/v1/commands/{commandId}/kill", Theirs)).AssertErrorAsync(404, "not_found");

        var started = DateTime.UtcNow;
        using var kill = await Client.SendAsync(HttpMethod.Post, $"/v1/commands/{commandId}/kill", Mine);
        Assert.Equal(HttpStatusCode.OK, kill.StatusCode);
        var killed = (await kill.JsonAsync()).GetProperty("command");
        Assert.Equal("killed", killed.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, killed.GetProperty("exitedAt").ValueKind);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));

        // Killing again returns the finished command.
        using var again = await Client.SendAsync(HttpMethod.Post, $"/v1/commands/{commandId}/kill", Mine);
        Assert.Equal("killed", (await again.JsonAsync()).GetProperty("command").GetProperty("status").GetString());
    }

    [Fact]
    public async Task DestroyIsIdempotentRemovesTheRuntimeSandboxAndRevokesPreviews()
    {
        var sandboxId = (await NewSandboxAsync(Mine)).GetProperty("id").GetString()!;
        using var preview = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port = 3000 });
        var previewId = (await preview.JsonAsync()).GetProperty("preview").GetProperty("id").GetString()!;
        using var sleeper = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "sleep 100" });
        var commandId = (await sleeper.JsonAsync()).GetProperty("command").GetProperty("id").GetString()!;
        var runtimeId = SandboxService.RuntimeIdOf(sandboxId);
        Assert.True(Directory.Exists(Path.Combine(Root, runtimeId)));

        await (await Client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, Theirs)).AssertErrorAsync(404, "not_found");
        var readOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.SandboxRead]);
        await (await Client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, readOnly)).AssertErrorAsync(403, "forbidden");

        using var destroyed = await Client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, Mine);
        Assert.Equal(HttpStatusCode.OK, destroyed.StatusCode);
        var first = (await destroyed.JsonAsync()).GetProperty("sandbox");
        Assert.Equal("destroyed", first.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, first.GetProperty("destroyedAt").ValueKind);
        Assert.False(Directory.Exists(Path.Combine(Root, runtimeId)));

        using var again = await Client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, Mine);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.ToString(), (await again.JsonAsync()).GetProperty("sandbox").ToString());

        using var revoked = await Client.SendAsync(HttpMethod.Get, "/v1/previews/" + previewId, Mine);
        Assert.NotEqual(JsonValueKind.Null, (await revoked.JsonAsync()).GetProperty("preview").GetProperty("revokedAt").ValueKind);
        Assert.Equal("killed", (await CommandAsync(commandId)).GetProperty("status").GetString());
        await (await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "true" })).AssertErrorAsync(409, "sandbox_destroyed");
        await (await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port = 3001 })).AssertErrorAsync(409, "sandbox_destroyed");
    }

    [Fact]
    public async Task ExpiredSandboxesAreDestroyedByTheReaper()
    {
        var sandboxId = (await NewSandboxAsync(Mine, timeoutSeconds: 1)).GetProperty("id").GetString()!;
        await SandboxTestSupport.EventuallyAsync(async () =>
        {
            using var get = await Client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + sandboxId, Mine);
            return (await get.JsonAsync()).GetProperty("sandbox").GetProperty("status").GetString() == "destroyed";
        }, "the reaper destroys the expired sandbox");
        Assert.False(Directory.Exists(Path.Combine(Root, SandboxService.RuntimeIdOf(sandboxId))));
    }

    [Fact]
    public async Task SandboxAndCommandErrors()
    {
        var projectId = await NewProjectAsync(Mine);
        var theirProject = await NewProjectAsync(Theirs);
        await (await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", Mine, new { })).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", Mine, "not json")).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", Mine, new { projectId, timeoutSeconds = 0 })).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", Mine, new { projectId = theirProject })).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", Mine, new { projectId = "prj_nope" })).AssertErrorAsync(404, "not_found");
        var readOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.SandboxRead]);
        await (await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", readOnly, new { projectId })).AssertErrorAsync(403, "forbidden");

        var sandboxId = (await NewSandboxAsync(Mine, projectId)).GetProperty("id").GetString()!;
        var noScopes = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.PreviewRead]);
        await (await Client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + sandboxId, noScopes)).AssertErrorAsync(403, "forbidden");
        await (await Client.SendAsync(HttpMethod.Get, "/v1/sandboxes", noScopes)).AssertErrorAsync(403, "forbidden");
        await (await Client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + sandboxId, Theirs)).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Get, "/v1/sandboxes/sbx_123", Mine)).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Get, "/v1/sandboxes?limit=101", Mine)).AssertErrorAsync(400, "invalid_request");
        using var theirList = await Client.SendAsync(HttpMethod.Get, "/v1/sandboxes?projectId=" + projectId, Theirs);
        Assert.Empty((await theirList.JsonAsync()).GetProperty("data").EnumerateArray());
        using var myList = await Client.SendAsync(HttpMethod.Get, "/v1/sandboxes?projectId=" + projectId, Mine);
        Assert.Equal(sandboxId, Assert.Single((await myList.JsonAsync()).GetProperty("data").EnumerateArray()).GetProperty("id").GetString());

        await (await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { })).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "true", env = new Dictionary<string, string> { ["A=B"] = "x" } })).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Theirs, new { command = "true" })).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", readOnly, new { command = "true" })).AssertErrorAsync(403, "forbidden");
        using var run = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "true" });
        var commandId = (await run.JsonAsync()).GetProperty("command").GetProperty("id").GetString()!;
        await (await Client.SendAsync(HttpMethod.Get, "/v1/commands/" + commandId, Theirs)).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Get, $"/v1/commands/{commandId}/output", Theirs)).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Get, $"/v1/sandboxes/{sandboxId}/commands", Theirs)).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Get, "/v1/commands/" + commandId, noScopes)).AssertErrorAsync(403, "forbidden");
        await (await Client.SendAsync(HttpMethod.Get, $"/v1/commands/{commandId}/output?cursor=x", Mine)).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Get, "/v1/commands/cmd_unknown", Mine)).AssertErrorAsync(404, "not_found");
    }

    [Fact]
    public async Task RestartReconciliationMarksLostSandboxesAndDestroysOrphans()
    {
        var lostId = (await NewSandboxAsync(Mine)).GetProperty("id").GetString()!;
        var keptId = (await NewSandboxAsync(Mine)).GetProperty("id").GetString()!;
        using (var preview = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{lostId}/previews", Mine, new { port = 4000 }))
        {
            Assert.Equal(HttpStatusCode.Created, preview.StatusCode);
        }

        // Commands recorded as running whose processes do not exist (as after a crash).
        await using (var db = AppRows.NewDb(ConnectionString))
        {
            foreach (var sandbox in new[] { lostId, keptId })
            {
                db.Set<SandboxCommand>().Add(new SandboxCommand { Id = PrefixedId.New(PrefixedId.Command), SandboxId = sandbox, RuntimeCommandId = "cmd-gone", Command = "sleep 100", Status = CommandStatuses.Running, StartedAt = DateTimeOffset.UtcNow });
            }

            await db.SaveChangesAsync();
        }

        var runtime = Factory.Services.GetRequiredService<ISandboxRuntime>();
        await runtime.DestroyAsync(SandboxService.RuntimeIdOf(lostId));
        var orphan = await runtime.CreateAsync(new SandboxSpec { Id = "sbx-orphan" + Guid.NewGuid().ToString("N")[..8] });

        // A second server instance on the same database and sandbox root reconciles at startup.
        await using (var restarted = new CrowNestFactory(ConnectionString, SandboxTestSupport.Settings(Root)))
        {
            using var client = restarted.CreateClient();
            using var lost = await client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + lostId, Mine);
            var lostSandbox = (await lost.JsonAsync()).GetProperty("sandbox");
            Assert.Equal("stopped", lostSandbox.GetProperty("status").GetString());
            // destroyedAt: "when it was destroyed, stopped or lost" (the moment the restart found it gone).
            Assert.NotEqual(JsonValueKind.Null, lostSandbox.GetProperty("destroyedAt").ValueKind);
            using var kept = await client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + keptId, Mine);
            Assert.Equal("running", (await kept.JsonAsync()).GetProperty("sandbox").GetProperty("status").GetString());
            Assert.Null(await runtime.InspectAsync(orphan.Id));
            Assert.NotNull(await runtime.InspectAsync(SandboxService.RuntimeIdOf(keptId)));
        }

        await using var check = AppRows.NewDb(ConnectionString);
        Assert.All(await check.Set<SandboxCommand>().Where(c => c.RuntimeCommandId == "cmd-gone").ToListAsync(), c => Assert.Equal(CommandStatuses.Failed, c.Status));
        Assert.All(await check.Set<CrowNest.Platform.Previews.Preview>().Where(p => p.SandboxId == lostId).ToListAsync(), p => Assert.NotNull(p.RevokedAt));
    }

    private async Task<string> NewProjectAsync(string secret)
    {
        using var created = await Client.SendAsync(HttpMethod.Post, "/v1/projects", secret, new { name = "p" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.JsonAsync()).GetProperty("project").GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> NewSandboxAsync(string secret, string? projectId = null, int? timeoutSeconds = null)
    {
        projectId ??= await NewProjectAsync(secret);
        using var created = await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", secret, new { projectId, timeoutSeconds });
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("sandbox").Clone();
    }

    private async Task<JsonElement> CommandAsync(string id)
    {
        using var response = await Client.SendAsync(HttpMethod.Get, "/v1/commands/" + id, Mine);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("command");
    }

    private async Task<string> ReadEventsAsync(string path, string secret, string? lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync(cts.Token);
    }
}
