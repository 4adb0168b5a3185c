using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime;
using System.Text;
using System.Text.Json;
using CrowNest.GraphQL.Types;
using CrowNest.Platform;
using CrowNest.Platform.Auth;
using CrowNest.Schema.Resolvers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// Retained managed memory per idle subscription, measured in one process (no database, no other load):
// the engine's graphql-transport-ws endpoint on Kestrel, a subscription field that is a real LiveQuery (the platform's
// "current state, then every change" stream) over the in-memory pub/sub, and ClientWebSocket clients.
//   dotnet run -c Release --project bench/subscriptions/IdleMemory [-- SUBSCRIPTIONS [live|plain]]
// Prints one JSON line: managed heap after a full blocking compacting GC, before (clients connected and acknowledged, no
// subscriptions) and after (every subscription has received its first `next`), and the difference per subscription.
// GC.Collect is fine here: this is a harness, not the product.
var subscriptions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var mode = args.Length > 1 ? args[1] : "live";
const int PerSocket = 100;
var connections = (subscriptions + PerSocket - 1) / PerSocket;

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Services.AddCrowNestSubscriptions().AddInMemory();
builder.Services.AddGraphQL().AddSchema(_ => IdleSchema.Create(mode));
var app = builder.Build();
app.MapGraphQL("/graphql");
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
var url = new Uri(address.Replace("http", "ws", StringComparison.Ordinal) + "/graphql");

var clients = new List<Client>();
for (var i = 0; i < connections; i++)
{
    clients.Add(await Client.ConnectAsync(url));
}

// Warm-up (JIT, document cache, static pools): one full connection's worth subscribed and completed.
await clients[0].SubscribeAsync(PerSocket, "w");
await clients[0].CompleteAsync(PerSocket, "w");
await Task.Delay(500);

var before = Settle();
var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
var remaining = subscriptions;
foreach (var client in clients)
{
    var count = Math.Min(PerSocket, remaining);
    remaining -= count;
    await client.SubscribeAsync(count, "s");
}

await Task.Delay(1000);
var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
var after = Settle();
var live = clients.Sum(c => c.Live);
var perSubscription = (after.Heap - before.Heap) / (double)subscriptions;
Console.WriteLine(JsonSerializer.Serialize(new
{
    idleInProcess = new
    {
        mode,
        subscriptions,
        connections,
        live,
        gc = GCSettings.IsServerGC ? "server" : "workstation",
        heapBeforeMb = Math.Round(before.Heap / 1048576.0, 1),
        heapAfterMb = Math.Round(after.Heap / 1048576.0, 1),
        retainedBytesPerSubscription = Math.Round(perSubscription),
        // Everything the server and the in-process clients allocated while subscribing (the burst's garbage).
        allocatedBytesPerSubscription = Math.Round(allocated / (double)subscriptions),
        rssBeforeMb = Math.Round(before.Rss / 1048576.0, 1),
        rssAfterMb = Math.Round(after.Rss / 1048576.0, 1),
    },
}));

// HOLD_SECONDS keeps the subscriptions open after measuring, e.g. to inspect the heap with a diagnostics tool.
if (int.TryParse(Environment.GetEnvironmentVariable("HOLD_SECONDS"), CultureInfo.InvariantCulture, out var hold))
{
    Console.Error.WriteLine($"holding, pid {Environment.ProcessId}");
    await Task.Delay(TimeSpan.FromSeconds(hold));
}

foreach (var client in clients)
{
    client.Abort();
}

await app.StopAsync();
return live == subscriptions ? 0 : 1;

static (long Heap, long Rss) Settle()
{
    for (var i = 0; i < 3; i++)
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    using var process = Process.GetCurrentProcess();
    return (GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes, process.WorkingSet64);
}

/// <summary>The subscription field: a LiveQuery (as <c>appPreviewSessionUpdated</c>) or a plain never-ending stream.</summary>
internal static class IdleSchema
{
    private static readonly Caller Caller = new()
    {
        ApiKeyId = "key_bench",
        UserId = "usr_bench",
        OrganizationId = "org_bench",
        Scopes = ["apps:read", "apps:write"],
    };

    public static Schema Create(string mode) => new SchemaBuilder()
        .AddTypeDefinitions("""
            type Query { ok: Boolean }
            type Subscription { appPreviewSessionUpdated(id: ID!): Session! }
            type Session { id: ID! status: String! lastHeartbeatAt: String previewUrl: String error: String }
            """)
        .UseDefaultResolvers()
        .AddResolver("Subscription.appPreviewSessionUpdated", async ctx =>
        {
            var id = (string)ctx.Arguments["id"]!;
            if (mode == "plain")
            {
                return Plain(id, ctx.CancellationToken);
            }

            return await LiveQuery.StreamAsync(ctx.Services, Caller, "appPreviewSession:" + id, Load, ctx.CancellationToken);
        })
        .Build();

    private static Task<Result<Session>> Load(IServiceProvider services, Caller caller, CancellationToken cancellationToken) =>
        Task.FromResult<Result<Session>>(new Session("aps_bench", "failed", DateTimeOffset.UnixEpoch.ToString("O"), null, "no package.json"));

    private static async IAsyncEnumerable<Session> Plain(string id, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new Session(id, "failed", null, null, null);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}

internal sealed record Session(string Id, string Status, string? LastHeartbeatAt, string? PreviewUrl, string? Error);

/// <summary>One graphql-transport-ws client connection; counts first <c>next</c> messages.</summary>
internal sealed class Client
{
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _nexts = new(0);
    private int _live;

    private Client(ClientWebSocket socket) => _socket = socket;

    public int Live => Volatile.Read(ref _live);

    private const string SubscribeRest = """
        ","type":"subscribe","payload":{"query":"subscription($id: ID!) { appPreviewSessionUpdated(id: $id) { id lastHeartbeatAt } }","variables":{"id":"aps_bench"}}}
        """;

    public static async Task<Client> ConnectAsync(Uri url)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        await socket.ConnectAsync(url, CancellationToken.None);
        var client = new Client(socket);
        await client.SendAsync("""{"type":"connection_init","payload":{}}""");
        var buffer = new byte[4096];
        var ack = await socket.ReceiveAsync(buffer, CancellationToken.None);
        if (!Encoding.UTF8.GetString(buffer, 0, ack.Count).Contains("connection_ack", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("no connection_ack");
        }

        _ = client.ReceiveLoopAsync();
        return client;
    }

    public async Task SubscribeAsync(int count, string prefix)
    {
        for (var i = 0; i < count; i++)
        {
            await SendAsync("{\"id\":\"" + prefix + i.ToString(CultureInfo.InvariantCulture) + SubscribeRest);
        }

        for (var i = 0; i < count; i++)
        {
            if (!await _nexts.WaitAsync(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException("a subscription got no first result");
            }
        }
    }

    public async Task CompleteAsync(int count, string prefix)
    {
        for (var i = 0; i < count; i++)
        {
            await SendAsync($$"""{"id":"{{prefix}}{{i}}","type":"complete"}""");
        }

        Interlocked.Add(ref _live, -count);
    }

    public void Abort() => _socket.Abort();

    private Task SendAsync(string message) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var text = Encoding.UTF8.GetString(buffer, 0, received.Count);
                if (text.Contains("\"type\":\"next\"", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _live);
                    _nexts.Release();
                }
                else if (text.Contains("\"type\":\"ping\"", StringComparison.Ordinal))
                {
                    await SendAsync("""{"type":"pong"}""");
                }
                else if (!text.Contains("\"type\":\"complete\"", StringComparison.Ordinal))
                {
                    Console.Error.WriteLine(text);
                }
            }
        }
        catch (WebSocketException)
        {
            // Aborted at the end.
        }
    }
}
