using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Server.Tests.Apps;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Subscriptions.Postgres;
using Npgsql;

namespace CrowNest.Server.Tests.Realtime;

/// <summary>
/// Two real server processes on one PostgreSQL database: a subscriber on B follows a preview session started and
/// stopped through A, also after every pub/sub listener connection is killed with <c>pg_terminate_backend</c>.
/// </summary>
public sealed class TwoInstanceTests(ClassDatabase database) : IClassFixture<ClassDatabase>
{
    private const string DevServer = """
        const http = require('http');
        const i = process.argv.indexOf('--port');
        const port = Number(i >= 0 ? process.argv[i + 1] : process.env.PORT);
        http.createServer((req, res) => res.end('two')).listen(port, '127.0.0.1');
        """;

    [Fact]
    public async Task ASubscriberOnBFollowsChangesMadeOnAAcrossAListenerKill()
    {
        var root = TempDirs.Create("crownest-two");
        try
        {
            var secret = await KeyAsync();
            await using var a = Start(root, "a");
            await using var b = Start(root, "b");
            await a.Process.WaitHealthyAsync(a.Url + "/healthz", TimeSpan.FromSeconds(180));
            await b.Process.WaitHealthyAsync(b.Url + "/healthz", TimeSpan.FromSeconds(180));
            using var http = new HttpClient { BaseAddress = new Uri(a.Url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret.Secret);

            using var created = await http.PostAsJsonAsync("/api/apps", new { workspaceId = secret.WorkspaceId, name = "Two instances" });
            Assert.True(created.IsSuccessStatusCode, created.StatusCode.ToString());
            var version = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("defaultVersionId").GetString()!;
            foreach (var (path, content) in new[] { ("package.json", """{"scripts":{"dev":"node server.js"}}"""), ("server.js", DevServer) })
            {
                using var file = await http.PostAsJsonAsync($"/api/app-versions/{version}/files", new { path, content });
                Assert.True(file.IsSuccessStatusCode, file.StatusCode.ToString());
            }

            using var started = await http.PostAsJsonAsync("/api/app-preview-sessions", new { appVersionId = version });
            Assert.True(started.IsSuccessStatusCode, started.StatusCode.ToString());
            var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

            using var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol("graphql-transport-ws");
            await socket.ConnectAsync(new Uri(b.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/graphql"), CancellationToken.None);
            await SendAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer " + secret.Secret } });
            Assert.Equal("connection_ack", (await WebSocketAuthTests.ReceiveAsync(socket)).GetProperty("type").GetString());
            await SendAsync(socket, new { id = "s", type = "subscribe", payload = new { query = "subscription($id: ID!) { appPreviewSessionUpdated(id: $id) { status } }", variables = new { id } } });
            await WaitForStatusAsync(socket, "ready");

            // Kill the pub/sub listener connections of both instances; they reconnect and re-LISTEN.
            await using (var conn = new NpgsqlConnection(database.ConnectionString))
            {
                await conn.OpenAsync();
                await using var kill = new NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", conn);
                kill.Parameters.AddWithValue(PostgresTopicEventBus.ListenerApplicationName);
                Assert.Equal(2L, (long)(await kill.ExecuteScalarAsync())!);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            using var stop = await http.DeleteAsync($"/api/apps/preview/{id}");
            Assert.True(stop.IsSuccessStatusCode, stop.StatusCode + " " + await stop.Content.ReadAsStringAsync());
            await WaitForStatusAsync(socket, "stopped");
        }
        finally
        {
            TempDirs.Delete(root);
        }
    }

    private static async Task WaitForStatusAsync(WebSocket socket, string status)
    {
        while (true)
        {
            var message = await WebSocketAuthTests.ReceiveAsync(socket);
            Assert.Equal("next", message.GetProperty("type").GetString());
            var current = message.GetProperty("payload").GetProperty("data").GetProperty("appPreviewSessionUpdated").GetProperty("status").GetString();
            Assert.NotEqual("failed", current);
            if (current == status)
            {
                return;
            }
        }
    }

    private sealed record Instance(ServerProcess Process, string Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }

    private Instance Start(string root, string name)
    {
        var url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        var env = new Dictionary<string, string>
        {
            ["CROWNEST_API_URL"] = url,
            ["CROWNEST_EDGE_URL"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
            ["CROWNEST_POSTGRES"] = database.ConnectionString,
            ["Sandboxes__Process__RootDirectory"] = Path.Combine(root, name),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        return new Instance(ServerProcess.Start(env), url);
    }

    private static Task SendAsync(WebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task<(string Secret, string WorkspaceId)> KeyAsync()
    {
        var (org, user, workspaces) = await AppRows.TenancyAsync(database.ConnectionString, $"two-{Guid.NewGuid():N}"[..20], 1);
        await using var db = AppRows.NewDb(database.ConnectionString);
        db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = org.Id, UserId = user.Id, Role = OrganizationRoles.Member, CreatedAt = DateTimeOffset.UtcNow });
        db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaces[0].Id, UserId = user.Id, Role = WorkspaceRoles.Editor, CreatedAt = DateTimeOffset.UtcNow });
        var secret = ApiKeySecrets.NewSecret();
        db.ApiKeys.Add(new ApiKey
        {
            Id = PrefixedId.New(PrefixedId.ApiKey),
            UserId = user.Id,
            OrganizationId = org.Id,
            Name = "two",
            Prefix = ApiKeySecrets.VisiblePrefix(secret),
            KeyHash = ApiKeySecrets.Hash(secret),
            Scopes = [.. Scopes.All],
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return (secret, workspaces[0].Id);
    }
}
