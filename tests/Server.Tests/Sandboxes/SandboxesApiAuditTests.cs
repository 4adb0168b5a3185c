using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static CrowNest.Server.Tests.Sandboxes.GraphQLAssert;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>
/// The spec-compliance audit of REST /v1 projects, sandboxes and commands (issue #5) and its GraphQL parity: paging
/// edge cases, bodies, bounds, cwd confinement, kill/destroy semantics and the live output stream. Real server,
/// PostgreSQL and bubblewrap runtime.
/// </summary>
public sealed class SandboxesApiAuditTests(ClassDatabase database) : SandboxApiTestBase(database, "sbxaudit"), IClassFixture<ClassDatabase>
{
    [Fact]
    public async Task ListsRejectBadLimitsAndCursorsAndAcceptTheBounds()
    {
        var projectId = await NewProjectIdAsync(Mine);
        var sandboxId = await NewSandboxIdAsync(Mine, projectId);
        var commandId = await RunCommandAsync(sandboxId, "echo a; echo b");
        await UntilStatusAsync(commandId, "exited");
        var theirProject = await NewProjectIdAsync(Theirs);

        var lists = new (string Path, int Max, string ForeignKind)[]
        {
            ("/v1/projects", 100, sandboxId),
            ("/v1/sandboxes", 100, projectId),
            ($"/v1/sandboxes/{sandboxId}/commands", 100, sandboxId),
            ($"/v1/commands/{commandId}/output", 1000, sandboxId),
        };
        foreach (var (path, max, foreign) in lists)
        {
            foreach (var limit in new[] { "0", "-1", (max + 1).ToString(CultureInfo.InvariantCulture), "abc", "1.5", "", "99999999999" })
            {
                await (await Client.SendAsync(HttpMethod.Get, $"{path}?limit={limit}", Mine)).AssertErrorAsync(400, "invalid_request");
            }

            foreach (var cursor in new[] { "garbage", foreign, "-1" })
            {
                await (await Client.SendAsync(HttpMethod.Get, $"{path}?cursor={cursor}", Mine)).AssertErrorAsync(400, "invalid_request");
            }

            foreach (var limit in new[] { "1", max.ToString(CultureInfo.InvariantCulture) })
            {
                using var ok = await Client.SendAsync(HttpMethod.Get, $"{path}?limit={limit}", Mine);
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                var body = await ok.JsonAsync();
                Assert.Equal(JsonValueKind.Array, body.GetProperty("data").ValueKind);
                Assert.Contains(body.GetProperty("hasMore").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
            }
        }

        // Another tenant's id as a cursor is only a position: the page holds nothing of theirs and nothing leaks.
        using var positioned = await Client.SendAsync(HttpMethod.Get, "/v1/projects?cursor=" + theirProject, Mine);
        Assert.Equal(HttpStatusCode.OK, positioned.StatusCode);
        Assert.DoesNotContain(theirProject, (await positioned.JsonAsync()).GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetString()));

        // Output past the end: an empty page, not an error.
        using var pastEnd = await Client.SendAsync(HttpMethod.Get, $"/v1/commands/{commandId}/output?cursor=1000", Mine);
        var past = await pastEnd.JsonAsync();
        Assert.Empty(past.GetProperty("data").EnumerateArray());
        Assert.False(past.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task MalformedBodiesAndWrongContentTypesAreInvalidRequests()
    {
        var projectId = await NewProjectIdAsync(Mine);
        var sandboxId = await NewSandboxIdAsync(Mine, projectId);
        foreach (var path in new[] { "/v1/projects", "/v1/sandboxes", $"/v1/sandboxes/{sandboxId}/commands" })
        {
            foreach (var (body, contentType) in new (string?, string?)[]
            {
                ("{\"name\":\"x\",\"projectId\":\"" + projectId + "\",\"command\":\"true\"}", "text/plain"),
                ("name=x", "application/x-www-form-urlencoded"),
                (null, null),
                ("", "application/json"),
                ("null", "application/json"),
                ("[]", "application/json"),
                ("\"text\"", "application/json"),
                ("{\"name\":", "application/json"),
                ("{\"name\":5,\"projectId\":5,\"command\":5}", "application/json"),
            })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Mine);
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8);
                    request.Content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
                }

                using var response = await Client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} {contentType} {body}: {(int)response.StatusCode} {text}");
                using var error = JsonDocument.Parse(text);
                var detail = error.RootElement.GetProperty("error");
                Assert.Equal(["code", "message"], detail.EnumerateObject().Select(p => p.Name));
                Assert.Equal("invalid_request", detail.GetProperty("code").GetString());
                Assert.False(string.IsNullOrWhiteSpace(detail.GetProperty("message").GetString()));
            }
        }

        // The content type's parameters and the +json suffix are fine.
        using var charset = new HttpRequestMessage(HttpMethod.Post, "/v1/projects");
        charset.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Mine);
        charset.Content = new StringContent("{\"name\":\"utf8\"}", Encoding.UTF8, "application/json");
        using (var created = await Client.SendAsync(charset))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var textPlain = new HttpRequestMessage(HttpMethod.Post, "/v1/projects");
        textPlain.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Mine);
        textPlain.Content = new StringContent("{\"name\":\"x\"}", Encoding.UTF8, "text/plain");
        using var refused = await Client.SendAsync(textPlain);
        Assert.Contains("Content-Type", (await refused.JsonAsync()).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeoutSecondsIsBounded()
    {
        var projectId = await NewProjectIdAsync(Mine);
        foreach (var timeout in new[] { "0", "-1", "86401", "2147483648", "1.5", "true", "{}" })
        {
            await (await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", Mine, $"{{\"projectId\":\"{projectId}\",\"timeoutSeconds\":{timeout}}}")).AssertErrorAsync(400, "invalid_request");
        }

        // A number in a string is read as the number (ASP.NET Core's web JSON defaults), as in every JSON body here.
        foreach (var (timeout, expected) in new (string, int)[] { ("86400", 86400), ("1", 1), ("null", 3600), ("\"60\"", 60) })
        {
            using var created = await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", Mine, $"{{\"projectId\":\"{projectId}\",\"timeoutSeconds\":{timeout}}}");
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var sandbox = (await created.JsonAsync()).GetProperty("sandbox");
            var lifetime = Parse(sandbox.GetProperty("expiresAt")) - Parse(sandbox.GetProperty("createdAt"));
            Assert.Equal(expected, lifetime.TotalSeconds, 1);
            Assert.Equal(JsonValueKind.Null, sandbox.GetProperty("destroyedAt").ValueKind);
        }
    }

    [Fact]
    public async Task CwdStaysInsideTheSandbox()
    {
        var sandboxId = await NewSandboxIdAsync(Mine);
        await UntilStatusAsync(await RunCommandAsync(sandboxId, "mkdir -p sub/deeper"), "exited");

        foreach (var escape in new[] { "..", "../x", "sub/../../x", "/", "/etc", "/tmp", "/sandboxes", "/sandbox/../etc", "sub/\u0000" })
        {
            await (await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "pwd", cwd = escape })).AssertErrorAsync(400, "invalid_request");
        }

        // The sandbox directory itself, relative or absolute (as `pwd` prints it inside), is null; subdirectories are
        // stored relative and normalised.
        foreach (var (cwd, stored, pwd) in new (string, string?, string)[]
        {
            (".", null, "/sandbox"),
            ("", null, "/sandbox"),
            ("/sandbox", null, "/sandbox"),
            ("/sandbox/", null, "/sandbox"),
            ("sub", "sub", "/sandbox/sub"),
            ("./sub//deeper/", "sub/deeper", "/sandbox/sub/deeper"),
            ("/sandbox/sub", "sub", "/sandbox/sub"),
        })
        {
            using var run = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "pwd", cwd });
            var text = await run.Content.ReadAsStringAsync();
            Assert.True(run.StatusCode == HttpStatusCode.Created, $"cwd '{cwd}': {(int)run.StatusCode} {text}");
            var command = JsonDocument.Parse(text).RootElement.GetProperty("command");
            Assert.Equal(stored, command.GetProperty("cwd").GetString());
            var id = command.GetProperty("id").GetString()!;
            Assert.Equal(0, (await UntilStatusAsync(id, "exited")).GetProperty("exitCode").GetInt32());
            Assert.Equal(pwd + "\n", await StdoutAsync(id));
        }

        // A directory that does not exist: the command starts and fails like a shell's cd would.
        using var missing = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "pwd", cwd = "missing" });
        Assert.Equal(HttpStatusCode.Created, missing.StatusCode);
        var failed = await UntilStatusAsync((await missing.JsonAsync()).GetProperty("command").GetProperty("id").GetString()!, "exited");
        Assert.NotEqual(0, failed.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task EnvAndCommandAreValidated()
    {
        var sandboxId = await NewSandboxIdAsync(Mine);
        var path = $"/v1/sandboxes/{sandboxId}/commands";
        foreach (var env in new[] { "{\"A=B\":\"x\"}", "{\"\":\"x\"}", "{\"A\":\"x\\u0000y\"}", "{\"A\":1}", "{\"A\":null}", "[\"A\"]", "\"A=B\"" })
        {
            await (await Client.SendAsync(HttpMethod.Post, path, Mine, $"{{\"command\":\"true\",\"env\":{env}}}")).AssertErrorAsync(400, "invalid_request");
        }

        foreach (var command in new[] { "\"\"", "\"   \"", "null", "5" })
        {
            await (await Client.SendAsync(HttpMethod.Post, path, Mine, $"{{\"command\":{command}}}")).AssertErrorAsync(400, "invalid_request");
        }

        // Larger than one argv string may be (128 KiB): refused as input, not a runtime failure (503).
        await (await Client.SendAsync(HttpMethod.Post, path, Mine, new { command = "echo " + new string('x', 200_000) })).AssertErrorAsync(400, "invalid_request");

        // Valid: values reach the command verbatim (also odd characters); null env is none.
        using var run = await Client.SendAsync(HttpMethod.Post, path, Mine, new { command = "printf '%s|%s' \"$GREETING\" \"$EMPTY\"", env = new Dictionary<string, string> { ["GREETING"] = "hé $x 'q'", ["EMPTY"] = "" } });
        Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        var id = (await run.JsonAsync()).GetProperty("command").GetProperty("id").GetString()!;
        await UntilStatusAsync(id, "exited");
        Assert.Equal("hé $x 'q'|", await StdoutAsync(id));
        using var noEnv = await Client.SendAsync(HttpMethod.Post, path, Mine, "{\"command\":\"true\",\"env\":null}");
        Assert.Equal(HttpStatusCode.Created, noEnv.StatusCode);
    }

    [Fact]
    public async Task KillReportsKilledWithoutAnExitCodeAndLeavesFinishedCommandsAlone()
    {
        var sandboxId = await NewSandboxIdAsync(Mine);
        var finished = await RunCommandAsync(sandboxId, "exit 7");
        var done = await UntilStatusAsync(finished, "exited");
        Assert.Equal(7, done.GetProperty("exitCode").GetInt32());
        using (var kill = await Client.SendAsync(HttpMethod.Post, $"/v1/commands/{finished}/kill", Mine))
        {
            Assert.Equal(HttpStatusCode.OK, kill.StatusCode);
            Assert.Equal(done.ToString(), (await kill.JsonAsync()).GetProperty("command").ToString());
        }

        // A killed command: status killed, exitedAt set, no exitCode (documented: exitCode belongs to exited).
        var sleeper = await RunCommandAsync(sandboxId, "sleep 100");
        using (var kill = await Client.SendAsync(HttpMethod.Post, $"/v1/commands/{sleeper}/kill", Mine))
        {
            var killed = (await kill.JsonAsync()).GetProperty("command");
            Assert.Equal("killed", killed.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, killed.GetProperty("exitCode").ValueKind);
            Assert.NotEqual(JsonValueKind.Null, killed.GetProperty("exitedAt").ValueKind);
        }

        var gql = Data(await Client.GraphQLAsync(Mine, "query($id:ID!){ command(id:$id) { status exitCode } }", new { id = sleeper })).GetProperty("command");
        Assert.Equal("KILLED", gql.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, gql.GetProperty("exitCode").ValueKind);

        await (await Client.SendAsync(HttpMethod.Post, "/v1/commands/cmd_unknown/kill", Mine)).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Post, "/v1/commands/garbage/kill", Mine)).AssertErrorAsync(404, "not_found");
    }

    [Fact]
    public async Task ConcurrentDeletesAgreeAndADestroyedSandboxStaysReadable()
    {
        var sandboxId = await NewSandboxIdAsync(Mine);
        var sleeper = await RunCommandAsync(sandboxId, "echo before; sleep 100");
        await SandboxTestSupport.EventuallyAsync(async () => (await StdoutAsync(sleeper)).Length > 0, "the command printed");

        var deletes = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var response = await Client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, Mine);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.GetProperty("sandbox").Clone();
        }));
        using var get = await Client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + sandboxId, Mine);
        var stored = (await get.JsonAsync()).GetProperty("sandbox");
        Assert.Equal("destroyed", stored.GetProperty("status").GetString());
        Assert.All(deletes, d => Assert.Equal(stored.ToString(), d.ToString()));

        // Its commands and output stay readable; new commands are refused; kill returns the settled command.
        var command = await CommandAsync(sleeper);
        Assert.Equal("killed", command.GetProperty("status").GetString());
        Assert.Equal("before\n", await StdoutAsync(sleeper));
        using (var kill = await Client.SendAsync(HttpMethod.Post, $"/v1/commands/{sleeper}/kill", Mine))
        {
            Assert.Equal(command.ToString(), (await kill.JsonAsync()).GetProperty("command").ToString());
        }

        using (var list = await Client.SendAsync(HttpMethod.Get, $"/v1/sandboxes/{sandboxId}/commands", Mine))
        {
            Assert.Equal(sleeper, Assert.Single((await list.JsonAsync()).GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
        }

        await (await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "true", cwd = "." })).AssertErrorAsync(409, "sandbox_destroyed");
        var events = await ReadEventsAsync($"/v1/commands/{sleeper}/output", Mine, null);
        Assert.Contains("event: exit", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventStreamChecksAccessResumesFromACursorAndStopsAfterTheExit()
    {
        var sandboxId = await NewSandboxIdAsync(Mine);
        var commandId = await RunCommandAsync(sandboxId, "echo one; sleep 0.3; echo two; sleep 0.3; echo three");
        await UntilStatusAsync(commandId, "exited");
        var path = $"/v1/commands/{commandId}/output";

        // Access is checked before the stream starts: JSON errors, not an event stream.
        await (await SendEventsAsync(path, Theirs, null)).AssertErrorAsync(404, "not_found");
        var noScopes = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.PreviewRead]);
        await (await SendEventsAsync(path, noScopes, null)).AssertErrorAsync(403, "forbidden");
        await (await SendEventsAsync(path, Mine, "garbage")).AssertErrorAsync(400, "invalid_request");
        await (await SendEventsAsync(path + "?cursor=garbage", Mine, null)).AssertErrorAsync(400, "invalid_request");
        var readOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.SandboxRead]);
        var all = Events(await ReadEventsAsync(path, readOnly, null));
        var chunks = all.Where(e => e.Event == "stdout").ToList();
        Assert.Equal("one\ntwo\nthree\n", string.Concat(chunks.Select(c => JsonDocument.Parse(c.Data).RootElement.GetProperty("data").GetString())));
        Assert.True(chunks.Count >= 2, "separate chunks: " + string.Join(" | ", chunks.Select(c => c.Data)));
        var exit = all[^1];
        Assert.Equal("exit", exit.Event);
        Assert.Equal("exit", exit.Id);
        Assert.Equal("exited", JsonDocument.Parse(exit.Data).RootElement.GetProperty("status").GetString());

        // A first connection resumes from ?cursor= (EventSource cannot send Last-Event-ID initially); the header wins.
        var fromCursor = Events(await ReadEventsAsync(path + "?cursor=" + chunks[0].Id, Mine, null));
        Assert.Equal(chunks.Skip(1).Select(c => c.Id).Append("exit"), fromCursor.Select(e => e.Id));
        var fromHeader = Events(await ReadEventsAsync(path + "?cursor=" + chunks[0].Id, Mine, chunks[1].Id));
        Assert.Equal(chunks.Skip(2).Select(c => c.Id).Append("exit"), fromHeader.Select(e => e.Id));

        // Reconnecting after the exit event: 204 No Content, which makes an EventSource client stop.
        using var after = await SendEventsAsync(path, Mine, exit.Id);
        Assert.Equal(HttpStatusCode.NoContent, after.StatusCode);
    }

    [Fact]
    public async Task EventStreamFollowsLiveOutputAndEndsWhenTheClientDisconnects()
    {
        var sandboxId = await NewSandboxIdAsync(Mine);
        var commandId = await RunCommandAsync(sandboxId, "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done");
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outputPath = $"/v1/commands/{commandId}/output";
        // A second host over the same database and runtime root that only observes requests (no reconciliation, which
        // would start a second output pump for the running command).
        await using var observed = Factory.WithWebHostBuilder(b => b
            .ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?> { ["SandboxApi:ReconcileOnStartup"] = "false" }))
            .ConfigureServices(s => s.AddSingleton<IStartupFilter>(new RequestEndObserver(outputPath, finished))));
        using var client = observed.CreateClient();

        using (var request = new HttpRequestMessage(HttpMethod.Get, outputPath))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Mine);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var seen = new StringBuilder();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!seen.ToString().Contains("tick 3", StringComparison.Ordinal))
            {
                seen.AppendLine(await reader.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("the stream ended early: " + seen));
            }

            Assert.Contains("event: stdout", seen.ToString(), StringComparison.Ordinal);
            Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
            Assert.False(finished.Task.IsCompleted);
        }

        // The client went away while the command still runs: the server's request ends (no polling left behind).
        await finished.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("running", (await CommandAsync(commandId)).GetProperty("status").GetString());
        using var kill = await Client.SendAsync(HttpMethod.Post, $"/v1/commands/{commandId}/kill", Mine);
        Assert.Equal(HttpStatusCode.OK, kill.StatusCode);
    }

    [Fact]
    public async Task AQuietEventStreamGetsKeepAliveComments()
    {
        // The test settings send one after 500 ms of silence (the default is 15 s).
        var sandboxId = await NewSandboxIdAsync(Mine);
        var commandId = await RunCommandAsync(sandboxId, "echo start; sleep 2; echo end");
        var text = await ReadEventsAsync($"/v1/commands/{commandId}/output", Mine, null);
        var start = text.IndexOf("start", StringComparison.Ordinal);
        var keepAlive = text.IndexOf("\n: keep-alive\n\n", StringComparison.Ordinal);
        var end = text.IndexOf("end\\n", StringComparison.Ordinal);
        Assert.True(start >= 0 && keepAlive > start && end > keepAlive, text);
        Assert.Equal(["stdout", "stdout", "exit"], Events(text).Select(e => e.Event));
    }

    [Fact]
    public async Task CommandOutputSubscriptionResumesAfterASeqLikeLastEventId()
    {
        var sandboxId = await NewSandboxIdAsync(Mine);
        var commandId = await RunCommandAsync(sandboxId, "echo one; sleep 0.3; echo two; sleep 0.3; echo three");
        await UntilStatusAsync(commandId, "exited");
        var chunks = Events(await ReadEventsAsync($"/v1/commands/{commandId}/output", Mine, null)).Where(e => e.Event == "stdout").ToList();
        Assert.True(chunks.Count >= 2, "separate chunks");
        const string Query = "subscription($id: ID!, $after: Int) { commandOutput(commandId: $id, afterSeq: $after) { seq data } }";

        // The same chunks as the event stream, from the start and after the first one; then the subscription completes.
        foreach (var after in new[] { 0, int.Parse(chunks[0].Id!, CultureInfo.InvariantCulture) })
        {
            using var socket = await ConnectAsync(Mine);
            await SendWsAsync(socket, new { id = "s", type = "subscribe", payload = new { query = Query, variables = new { id = commandId, after } } });
            var seqs = new List<string>();
            while (true)
            {
                var message = await WebSocketAuthTestsReceiveAsync(socket);
                if (message.GetProperty("type").GetString() == "complete")
                {
                    break;
                }

                Assert.False(message.GetProperty("payload").TryGetProperty("errors", out _), message.ToString());
                seqs.Add(message.GetProperty("payload").GetProperty("data").GetProperty("commandOutput").GetProperty("seq").GetInt64().ToString(CultureInfo.InvariantCulture));
            }

            Assert.Equal(chunks.Select(c => c.Id!).Where(id => long.Parse(id, CultureInfo.InvariantCulture) > after), seqs);
        }

        using var bad = await ConnectAsync(Mine);
        await SendWsAsync(bad, new { id = "s", type = "subscribe", payload = new { query = Query, variables = new { id = commandId, after = -1 } } });
        var refused = await WebSocketAuthTestsReceiveAsync(bad);
        var errors = refused.GetProperty("type").GetString() == "error" ? refused.GetProperty("payload") : refused.GetProperty("payload").GetProperty("errors");
        Assert.Equal("INVALID_REQUEST", errors[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task GraphQLHasTheSameLimitsAndValidation()
    {
        var projectId = await NewProjectIdAsync(Mine);
        var sandboxId = await NewSandboxIdAsync(Mine, projectId);
        AssertCode(await Client.GraphQLAsync(Mine, "mutation($p:ID!){ createSandbox(input:{projectId:$p, timeoutSeconds:86401}) { id } }", new { p = projectId }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "mutation($p:ID!){ createSandbox(input:{projectId:$p, timeoutSeconds:-5}) { id } }", new { p = projectId }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "query($s:ID!){ sandbox(id:$s) { commands(first:0) { nodes { id } } } }", new { s = sandboxId }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "query($s:ID!){ sandbox(id:$s) { commands(first:101) { nodes { id } } } }", new { s = sandboxId }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, $"query($s:ID!){{ sandbox(id:$s) {{ commands(after:\"{sandboxId}\") {{ nodes {{ id }} }} }} }}", new { s = sandboxId }), "INVALID_CURSOR");
        AssertCode(await Client.GraphQLAsync(Mine, $"{{ sandboxes(after:\"{projectId}\") {{ nodes {{ id }} }} }}"), "INVALID_CURSOR");
        AssertCode(await Client.GraphQLAsync(Mine, "{ sandboxes(first:101) { nodes { id } } }"), "INVALID_REQUEST");
        foreach (var escape in new[] { "..", "/etc", "a/../../b" })
        {
            AssertCode(await Client.GraphQLAsync(Mine, "mutation($s:ID!, $c:String){ runCommand(input:{sandboxId:$s, command:\"pwd\", cwd:$c}) { id } }", new { s = sandboxId, c = escape }), "INVALID_REQUEST");
        }

        AssertCode(await Client.GraphQLAsync(Mine, "mutation($s:ID!, $env:JSON){ runCommand(input:{sandboxId:$s, command:\"true\", env:$env}) { id } }", new { s = sandboxId, env = new Dictionary<string, string> { ["A=B"] = "x" } }), "INVALID_REQUEST");
        var run = Data(await Client.GraphQLAsync(Mine, "mutation($s:ID!){ runCommand(input:{sandboxId:$s, command:\"pwd\", cwd:\"/sandbox\"}) { id cwd } }", new { s = sandboxId })).GetProperty("runCommand");
        Assert.Equal(JsonValueKind.Null, run.GetProperty("cwd").ValueKind);
        var id = run.GetProperty("id").GetString()!;
        await UntilStatusAsync(id, "exited");
        Assert.Equal("/sandbox\n", await StdoutAsync(id));
    }

    private sealed record SseEvent(string? Id, string? Event, string Data);

    private sealed class RequestEndObserver(string path, TaskCompletionSource finished) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext context, RequestDelegate nextStep) =>
            {
                try
                {
                    await nextStep(context);
                }
                finally
                {
                    if (context.Request.Path == path)
                    {
                        finished.TrySetResult();
                    }
                }
            });
            next(app);
        };
    }

    private static Task<JsonElement> WebSocketAuthTestsReceiveAsync(System.Net.WebSockets.WebSocket socket) =>
        CrowNest.Server.Tests.Realtime.WebSocketAuthTests.ReceiveAsync(socket).WaitAsync(TimeSpan.FromSeconds(30));

    private static Task SendWsAsync(System.Net.WebSockets.WebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task<System.Net.WebSockets.WebSocket> ConnectAsync(string secret)
    {
        var client = Factory.Server.CreateWebSocketClient();
        client.SubProtocols.Add("graphql-transport-ws");
        var socket = await client.ConnectAsync(new Uri(Factory.Server.BaseAddress, "/graphql"), CancellationToken.None);
        await SendWsAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer " + secret } });
        Assert.Equal("connection_ack", (await WebSocketAuthTestsReceiveAsync(socket)).GetProperty("type").GetString());
        return socket;
    }

    private static List<SseEvent> Events(string text) =>
        [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(block => !block.StartsWith(':')).Select(block =>
        {
            var lines = block.Split('\n');
            string? Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name + ": ", StringComparison.Ordinal))?[(name.Length + 2)..];
            return new SseEvent(Field("id"), Field("event"), Field("data") ?? "");
        })];

    private static DateTimeOffset Parse(JsonElement value) => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture);




    private async Task<JsonElement> CommandAsync(string id)
    {
        using var response = await Client.SendAsync(HttpMethod.Get, "/v1/commands/" + id, Mine);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("command").Clone();
    }

    private async Task<JsonElement> UntilStatusAsync(string id, string status)
    {
        JsonElement command = default;
        await SandboxTestSupport.EventuallyAsync(async () => (command = await CommandAsync(id)).GetProperty("status").GetString() == status, $"command {id} becomes {status}");
        return command;
    }

    private async Task<string> StdoutAsync(string commandId)
    {
        using var page = await Client.SendAsync(HttpMethod.Get, $"/v1/commands/{commandId}/output?limit=1000", Mine);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return string.Concat((await page.JsonAsync()).GetProperty("data").EnumerateArray().Where(c => c.GetProperty("stream").GetString() == "stdout").Select(c => c.GetProperty("data").GetString()));
    }

    private async Task<HttpResponseMessage> SendEventsAsync(string path, string secret, string? lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private async Task<string> ReadEventsAsync(string path, string secret, string? lastEventId)
    {
        using var response = await SendEventsAsync(path, secret, lastEventId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await response.Content.ReadAsStringAsync(cts.Token);
    }
}
