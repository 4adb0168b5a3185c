using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using CrowNest.Edge.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrowNest.Edge.Tests;

/// <summary>
/// An open WebSocket through the edge is activity on its preview while it stays open (a tab on a preview with only its
/// HMR socket), not only when it connects; it stops counting once closed.
/// </summary>
public sealed class UpgradeActivityTests(EdgeFixture edge)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnOpenWebSocketTouchesTheSinkRepeatedlyAndStopsOnceClosed()
    {
        var sink = new RecordingActivitySink();
        await using var app = await StartEdgeAsync(sink);
        var port = new Uri(app.Urls.Single()).Port;
        var route = edge.AddRoute();
        var session = edge.Links.CreateSession(route.PreviewId, DateTimeOffset.UtcNow.AddHours(1));

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", $"crownest_preview={session}");
        await socket.ConnectAsync(new UriBuilder(edge.Url(route.Slug, "/ws", port)) { Scheme = "ws" }.Uri, edge.Invoker, Ct);
        _ = await ReceiveAsync(socket);
        Assert.True(sink.Touches(route.PreviewId) >= 1, "the upgrade request itself is activity");

        // No message crosses the socket from here on: only the open connection can touch the sink.
        var watch = Stopwatch.StartNew();
        while (sink.Touches(route.PreviewId) < 6)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{sink.Touches(route.PreviewId)} touches in {watch.Elapsed} with the socket open");
            await Task.Delay(50, Ct);
        }

        // Still usable: the edge only observes the tunnel.
        await socket.SendAsync(Encoding.UTF8.GetBytes("hmr"), WebSocketMessageType.Text, true, Ct);
        Assert.Equal("echo:hmr", await ReceiveAsync(socket));

        var beforeClose = sink.Touches(route.PreviewId);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
        // The close itself counts once (the tunnel ends just after the client's close returns), then nothing more.
        var closed = await SettledAsync(() => sink.Touches(route.PreviewId));
        Assert.True(closed > beforeClose, $"no touch when the socket closed ({beforeClose} → {closed})");
        await Task.Delay(Interval * 8, Ct);
        Assert.Equal(closed, sink.Touches(route.PreviewId));
    }

    [Fact]
    public async Task PlainRequestsTouchOncePerRequestOnly()
    {
        var sink = new RecordingActivitySink();
        await using var app = await StartEdgeAsync(sink);
        var port = new Uri(app.Urls.Single()).Port;
        var route = edge.AddRoute();
        using (var response = await edge.SendAsync(edge.Url(route.Slug, "/page", port), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA)))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        await Task.Delay(Interval * 5, Ct);
        Assert.Equal(1, sink.Touches(route.PreviewId));
    }

    /// <summary>An edge like the fixture's with its own sink and a short <see cref="EdgeOptions.UpgradeActivityInterval"/>.</summary>
    private async Task<WebApplication> StartEdgeAsync(RecordingActivitySink sink)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddCrowNestEdge()
            .UseOptions(EdgeFixture.Options(0) with { UpgradeActivityInterval = Interval })
            .UseRouteStore(edge.Store)
            .UseAuthenticator<TestAuthenticator>()
            .UseActivitySink(sink);
        var app = builder.Build();
        app.UseCrowNestEdge();
        await app.StartAsync(Ct);
        return app;
    }

    /// <summary>The value once it stayed the same for several intervals.</summary>
    private static async Task<int> SettledAsync(Func<int> read)
    {
        var watch = Stopwatch.StartNew();
        var last = read();
        while (true)
        {
            await Task.Delay(Interval * 5, Ct);
            var now = read();
            if (now == last)
            {
                return now;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"still touched after the socket closed ({last} → {now})");
            last = now;
        }
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[8192];
        var result = await socket.ReceiveAsync(buffer, Ct);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
