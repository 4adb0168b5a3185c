using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Sandboxes;
using CrowNest.Server.Tests.Apps;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.Sandboxes;

namespace CrowNest.Server.Tests.Realtime;

/// <summary>
/// Streams authenticated with an API key end when the key is revoked (through the GraphQL API on instance A) or
/// expires while they run: every graphql-ws subscription ends with a FORBIDDEN <c>error</c> and the socket closes
/// with 4403, on A and on a second instance B on the same database; an SSE stream gets a FORBIDDEN <c>next</c> and
/// <c>complete</c>.
/// </summary>
public sealed class ApiKeyRevocationTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private const string SandboxQuery = "subscription($id: ID!) { sandboxUpdated(id: $id) { id status } }";

    private CrowNestFactory _a = null!;
    private CrowNestFactory _b = null!;

    public ValueTask InitializeAsync()
    {
        _a = new CrowNestFactory(database.ConnectionString);
        _b = new CrowNestFactory(database.ConnectionString);
        _ = _a.Server;
        _ = _b.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task RevokingAKeyEndsItsWebSocketSubscriptionsOnEveryInstanceAndItsSseStreams()
    {
        var (secret, orgId, userId, workspaceId) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "revoke");
        var admin = await SandboxTestSupport.KeyAsync(database.ConnectionString, orgId, userId, [Scopes.Admin]);
        var other = await SandboxTestSupport.KeyAsync(database.ConnectionString, orgId, userId, [Scopes.SandboxRead]);
        var sandboxId = await SandboxRowAsync(orgId, workspaceId);
        var keyId = await KeyIdAsync(secret);

        using var onA = await SubscribeAsync(_a, secret, sandboxId);
        using var onB = await SubscribeAsync(_b, secret, sandboxId);
        using var untouched = await SubscribeAsync(_a, other, sandboxId);
        using var sseClient = _a.CreateClient();
        using var sse = await SseAsync(sseClient, secret, sandboxId);
        var events = new StreamReader(await sse.Content.ReadAsStreamAsync());
        var first = await ReadEventAsync(events);
        Assert.Equal("next", first.Event);
        Assert.Equal("RUNNING", JsonDocument.Parse(first.Data).RootElement.GetProperty("data").GetProperty("sandboxUpdated").GetProperty("status").GetString());

        using (var client = _a.CreateClient())
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            using var revoke = await client.PostAsync("/graphql", Json(new { query = "mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }", variables = new { id = keyId } }));
            var body = await revoke.Content.ReadAsStringAsync();
            Assert.True(revoke.IsSuccessStatusCode, body);
            Assert.DoesNotContain("\"errors\"", body, StringComparison.Ordinal);
        }

        await AssertEndedAsync(onA);
        await AssertEndedAsync(onB);

        var revoked = await ReadEventAsync(events);
        Assert.Equal("next", revoked.Event);
        Assert.Equal("FORBIDDEN", JsonDocument.Parse(revoked.Data).RootElement.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("complete", (await ReadEventAsync(events)).Event);

        // Another key of the same user keeps its subscription.
        await SendAsync(untouched, new { id = "q", type = "subscribe", payload = new { query = "{ viewer { apiKeyId } }" } });
        var answer = await WebSocketAuthTests.ReceiveAsync(untouched);
        Assert.Equal(("next", "q"), (answer.GetProperty("type").GetString(), answer.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task AKeyExpiringWhileConnectedEndsItsSubscriptions()
    {
        var (_, orgId, userId, workspaceId) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "expire");
        var sandboxId = await SandboxRowAsync(orgId, workspaceId);
        var secret = ApiKeySecrets.NewSecret();
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            db.ApiKeys.Add(new ApiKey
            {
                Id = PrefixedId.New(PrefixedId.ApiKey),
                UserId = userId,
                OrganizationId = orgId,
                Name = "short-lived",
                Prefix = ApiKeySecrets.VisiblePrefix(secret),
                KeyHash = ApiKeySecrets.Hash(secret),
                Scopes = [Scopes.SandboxRead],
                ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(4),
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        using var socket = await SubscribeAsync(_b, secret, sandboxId);
        await AssertEndedAsync(socket);
    }

    private static async Task AssertEndedAsync(WebSocket socket)
    {
        var error = await WebSocketAuthTests.ReceiveAsync(socket);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("s", error.GetProperty("id").GetString());
        Assert.Equal("FORBIDDEN", error.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[4096];
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
        }
        while (result.MessageType != WebSocketMessageType.Close);

        Assert.Equal(4403, (int)result.CloseStatus!);
    }

    private static async Task<WebSocket> SubscribeAsync(CrowNestFactory factory, string secret, string sandboxId)
    {
        var client = factory.Server.CreateWebSocketClient();
        client.SubProtocols.Add("graphql-transport-ws");
        var socket = await client.ConnectAsync(new Uri(factory.Server.BaseAddress, "/graphql"), CancellationToken.None);
        await SendAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer " + secret } });
        Assert.Equal("connection_ack", (await WebSocketAuthTests.ReceiveAsync(socket)).GetProperty("type").GetString());
        await SendAsync(socket, new { id = "s", type = "subscribe", payload = new { query = SandboxQuery, variables = new { id = sandboxId } } });
        var next = await WebSocketAuthTests.ReceiveAsync(socket);
        Assert.Equal("next", next.GetProperty("type").GetString());
        Assert.Equal("RUNNING", next.GetProperty("payload").GetProperty("data").GetProperty("sandboxUpdated").GetProperty("status").GetString());
        return socket;
    }

    private static async Task<HttpResponseMessage> SseAsync(HttpClient client, string secret, string sandboxId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = Json(new { query = SandboxQuery, variables = new { id = sandboxId } }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static async Task<(string Event, string Data)> ReadEventAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null)
                {
                    return (name, data.ToString());
                }

                continue;
            }

            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line[5..].TrimStart());
            }
        }

        Assert.Fail("The event stream ended without another event.");
        return default;
    }

    private async Task<string> SandboxRowAsync(string orgId, string workspaceId)
    {
        await using var db = AppRows.NewDb(database.ConnectionString);
        var now = DateTimeOffset.UtcNow;
        var project = new Project { Id = PrefixedId.New(PrefixedId.Project), WorkspaceId = workspaceId, Name = "Revocation", CreatedAt = now, UpdatedAt = now };
        // Recorded for the docker runtime, so the process runtime's reconciliation of these servers never touches it.
        var sandbox = new Sandbox { Id = PrefixedId.New(PrefixedId.Sandbox), OrganizationId = orgId, ProjectId = project.Id, Status = SandboxStatuses.Running, Runtime = "docker", RuntimeId = "sbx-revocation" + Guid.NewGuid().ToString("N")[..8], CreatedAt = now };
        db.Add(project);
        db.Add(sandbox);
        await db.SaveChangesAsync();
        return sandbox.Id;
    }

    private async Task<string> KeyIdAsync(string secret)
    {
        using var client = _a.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await client.PostAsync("/graphql", Json(new { query = "{ viewer { apiKeyId } }" }));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("viewer").GetProperty("apiKeyId").GetString()!;
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static Task SendAsync(WebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
}
