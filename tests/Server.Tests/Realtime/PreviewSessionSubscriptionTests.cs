using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.PreviewSessions;
using CrowNest.Server.Tests.Sandboxes;

namespace CrowNest.Server.Tests.Realtime;

/// <summary>
/// <c>Subscription.appPreviewSessionUpdated</c> over graphql-transport-ws on the real pipeline: states caused by mutations
/// (start, stop) arrive in order without polling; visibility and scope are checked at subscribe time.
/// </summary>
public sealed class PreviewSessionSubscriptionTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private const string DevServer = """
        const http = require('http');
        const i = process.argv.indexOf('--port');
        const port = Number(i >= 0 ? process.argv[i + 1] : process.env.PORT);
        http.createServer((req, res) => res.end('live')).listen(port, '127.0.0.1');
        """;

    private static readonly string[] Order = ["hydrating", "installing", "starting", "ready"];

    private readonly string _root = TempDirs.Create("crownest-live");
    private CrowNestFactory _factory = null!;
    private HttpClient _client = null!;
    private string _mine = "";
    private string _theirs = "";
    private string _noScope = "";
    private string _workspace = "";

    public async ValueTask InitializeAsync()
    {
        _factory = new CrowNestFactory(database.ConnectionString, new Dictionary<string, string?> { ["Sandboxes:Process:RootDirectory"] = _root });
        _client = _factory.CreateClient();
        (_mine, _workspace) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "mine", [.. Scopes.All]);
        (_theirs, _) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "theirs", [.. Scopes.All]);
        (_noScope, _) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "noscope", [Scopes.AppRead], _workspace);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        TempDirs.Delete(_root);
    }

    [Fact]
    public async Task StatusesArriveInOrderUntilReadyThenStopFromAMutation()
    {
        var version = await _client.VersionAsync(_mine, _workspace, new Dictionary<string, string>
        {
            ["package.json"] = """{"scripts":{"dev":"node server.js"}}""",
            ["server.js"] = DevServer,
        });
        var started = await GraphQLAsync(_mine, "mutation($v: ID!) { startAppPreviewSession(appVersionId: $v) { id } }", new { v = version });
        var id = started.GetProperty("data").GetProperty("startAppPreviewSession").GetProperty("id").GetString()!;

        using var socket = await ConnectAsync(_mine);
        await SendAsync(socket, new { id = "s", type = "subscribe", payload = new { query = "subscription($id: ID!) { appPreviewSessionUpdated(id: $id) { id status previewUrl } }", variables = new { id } } });
        var statuses = new List<string>();
        while (statuses.LastOrDefault() is not ("ready" or "failed"))
        {
            var message = await WebSocketAuthTests.ReceiveAsync(socket);
            Assert.Equal("next", message.GetProperty("type").GetString());
            var session = message.GetProperty("payload").GetProperty("data").GetProperty("appPreviewSessionUpdated");
            Assert.Equal(id, session.GetProperty("id").GetString());
            var status = session.GetProperty("status").GetString()!;
            if (statuses.LastOrDefault() != status)
            {
                statuses.Add(status);
            }
        }

        Assert.Equal("ready", statuses[^1]);
        var positions = statuses.Select(s => Array.IndexOf(Order, s)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);

        // A change made by a mutation reaches the open subscription.
        await GraphQLAsync(_mine, "mutation($id: ID!) { stopAppPreviewSession(id: $id) { id } }", new { id });
        string? last;
        do
        {
            var message = await WebSocketAuthTests.ReceiveAsync(socket);
            Assert.Equal("next", message.GetProperty("type").GetString());
            last = message.GetProperty("payload").GetProperty("data").GetProperty("appPreviewSessionUpdated").GetProperty("status").GetString();
        }
        while (last != "stopped");
    }

    [Fact]
    public async Task AnInvisibleSessionIsNotFoundAndAMissingScopeIsForbidden()
    {
        var version = await _client.VersionAsync(_mine, _workspace, new Dictionary<string, string> { ["index.html"] = "<p>no package.json</p>" });
        var started = await GraphQLAsync(_mine, "mutation($v: ID!) { startAppPreviewSession(appVersionId: $v) { id } }", new { v = version });
        var id = started.GetProperty("data").GetProperty("startAppPreviewSession").GetProperty("id").GetString()!;

        foreach (var (secret, code) in new[] { (_theirs, "NOT_FOUND"), (_noScope, "FORBIDDEN") })
        {
            using var socket = await ConnectAsync(secret);
            await SendAsync(socket, new { id = "s", type = "subscribe", payload = new { query = "subscription($id: ID!) { appPreviewSessionUpdated(id: $id) { status } }", variables = new { id } } });
            var message = await WebSocketAuthTests.ReceiveAsync(socket);
            var errors = message.GetProperty("type").GetString() == "error"
                ? message.GetProperty("payload")
                : message.GetProperty("payload").GetProperty("errors");
            Assert.Equal(code, errors[0].GetProperty("extensions").GetProperty("code").GetString());
        }
    }

    private async Task<WebSocket> ConnectAsync(string secret)
    {
        var client = _factory.Server.CreateWebSocketClient();
        client.SubProtocols.Add("graphql-transport-ws");
        var socket = await client.ConnectAsync(new Uri(_factory.Server.BaseAddress, "/graphql"), CancellationToken.None);
        await SendAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer " + secret } });
        Assert.Equal("connection_ack", (await WebSocketAuthTests.ReceiveAsync(socket)).GetProperty("type").GetString());
        return socket;
    }

    private static Task SendAsync(WebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task<JsonElement> GraphQLAsync(string secret, string query, object variables)
    {
        using var response = await _client.SendAsync(HttpMethod.Post, "/graphql", secret, new { query, variables });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("errors", out var errors), errors.ToString());
        return body;
    }
}
