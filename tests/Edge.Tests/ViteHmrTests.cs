using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.RegularExpressions;
using CrowNest.Edge.Tests.TestSupport;

namespace CrowNest.Edge.Tests;

/// <summary>A real Vite dev server behind the edge: page, client script, and the HMR WebSocket delivering a reload.</summary>
public sealed partial class ViteHmrTests(EdgeFixture edge, ViteDevServer vite) : IClassFixture<ViteDevServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ViteHmrSocketConnectsThroughTheEdgeAndReceivesUpdates()
    {
        var route = edge.AddRoute(port: vite.Port);
        var session = edge.Links.CreateSession(route.PreviewId, DateTimeOffset.UtcNow.AddHours(1));
        void Browser(HttpRequestMessage r) => r.Headers.Add("Cookie", $"crownest_preview={session}");

        // Vite checks Host (allowed: *.localhost); the page and its client come through the edge.
        using var page = await edge.SendAsync(edge.Url(route.Slug), Browser);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/@vite/client", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var client = await edge.SendAsync(edge.Url(route.Slug, "/@vite/client"), Browser);
        Assert.Equal(HttpStatusCode.OK, client.StatusCode);
        var token = WsToken().Match(await client.Content.ReadAsStringAsync(Ct)).Groups[1].Value;

        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("vite-hmr");
        socket.Options.SetRequestHeader("Cookie", $"crownest_preview={session}");
        var url = new UriBuilder(edge.Url(route.Slug, $"/?token={token}")) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(url, edge.Invoker, Ct);
        Assert.Equal("vite-hmr", socket.SubProtocol);
        Assert.Contains("\"connected\"", await ReceiveAsync(socket), StringComparison.Ordinal);

        // Vite only pushes updates for modules a client has loaded.
        using var module = await edge.SendAsync(edge.Url(route.Slug, "/main.js"), Browser);
        Assert.Equal(HttpStatusCode.OK, module.StatusCode);
        await File.WriteAllTextAsync(Path.Combine(vite.Directory, "main.js"), "document.body.dataset.version = \"2\";\n", Ct);

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        string message;
        do
        {
            message = await ReceiveAsync(socket, wait.Token);
        }
        while (!message.Contains("reload", StringComparison.Ordinal) && !message.Contains("\"update\"", StringComparison.Ordinal));

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Ct);
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[16384];
        var text = new StringBuilder();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken == default ? Ct : cancellationToken);
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        while (!result.EndOfMessage);
        return text.ToString();
    }

    [GeneratedRegex("wsToken = \"([^\"]*)\"")]
    private static partial Regex WsToken();
}
