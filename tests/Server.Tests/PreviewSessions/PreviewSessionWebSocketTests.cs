using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using CrowNest.Platform.Auth;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.Sandboxes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.PreviewSessions;

/// <summary>
/// A browser tab left open on a preview with only its dev server's WebSocket (Vite's HMR socket) and no HTTP traffic or
/// keepalive calls: the open socket keeps the session alive through the edge; once it closes, the reaper stops the
/// session. Real Kestrel (upgrades need real sockets), real sandbox, real PostgreSQL.
/// </summary>
public sealed class PreviewSessionWebSocketTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(3);

    private readonly string _root = TempDirs.Create("crownest-prvws");
    private CrowNestFactory? _factory;
    private HttpClient _client = null!;
    private int _port;
    private string _key = "";
    private string _workspace = "";

    public async ValueTask InitializeAsync()
    {
        SandboxTestSupport.SkipWithoutBubblewrap();
        (_key, _workspace) = await PreviewSessionTestSupport.KeyAsync(database.ConnectionString, "ws-mine", [.. Scopes.All]);
        _factory = new CrowNestFactory(database.ConnectionString, PreviewSessionTestSupport.Settings(_root, 325_000, new Dictionary<string, string?>
        {
            ["PreviewSessions:IdleTimeout"] = "00:00:03",
            ["PreviewSessions:ReaperInterval"] = "00:00:00.200",
            ["PreviewSessions:ActivityDebounce"] = "00:00:00.500",
            ["Edge:UpgradeActivityInterval"] = "00:00:00.500",
        }));
        _factory.UseKestrel();
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _port = new Uri(address).Port;
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
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
    public async Task AnOpenWebSocketThroughTheEdgeKeepsTheSessionReady_AndAfterItClosesTheSessionIsReaped()
    {
        var watched = await _client.StartSessionAsync(_key, await _client.VersionAsync(_key, _workspace, WebSocketApp()));
        var unwatched = await _client.StartSessionAsync(_key, await _client.VersionAsync(_key, _workspace, WebSocketApp()));
        var host = new Uri((await _client.WaitForStatusAsync(_key, watched, "ready")).GetProperty("previewUrl").GetString()!).Host;
        await _client.WaitForStatusAsync(_key, unwatched, "ready");

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + _key);
        using var invoker = new HttpMessageInvoker(Loopback(_port));
        await socket.ConnectAsync(new Uri($"ws://{host}:{_port}/hmr"), invoker, TestContext.Current.CancellationToken);
        Assert.Equal(WebSocketState.Open, socket.State);
        // Both start the race with a fresh heartbeat, however long the boots took.
        foreach (var id in new[] { watched, unwatched })
        {
            using var keepalive = await _client.SendAsync(HttpMethod.Post, $"/api/apps/preview/{id}/keepalive", _key);
            Assert.Equal(HttpStatusCode.OK, keepalive.StatusCode);
        }

        // Nothing but the open socket: no HTTP request to the preview, no keepalive, no WebSocket message.
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < IdleTimeout * 4)
        {
            var status = (await _client.GetSessionAsync(_key, watched)).GetProperty("status").GetString();
            Assert.True(status == "ready", $"after {watch.Elapsed} with the socket open: {status}");
            await Task.Delay(250);
        }

        // The reaper did run meanwhile: the session nobody looked at is gone.
        Assert.Equal("stopped", (await _client.GetSessionAsync(_key, unwatched)).GetProperty("status").GetString());
        Assert.Equal(WebSocketState.Open, socket.State);

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "tab closed", TestContext.Current.CancellationToken);
        watch.Restart();
        while ((await _client.GetSessionAsync(_key, watched)).GetProperty("status").GetString() != "stopped")
        {
            Assert.True(watch.Elapsed < IdleTimeout * 5, "the session outlived its idle timeout after its socket closed");
            await Task.Delay(200);
        }

        Assert.True(watch.Elapsed >= IdleTimeout - TimeSpan.FromSeconds(1), $"reaped {watch.Elapsed} after the close: sooner than its idle timeout after the last activity");
    }

    /// <summary>A zero-dependency dev server whose <c>upgrade</c> handler completes a WebSocket handshake and stays silent.</summary>
    private static Dictionary<string, string> WebSocketApp() => new()
    {
        ["package.json"] = """{"name":"ws","private":true,"scripts":{"dev":"node server.js"}}""",
        ["message.txt"] = "ws",
        ["server.js"] = """
            const http = require('http');
            const crypto = require('crypto');
            const i = process.argv.indexOf('--port');
            const port = Number(i >= 0 ? process.argv[i + 1] : process.env.PORT);
            const server = http.createServer((req, res) => res.end('ws'));
            server.on('upgrade', (req, socket) => {
              const accept = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
              socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ' + accept + '\r\n\r\n');
              socket.on('error', () => {});
              // A close frame from the client (opcode 8) is answered with one, then the connection ends.
              socket.on('data', d => { if ((d[0] & 0x0f) === 8) { socket.end(Buffer.from([0x88, 0x00])); } });
            });
            server.listen(port, '127.0.0.1');
            """,
    };

    /// <summary>Every host (the preview's <c>*.preview.localhost</c>) connects to the server's port on 127.0.0.1.</summary>
    private static SocketsHttpHandler Loopback(int port) => new()
    {
        UseProxy = false,
        ConnectCallback = async (_, token) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), token);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
