using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrowNest.Edge.Tests.TestSupport;

/// <summary>A real Kestrel "sandbox app": echoes what it received as JSON, echoes WebSocket messages.</summary>
public sealed class EchoUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoUpstream(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<EchoUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", EchoWebSocketAsync);
        app.Map("/set-cookie", async context =>
        {
            context.Response.Headers.Append("Set-Cookie", "crownest_preview=forged; Path=/");
            context.Response.Headers.Append("Set-Cookie", "app_session=1; Path=/");
            await context.Response.WriteAsync("ok");
        });
        app.MapFallback(async context =>
        {
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, Describe(context.Request));
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new EchoUpstream(app, new Uri(address).Port);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static Dictionary<string, object> Describe(HttpRequest request) => new()
    {
        ["method"] = request.Method,
        ["path"] = request.Path.Value ?? "",
        ["query"] = request.QueryString.Value ?? "",
        ["port"] = request.HttpContext.Connection.LocalPort,
        ["headers"] = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Key == "Cookie" ? string.Join("; ", h.Value.ToArray()) : h.Value.ToString()),
    };

    private static async Task EchoWebSocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var handshake = JsonSerializer.SerializeToUtf8Bytes(Describe(context.Request));
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await socket.SendAsync(handshake, WebSocketMessageType.Text, true, context.RequestAborted);
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                return;
            }

            var text = "echo:" + Encoding.UTF8.GetString(buffer, 0, received.Count);
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, context.RequestAborted);
        }
    }
}
