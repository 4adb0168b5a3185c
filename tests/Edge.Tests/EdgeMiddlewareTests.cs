using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CrowNest.Edge.Tests;

public sealed class EdgeMiddlewareTests
{
    private static readonly EdgeOptions Options = new() { Url = "http://127.0.0.1:5081" };

    [Fact]
    public async Task PreviewHostsAreAnsweredByTheEdge()
    {
        var (context, reachedApi) = await InvokeAsync("shop.preview.localhost", localPort: 5080);
        Assert.False(reachedApi);
        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
        var error = ReadError(context);
        Assert.Equal("not_found", error.GetProperty("code").GetString());
        Assert.Contains("shop.preview.localhost", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnythingOnTheEdgePortStaysOnTheEdge()
    {
        var (context, reachedApi) = await InvokeAsync("127.0.0.1", localPort: 5081);
        Assert.False(reachedApi);
        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
        Assert.Equal("not_found", ReadError(context).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("127.0.0.1", 5080)]
    [InlineData("preview.localhost", 5080)]
    [InlineData("localhost", 0)]
    public async Task ApiTrafficPassesThrough(string host, int localPort)
    {
        var (_, reachedApi) = await InvokeAsync(host, localPort);
        Assert.True(reachedApi);
    }

    [Fact]
    public void PortComesFromTheUrl() => Assert.Equal(15081, new EdgeOptions { Url = "http://127.0.0.1:15081" }.Port);

    private static async Task<(DefaultHttpContext Context, bool ReachedApi)> InvokeAsync(string host, int localPort)
    {
        var reached = false;
        var middleware = new EdgeMiddleware(_ =>
        {
            reached = true;
            return Task.CompletedTask;
        }, Microsoft.Extensions.Options.Options.Create(Options));
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString(host);
        context.Connection.LocalPort = localPort;
        context.Response.Body = new MemoryStream();
        await middleware.InvokeAsync(context);
        return (context, reached);
    }

    private static JsonElement ReadError(DefaultHttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement.GetProperty("error");
    }
}
