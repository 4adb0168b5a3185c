using CrowNest.Edge;
using Yarp.ReverseProxy.Forwarder;

// Two roles of the edge benchmark (bench/edge/run.sh starts each as its own process):
//   upstream <port>                 a minimal "sandbox app" answering every request with a fixed 13-byte body
//   edge <port> <upstream port>     the preview edge with one preview "bench" (host bench.preview.localhost) and
//                                   one accepted API key "bench-key", proxying to the upstream
//   yarp <port> <upstream port>     bare YARP IHttpForwarder (default transformer, no routing or auth): the floor
//                                   the edge is built on, to tell edge overhead from forwarder cost
const string Slug = "bench";
const string Key = "bench-key";

if (args is not (["upstream", _] or ["edge" or "yarp", _, _]))
{
    await Console.Error.WriteLineAsync("usage: EdgeBench upstream <port> | edge <port> <upstream port> | yarp <port> <upstream port>");
    return 2;
}

var port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
if (args[0] == "edge")
{
    var route = new PreviewRoute
    {
        PreviewId = "prv_bench",
        Slug = Slug,
        ProjectId = "prj_bench",
        OrganizationId = "org_bench",
        TargetPort = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture),
    };
    builder.Services.AddCrowNestEdge()
        .UseOptions(new EdgeOptions { Url = $"http://127.0.0.1:{port}" })
        .UseRouteStore(new FixedRouteStore(route))
        .UseAuthenticator(new FixedKeyAuthenticator(Key));
}
else if (args[0] == "yarp")
{
    builder.Services.AddHttpForwarder();
}

var app = builder.Build();
if (args[0] == "yarp")
{
    var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
    var client = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false });
    var destination = $"http://127.0.0.1:{args[2]}";
    app.Run(async context => await forwarder.SendAsync(context, destination, client, ForwarderRequestConfig.Empty, HttpTransformer.Default));
}
else if (args[0] == "edge")
{
    app.UseCrowNestEdge();
}

var body = "Hello, world!"u8.ToArray();
app.Run(context =>
{
    context.Response.ContentType = "text/plain";
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body).AsTask();
});
await app.RunAsync();
return 0;

/// <summary>The server's PostgreSQL store stands behind the same cache; here one fixed route.</summary>
internal sealed class FixedRouteStore(PreviewRoute route) : IPreviewRouteStore
{
    public ValueTask<PreviewRoute?> FindBySlugAsync(string slug, CancellationToken cancellationToken) =>
        ValueTask.FromResult(slug == route.Slug ? route : null);
}

/// <summary>Accepts exactly one key (the server's check is a cached key lookup; this isolates proxy cost).</summary>
internal sealed class FixedKeyAuthenticator(string key) : IPreviewAuthenticator
{
    public ValueTask<PreviewAuthResult> AuthenticateBearerAsync(string token, PreviewRoute route, CancellationToken cancellationToken) =>
        ValueTask.FromResult(token == key ? PreviewAuthResult.Allowed : PreviewAuthResult.Unauthorized);
}
