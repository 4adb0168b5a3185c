using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CrowNest.Server.Tests.Infrastructure;

namespace CrowNest.Server.Tests.Realtime;

/// <summary>graphql-transport-ws on the platform's /graphql: the API key travels in <c>connection_init</c>.</summary>
public sealed class WebSocketAuthTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private const string Token = "cn_test_realtime_bootstrap_secret_0001";
    private CrowNestFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = new CrowNestFactory(database.ConnectionString, new Dictionary<string, string?> { ["Bootstrap:Token"] = Token });
        _ = _factory.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task AValidKeyIsAcknowledgedAndRunsOperationsAsItsUser()
    {
        using var socket = await ConnectAsync();
        await SendAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer " + Token } });
        Assert.Equal("connection_ack", (await ReceiveAsync(socket)).GetProperty("type").GetString());

        await SendAsync(socket, new { id = "1", type = "subscribe", payload = new { query = "{ viewer { apiKeyId scopes } version }" } });
        var next = await ReceiveAsync(socket);
        Assert.Equal("next", next.GetProperty("type").GetString());
        var viewer = next.GetProperty("payload").GetProperty("data").GetProperty("viewer");
        Assert.StartsWith("key_", viewer.GetProperty("apiKeyId").GetString(), StringComparison.Ordinal);
        Assert.Contains("admin", viewer.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("complete", (await ReceiveAsync(socket)).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{}""")]
    [InlineData("""{"authorization":"Bearer cn_wrong"}""")]
    [InlineData("""{"authorization":"Basic abc"}""")]
    [InlineData("""{"authorization":42}""")]
    public async Task AMissingOrInvalidKeyIsClosedWith4403(string? payload)
    {
        using var socket = await ConnectAsync();
        var init = payload is null ? """{"type":"connection_init"}""" : $$"""{"type":"connection_init","payload":{{payload}}}""";
        await socket.SendAsync(Encoding.UTF8.GetBytes(init), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal(4403, (int)(await ReceiveCloseAsync(socket))!);
    }

    [Fact]
    public async Task SubscribeBeforeAckIsClosedWith4401()
    {
        using var socket = await ConnectAsync();
        await SendAsync(socket, new { id = "1", type = "subscribe", payload = new { query = "{ version }" } });
        Assert.Equal(4401, (int)(await ReceiveCloseAsync(socket))!);
    }

    [Fact]
    public async Task NoConnectionInitIsClosedWith4408()
    {
        using var socket = await ConnectAsync();
        // The default init timeout is 3 s; nothing is sent.
        Assert.Equal(4408, (int)(await ReceiveCloseAsync(socket))!);
    }

    [Fact]
    public async Task HttpAndSseStillNeedTheBearerHeader()
    {
        using var client = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ version }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<WebSocket> ConnectAsync()
    {
        var client = _factory.Server.CreateWebSocketClient();
        client.SubProtocols.Add("graphql-transport-ws");
        return await client.ConnectAsync(new Uri(_factory.Server.BaseAddress, "/graphql"), CancellationToken.None);
    }

    private static Task SendAsync(WebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    internal static async Task<JsonElement> ReceiveAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                using var json = JsonDocument.Parse(message.ToArray());
                var root = json.RootElement.Clone();
                if (root.GetProperty("type").GetString() is "ping" or "pong")
                {
                    message.SetLength(0);
                    continue;
                }

                return root;
            }
        }
    }

    private static async Task<WebSocketCloseStatus?> ReceiveCloseAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return result.CloseStatus;
            }
        }
    }
}
