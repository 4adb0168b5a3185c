using System.Globalization;
using CrowNest.Edge;
using CrowNest.Server.Hosting;
using Yarp.ReverseProxy.Forwarder;

// Roles of the edge benchmark (bench/edge/run.sh starts each as its own process):
//   upstream <port>                 a minimal "sandbox app" answering every request with a fixed 13-byte body, shaped
//                                   like what the edge really proxies (a sandbox dev server such as Vite or
//                                   `python -m http.server`: one event loop, no thread pool): ONE socket engine thread
//                                   with inline completions and Kestrel's inline scheduling, set by the process itself
//                                   (below) whatever the environment, so every target (direct, edge, nginx, yarp,
//                                   variants) proxies the same cheap upstream. As a default Kestrel app it burned ~113 us
//                                   of CPU per request at half load in thread-pool park/unpark (~1.2 of the 2 cores),
//                                   so every proxy's half-load tail was CPU queueing behind the fixture; inline it
//                                   costs ~22-29 us per request at any load.
//   edge <port> <upstream port>     the preview edge hosted the way CrowNest.Server hosts it (see below), with one
//                                   preview "bench" (host bench.preview.localhost) and one accepted API key "bench-key"
//   yarp <port> <upstream port>     bare YARP IHttpForwarder (default transformer, no routing or auth): the floor
//                                   the edge is built on, to tell edge overhead from forwarder cost
// EDGEBENCH_STATS=<file>: every 100 ms the process rewrites <file> with its allocated bytes, completed thread-pool
// work items, GC counts (gen0 gen1 gen2) and total GC pause time (ms), so run.sh can report them per request and per
// measurement window (load-insensitive, unlike req/s).
const string Slug = "bench";
const string Key = "bench-key";
// lean <port> <upstream port>: the floor of a Kestrel-hosted forwarder without YARP or HttpClient (LeanForwarder.cs).
if (args is ["lean", _, _]) { return await CrowNest.Bench.Edge.LeanForwarder.RunAsync(args); }

if (args is not (["upstream", _] or ["edge" or "yarp", _, _]))
{
    await Console.Error.WriteLineAsync("usage: EdgeBench upstream <port> | edge <port> <upstream port> | yarp <port> <upstream port>");
    return 2;
}

if (args[0] == "upstream")
{
    // Read once by System.Net.Sockets' static initializer, from the process's environment block: set before the first
    // socket exists, it applies to this process only (run.sh's EDGE_ENV / EDGEBENCH_ENV cannot change the fixture).
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", "1");
}

var port = int.Parse(args[1], CultureInfo.InvariantCulture);
WebApplicationBuilder builder;
if (args[0] == "edge")
{
    // The same host shape as src/Server/Program.cs: the full builder, its appsettings.json log levels and filters with
    // the console logger, the server's HttpContext accessor (ApiHttpContextAccessor, set behind the edge only), a
    // scoped authenticator and mapped API endpoints (so WebApplication adds routing), and the edge registered by
    // AddCrowNestEdge/UseCrowNestEdge; the server's runtimeconfig knobs (src/Server/Runtime.props). Only the stores
    // differ: one fixed route and key instead of PostgreSQL.
    builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    });
    // The filters AddCrowNestHosting (src/Server/Hosting/PlatformServiceCollectionExtensions.cs) adds.
    builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    var route = new PreviewRoute
    {
        PreviewId = "prv_bench",
        Slug = Slug,
        ProjectId = "prj_bench",
        OrganizationId = "org_bench",
        TargetPort = int.Parse(args[2], CultureInfo.InvariantCulture),
    };
    builder.Services.AddCrowNestHttpContextAccessor();
    builder.Services.AddSingleton(new FixedKeyAuthenticator.Key(Key));
    builder.Services.AddCrowNestEdge()
        .UseOptions(new EdgeOptions
        {
            Url = $"http://127.0.0.1:{port}",
            // EDGE_ENV="EDGEBENCH_POOLED_HANDLER=1" bash bench/edge/run.sh: the same edge through SandboxHttpHandler (A/B).
            UseSocketsHttpHandler = Environment.GetEnvironmentVariable("EDGEBENCH_POOLED_HANDLER") != "1",
        })
        .UseRouteStore(new FixedRouteStore(route))
        .UseAuthenticator<FixedKeyAuthenticator>();
}
else
{
    builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    if (args[0] == "yarp")
    {
        builder.Services.AddHttpForwarder();
    }
    else
    {
        // The upstream's fixed configuration (see the top): requests run on the socket engine thread that read them.
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
    }
}

builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
// A/B knobs of Kestrel's socket transport (EDGE_ENV="EDGEBENCH_KESTREL_INLINE=1 EDGEBENCH_IOQUEUES=1").
if (Environment.GetEnvironmentVariable("EDGEBENCH_KESTREL_INLINE") == "1")
{
    builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
}

if (Environment.GetEnvironmentVariable("EDGEBENCH_NO_ZERO_READ") == "1")
{
    builder.WebHost.UseSockets(o => o.WaitForDataBeforeAllocatingBuffer = false);
}

if (Environment.GetEnvironmentVariable("EDGEBENCH_IOQUEUES") is { Length: > 0 } queues)
{
    builder.WebHost.UseSockets(o => o.IOQueueCount = int.Parse(queues, CultureInfo.InvariantCulture));
}
var app = builder.Build();
var body = "Hello, world!"u8.ToArray();
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
    app.UseCrowNestHttpContext();
    app.MapGet("/healthz", () => "ok");
    app.MapGet("/v1/projects", () => "[]");
}
else
{
    app.Run(context =>
    {
        context.Response.ContentType = "text/plain";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    });
}

BenchStats.Start();

await app.RunAsync();
return 0;

/// <summary>The server's PostgreSQL store stands behind the same cache; here one fixed route.</summary>
internal sealed class FixedRouteStore(PreviewRoute route) : IPreviewRouteStore
{
    public ValueTask<PreviewRoute?> FindBySlugAsync(string slug, CancellationToken cancellationToken) =>
        ValueTask.FromResult(slug == route.Slug ? route : null);
}

/// <summary>
/// Accepts exactly one key, resolved per request like the server's scoped authenticator (whose check is a key lookup in
/// PostgreSQL; this isolates the proxy's cost).
/// </summary>
internal sealed class FixedKeyAuthenticator(FixedKeyAuthenticator.Key key) : IPreviewAuthenticator
{
    public ValueTask<PreviewAuthResult> AuthenticateBearerAsync(string token, PreviewRoute route, CancellationToken cancellationToken) =>
        ValueTask.FromResult(token == key.Value ? PreviewAuthResult.Allowed : PreviewAuthResult.Unauthorized);

    /// <summary>The accepted key.</summary>
    internal sealed record Key(string Value);
}
