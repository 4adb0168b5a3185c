using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Sandboxes;
using CrowNest.Sandboxes;
using CrowNest.Server.Tests.Apps;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.Sandboxes;
using CrowNest.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.Realtime;

/// <summary>
/// <c>sandboxUpdated</c>, <c>commandOutput</c> and <c>previewUpdated</c> over graphql-transport-ws on the real pipeline,
/// PostgreSQL pub/sub and the process runtime; the changes are made through REST /v1.
/// </summary>
public sealed class SandboxSubscriptionTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private const string OutputQuery = "subscription($id: ID!) { commandOutput(commandId: $id) { seq stream data at } }";
    private const string SandboxQuery = "subscription($id: ID!) { sandboxUpdated(id: $id) { id status destroyedAt } }";
    private const string PreviewQuery = "subscription($id: ID!) { previewUpdated(sandboxId: $id) { id port sandboxId revokedAt } }";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "crownest-sbxsub-" + Guid.NewGuid().ToString("N")[..8]);
    private CrowNestFactory _factory = null!;
    private HttpClient _client = null!;
    private string _mine = "";
    private string _theirs = "";
    private string _myOrg = "";
    private string _myUser = "";
    private string _myWorkspace = "";

    public async ValueTask InitializeAsync()
    {
        SandboxTestSupport.SkipWithoutBubblewrap();
        _factory = new CrowNestFactory(database.ConnectionString, SandboxTestSupport.Settings(_root));
        _client = _factory.CreateClient();
        (_mine, _myOrg, _myUser, _myWorkspace) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "mine");
        (_theirs, _, _, _) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "theirs");
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
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, true);
        }
    }

    [Fact]
    public async Task SandboxUpdatedEmitsCurrentThenDestroyedThenCompletes()
    {
        var sandboxId = await NewSandboxAsync();
        using var socket = await ConnectAsync(_mine);
        await SubscribeAsync(socket, SandboxQuery, sandboxId);
        var first = await NextDataAsync(socket, "sandboxUpdated");
        Assert.Equal(sandboxId, first.GetProperty("id").GetString());
        Assert.Equal("RUNNING", first.GetProperty("status").GetString());

        using var destroyed = await _client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, _mine);
        Assert.True(destroyed.IsSuccessStatusCode, destroyed.StatusCode.ToString());
        var last = await NextDataAsync(socket, "sandboxUpdated");
        Assert.Equal("DESTROYED", last.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, last.GetProperty("destroyedAt").ValueKind);
        Assert.Equal("complete", (await ReceiveAsync(socket)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task ALateSubscriberGetsTheStoredOutputReplayedThenLiveOutputThenComplete()
    {
        var sandboxId = await NewSandboxAsync();
        // The command prints its second line only once the test says so (a file created by a second command): a fixed
        // sleep let a loaded machine finish it before the replay check.
        var commandId = await RunAsync(sandboxId, "echo a; " + WaitForGo + " echo b");
        await SandboxTestSupport.EventuallyAsync(async () => (await StoredOutputAsync(commandId)).Contains('a'), "the first line is stored");

        using var socket = await ConnectAsync(_mine);
        await SubscribeAsync(socket, OutputQuery, commandId);
        var (chunks, _) = await ReadOutputAsync(socket, stopAfter: "a\n");
        // Replayed while the command still runs: what follows arrives live.
        Assert.Equal("running", await StatusAsync(commandId));
        await RunAsync(sandboxId, "touch go");
        var (rest, completed) = await ReadOutputAsync(socket, stopAfter: null);
        Assert.True(completed);
        chunks.AddRange(rest);

        Assert.Equal("a\nb\n", string.Concat(chunks.Select(c => c.GetProperty("data").GetString())));
        var seqs = chunks.Select(c => c.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order().Distinct(), seqs);
        Assert.All(chunks, c => Assert.Equal("STDOUT", c.GetProperty("stream").GetString()));
        Assert.Equal("exited", await StatusAsync(commandId));
    }

    [Fact]
    public async Task ASubscriberJoiningAfterExitGetsEverythingThenComplete()
    {
        var sandboxId = await NewSandboxAsync();
        var commandId = await RunAsync(sandboxId, "echo a; sleep 0.3; echo b >&2; echo c");
        await SandboxTestSupport.EventuallyAsync(async () => await StatusAsync(commandId) == "exited", "the command exits");

        using var socket = await ConnectAsync(_mine);
        await SubscribeAsync(socket, OutputQuery, commandId);
        var (chunks, completed) = await ReadOutputAsync(socket, stopAfter: null);
        Assert.True(completed);
        Assert.Equal("a\nb\nc\n", string.Concat(chunks.Select(c => c.GetProperty("data").GetString())));
        Assert.Contains(chunks, c => c.GetProperty("stream").GetString() == "STDERR" && c.GetProperty("data").GetString() == "b\n");
        var seqs = chunks.Select(c => c.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order().Distinct(), seqs);
    }

    [Fact]
    public async Task LargeChunksTravelByReference()
    {
        var sandboxId = await NewSandboxAsync();
        // ~12 KB lines: far beyond NOTIFY's 8000-byte limit, so the events carry only the seq.
        var commandId = await RunAsync(sandboxId, "sleep 0.5; for i in 1 2 3; do head -c 12000 /dev/zero | tr '\\0' x; echo; sleep 0.2; done");
        using var socket = await ConnectAsync(_mine);
        await SubscribeAsync(socket, OutputQuery, commandId);
        var (chunks, completed) = await ReadOutputAsync(socket, stopAfter: null);
        Assert.True(completed);
        Assert.Equal(string.Concat(Enumerable.Repeat(new string('x', 12000) + "\n", 3)), string.Concat(chunks.Select(c => c.GetProperty("data").GetString())));
        Assert.Equal(await StoredOutputAsync(commandId), string.Concat(chunks.Select(c => c.GetProperty("data").GetString())));
    }

    [Fact]
    public async Task PreviewUpdatedSeesCreateThenRevoke()
    {
        var sandboxId = await NewSandboxAsync();
        using var socket = await ConnectAsync(_mine);
        await SubscribeAsync(socket, PreviewQuery, sandboxId);
        // Subscribed before anything is exposed: the first event is the creation.
        using var created = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 3000 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var previewId = (await created.JsonAsync()).GetProperty("preview").GetProperty("id").GetString()!;

        var first = await NextDataAsync(socket, "previewUpdated");
        Assert.Equal(previewId, first.GetProperty("id").GetString());
        Assert.Equal(3000, first.GetProperty("port").GetInt32());
        Assert.Equal(sandboxId, first.GetProperty("sandboxId").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("revokedAt").ValueKind);

        using var revoked = await _client.SendAsync(HttpMethod.Delete, "/v1/previews/" + previewId, _mine);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var second = await NextDataAsync(socket, "previewUpdated");
        Assert.Equal(previewId, second.GetProperty("id").GetString());
        Assert.NotEqual(JsonValueKind.Null, second.GetProperty("revokedAt").ValueKind);

        // A new subscriber starts from the active previews; destroying the sandbox revokes them, which it sees.
        using var other = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 3001 });
        var otherId = (await other.JsonAsync()).GetProperty("preview").GetProperty("id").GetString()!;
        Assert.Equal(otherId, (await NextDataAsync(socket, "previewUpdated")).GetProperty("id").GetString());
        using var late = await ConnectAsync(_mine);
        await SubscribeAsync(late, PreviewQuery, sandboxId);
        Assert.Equal(otherId, (await NextDataAsync(late, "previewUpdated")).GetProperty("id").GetString());
        using var destroyed = await _client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, _mine);
        Assert.True(destroyed.IsSuccessStatusCode);
        foreach (var s in new[] { socket, late })
        {
            var gone = await NextDataAsync(s, "previewUpdated");
            Assert.Equal(otherId, gone.GetProperty("id").GetString());
            Assert.NotEqual(JsonValueKind.Null, gone.GetProperty("revokedAt").ValueKind);
        }
    }

    [Fact]
    public async Task AnotherTenantGetsNotFoundAndAMissingScopeIsForbidden()
    {
        var sandboxId = await NewSandboxAsync();
        var commandId = await RunAsync(sandboxId, "echo hi");
        var previewOnly = await SandboxTestSupport.KeyAsync(database.ConnectionString, _myOrg, _myUser, [Scopes.PreviewRead]);
        var sandboxOnly = await SandboxTestSupport.KeyAsync(database.ConnectionString, _myOrg, _myUser, [Scopes.SandboxRead]);
        var cases = new (string Secret, string Query, string Id, string Code)[]
        {
            (_theirs, SandboxQuery, sandboxId, "NOT_FOUND"),
            (_theirs, OutputQuery, commandId, "NOT_FOUND"),
            (_theirs, PreviewQuery, sandboxId, "NOT_FOUND"),
            (_mine, SandboxQuery, "sbx_nope", "NOT_FOUND"),
            (_mine, OutputQuery, "cmd_nope", "NOT_FOUND"),
            (previewOnly, SandboxQuery, sandboxId, "FORBIDDEN"),
            (previewOnly, OutputQuery, commandId, "FORBIDDEN"),
            (sandboxOnly, PreviewQuery, sandboxId, "FORBIDDEN"),
        };
        foreach (var (secret, query, id, code) in cases)
        {
            using var socket = await ConnectAsync(secret);
            await SubscribeAsync(socket, query, id);
            Assert.Equal(code, await ErrorCodeAsync(socket));
        }
    }

    [Fact]
    public async Task LosingAccessMidStreamEndsEachSubscriptionWithForbidden()
    {
        // A second member of the workspace keeps the sandbox alive and busy; the subscriber loses its membership.
        var other = await MemberAsync(_myOrg, _myWorkspace);
        var sandboxId = await NewSandboxAsync();
        // "more" is printed only after the membership is gone (the test creates the file it waits for): a fixed sleep
        // let a loaded machine print it while the subscriber still had access.
        var commandId = await RunAsync(sandboxId, "echo start; " + WaitForGo + " echo more; sleep 0.5");

        using var sandboxSocket = await ConnectAsync(other.Secret);
        await SubscribeAsync(sandboxSocket, SandboxQuery, sandboxId);
        Assert.Equal("RUNNING", (await NextDataAsync(sandboxSocket, "sandboxUpdated")).GetProperty("status").GetString());
        using var previewSocket = await ConnectAsync(other.Secret);
        await SubscribeAsync(previewSocket, PreviewQuery, sandboxId);
        using var outputSocket = await ConnectAsync(other.Secret);
        await SubscribeAsync(outputSocket, OutputQuery, commandId);
        Assert.Equal("start\n", (await NextDataAsync(outputSocket, "commandOutput")).GetProperty("data").GetString());

        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            await db.WorkspaceMembers.Where(m => m.WorkspaceId == _myWorkspace && m.UserId == other.UserId).ExecuteDeleteAsync();
        }

        // The next change of each object re-checks access.
        using var preview = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 3000 });
        Assert.Equal(HttpStatusCode.Created, preview.StatusCode);
        Assert.Equal("FORBIDDEN", await ErrorCodeAsync(previewSocket));
        await RunAsync(sandboxId, "touch go");
        Assert.Equal("FORBIDDEN", await ErrorCodeAsync(outputSocket));
        await _factory.Services.GetRequiredService<ITopicEventSender>().SendAsync(SandboxTopics.Sandbox(sandboxId), new SandboxChanged { SandboxId = sandboxId, Status = "running" });
        Assert.Equal("FORBIDDEN", await ErrorCodeAsync(sandboxSocket));
    }

    [Fact]
    public async Task RevokingTheKeyMidStreamEndsEachSubscriptionWithForbidden()
    {
        var key = await SandboxTestSupport.KeyAsync(database.ConnectionString, _myOrg, _myUser, [.. Scopes.All.Where(s => s != Scopes.Admin)]);
        var sandboxId = await NewSandboxAsync();
        // "more" is printed only after the key is revoked (the test creates the file it waits for): a fixed sleep
        // let a loaded machine print it while the subscriber still had access.
        var commandId = await RunAsync(sandboxId, "echo start; " + WaitForGo + " echo more; sleep 0.5");

        using var sandboxSocket = await ConnectAsync(key);
        await SubscribeAsync(sandboxSocket, SandboxQuery, sandboxId);
        Assert.Equal("RUNNING", (await NextDataAsync(sandboxSocket, "sandboxUpdated")).GetProperty("status").GetString());
        using var previewSocket = await ConnectAsync(key);
        await SubscribeAsync(previewSocket, PreviewQuery, sandboxId);
        using var outputSocket = await ConnectAsync(key);
        await SubscribeAsync(outputSocket, OutputQuery, commandId);
        Assert.Equal("start\n", (await NextDataAsync(outputSocket, "commandOutput")).GetProperty("data").GetString());

        var prefix = ApiKeySecrets.VisiblePrefix(key);
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            Assert.Equal(1, await db.ApiKeys.Where(k => k.Prefix == prefix).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTimeOffset.UtcNow)));
        }

        using var preview = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 3000 });
        Assert.Equal(HttpStatusCode.Created, preview.StatusCode);
        Assert.Equal("FORBIDDEN", await ErrorCodeAsync(previewSocket));
        await RunAsync(sandboxId, "touch go");
        Assert.Equal("FORBIDDEN", await ErrorCodeAsync(outputSocket));
        using var destroyed = await _client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, _mine);
        Assert.True(destroyed.IsSuccessStatusCode);
        Assert.Equal("FORBIDDEN", await ErrorCodeAsync(sandboxSocket));
    }

    /// <summary>Reads <c>next</c> chunks until the concatenated data ends with <paramref name="stopAfter"/> or the subscription completes.</summary>
    private static async Task<(List<JsonElement> Chunks, bool Completed)> ReadOutputAsync(WebSocket socket, string? stopAfter)
    {
        var chunks = new List<JsonElement>();
        var text = new StringBuilder();
        while (true)
        {
            var message = await ReceiveAsync(socket);
            var type = message.GetProperty("type").GetString();
            if (type == "complete")
            {
                return (chunks, true);
            }

            Assert.True(type == "next", message.ToString());
            Assert.False(message.GetProperty("payload").TryGetProperty("errors", out _), message.ToString());
            var chunk = message.GetProperty("payload").GetProperty("data").GetProperty("commandOutput");
            chunks.Add(chunk);
            text.Append(chunk.GetProperty("data").GetString());
            if (stopAfter is not null && text.ToString().EndsWith(stopAfter, StringComparison.Ordinal))
            {
                return (chunks, false);
            }
        }
    }

    private static async Task<JsonElement> NextDataAsync(WebSocket socket, string field)
    {
        var message = await ReceiveAsync(socket);
        Assert.True(message.GetProperty("type").GetString() == "next", message.ToString());
        Assert.False(message.GetProperty("payload").TryGetProperty("errors", out _), message.ToString());
        return message.GetProperty("payload").GetProperty("data").GetProperty(field);
    }

    /// <summary>The <c>extensions.code</c> of the error ending the subscription (an <c>error</c> message, or a <c>next</c> with errors).</summary>
    private static async Task<string?> ErrorCodeAsync(WebSocket socket)
    {
        while (true)
        {
            var message = await ReceiveAsync(socket);
            var type = message.GetProperty("type").GetString();
            if (type == "error")
            {
                return message.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString();
            }

            Assert.True(type == "next", message.ToString());
            if (message.GetProperty("payload").TryGetProperty("errors", out var errors))
            {
                return errors[0].GetProperty("extensions").GetProperty("code").GetString();
            }
        }
    }

    private static async Task<JsonElement> ReceiveAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            return await WebSocketAuthTests.ReceiveAsync(socket).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("no message within 30 s");
            throw;
        }
    }

    private async Task<WebSocket> ConnectAsync(string secret)
    {
        var client = _factory.Server.CreateWebSocketClient();
        client.SubProtocols.Add("graphql-transport-ws");
        var socket = await client.ConnectAsync(new Uri(_factory.Server.BaseAddress, "/graphql"), CancellationToken.None);
        await SendAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer " + secret } });
        Assert.Equal("connection_ack", (await ReceiveAsync(socket)).GetProperty("type").GetString());
        return socket;
    }

    private static Task SubscribeAsync(WebSocket socket, string query, string id) =>
        SendAsync(socket, new { id = "s", type = "subscribe", payload = new { query, variables = new { id } } });

    private static Task SendAsync(WebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task<(string Secret, string UserId)> MemberAsync(string orgId, string workspaceId)
    {
        var now = DateTimeOffset.UtcNow;
        var user = new User { Id = PrefixedId.New(PrefixedId.User), Email = $"member-{Guid.NewGuid():N}@example.test", Name = "Member", CreatedAt = now, UpdatedAt = now };
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            db.Users.Add(user);
            db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = orgId, UserId = user.Id, Role = OrganizationRoles.Member, CreatedAt = DateTimeOffset.UtcNow });
            db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaceId, UserId = user.Id, Role = WorkspaceRoles.Editor, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var secret = await SandboxTestSupport.KeyAsync(database.ConnectionString, orgId, user.Id, [.. Scopes.All.Where(s => s != Scopes.Admin)]);
        return (secret, user.Id);
    }

    private async Task<string> NewSandboxAsync()
    {
        using var project = await _client.SendAsync(HttpMethod.Post, "/v1/projects", _mine, new { name = "subs", workspaceId = _myWorkspace });
        Assert.True(project.IsSuccessStatusCode, await project.Content.ReadAsStringAsync());
        var projectId = (await project.JsonAsync()).GetProperty("project").GetProperty("id").GetString()!;
        using var sandbox = await _client.SendAsync(HttpMethod.Post, "/v1/sandboxes", _mine, new { projectId });
        Assert.Equal(HttpStatusCode.Created, sandbox.StatusCode);
        return (await sandbox.JsonAsync()).GetProperty("sandbox").GetProperty("id").GetString()!;
    }

    /// <summary>Shell that waits (at most 60 s) until a file named <c>go</c> exists in the working directory.</summary>
    private const string WaitForGo = "i=0; while [ ! -e go ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done;";

    private async Task<string> RunAsync(string sandboxId, string command)
    {
        using var started = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", _mine, new { command });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        return (await started.JsonAsync()).GetProperty("command").GetProperty("id").GetString()!;
    }

    private async Task<string> StatusAsync(string commandId)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "/v1/commands/" + commandId, _mine);
        return (await response.JsonAsync()).GetProperty("command").GetProperty("status").GetString()!;
    }

    private async Task<string> StoredOutputAsync(string commandId)
    {
        await using var db = AppRows.NewDb(database.ConnectionString);
        var data = await db.CommandOutput.Where(o => o.CommandId == commandId).OrderBy(o => o.Seq).Select(o => o.Data).ToListAsync();
        return string.Concat(data);
    }
}
