using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Transport.WebSockets;
using CrowNest.GraphQL.Types;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.GraphQL.Tests.Transport;

/// <summary>Observes subscription source streams from the tests (started, cancelled/disposed).</summary>
internal sealed class StreamProbe
{
    private int _started;

    public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Started => Volatile.Read(ref _started);

    public void OnStart() => Interlocked.Increment(ref _started);

    private TaskCompletionSource? _hold;

    /// <summary>
    /// Makes <c>big</c> wait after its first result until <see cref="Release"/>: a test then sees delivery start before the
    /// stream outruns the consumer (otherwise a busy machine can overflow the buffer before the first send).
    /// </summary>
    public void HoldAfterFirst() => _hold = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _hold?.TrySetResult();

    public Task AfterFirst => _hold?.Task ?? Task.CompletedTask;
}

/// <summary>Counts subscription streams that are starting (before their first event) at once, and the most seen.</summary>
internal sealed class StartGauge
{
    private readonly Lock _lock = new();
    private int _current;

    public int Max { get; private set; }

    public void Enter()
    {
        lock (_lock)
        {
            _current++;
            Max = Math.Max(Max, _current);
        }
    }

    public void Exit()
    {
        lock (_lock)
        {
            _current--;
        }
    }
}

/// <summary>A scoped service: one instance per operation.</summary>
internal sealed class ScopeProbe
{
    public string Id { get; } = Guid.NewGuid().ToString("N");
}

/// <summary>Accepts <c>{"authorization":"Bearer secret"}</c> as user "alice"; "throw" fails; anything else is forbidden.</summary>
internal sealed class TestInterceptor : IGraphQLWebSocketInterceptor
{
    public ValueTask<ConnectResult> OnConnectAsync(HttpContext context, JsonElement? payload, CancellationToken cancellationToken)
    {
        var authorization = payload is { } p && p.TryGetProperty("authorization", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        if (authorization == "throw")
        {
            throw new InvalidOperationException("interceptor failure");
        }

        if (authorization != "Bearer secret")
        {
            return ValueTask.FromResult(ConnectResult.Reject());
        }

        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "test"));
        return ValueTask.FromResult(ConnectResult.Accept(user, new Dictionary<string, object?> { ["tenant"] = "t1" }) with
        {
            AckPayload = new Dictionary<string, object?> { ["welcome"] = "alice" },
        });
    }
}

/// <summary>The schema of the subscription transport tests.</summary>
internal static class SubscriptionsTestSchema
{
    public const string Sdl = """
        type Query { hello: String whoami: String tenant: String scoped: String }
        type Mutation { add(a: Int!, b: Int!): Int! }
        type Subscription {
          countdown(from: Int!, delayMs: Int = 1): Int!
          ticks(intervalMs: Int = 10): Int!
          big(size: Int = 65536): String!
          failing: Int!
          whoami: String
          slowStart(ms: Int!): Int!
        }
        """;

    public static Schema Create() => new SchemaBuilder()
        .AddTypeDefinitions(Sdl)
        .AddResolver("Query.hello", _ => new ValueTask<object?>("world"))
        .AddResolver("Query.whoami", ctx => new ValueTask<object?>(UserName(ctx)))
        .AddResolver("Query.tenant", ctx => new ValueTask<object?>(ctx.ContextData.TryGetValue("tenant", out var t) ? t : null))
        .AddResolver("Query.scoped", ctx => new ValueTask<object?>(ctx.Services.GetRequiredService<ScopeProbe>().Id))
        .AddResolver("Mutation.add", ctx => new ValueTask<object?>(ctx.Argument<int>("a") + ctx.Argument<int>("b")))
        .AddResolver("Subscription.countdown", ctx => new ValueTask<object?>(Countdown(ctx.Argument<int>("from"), ctx.Argument<int>("delayMs"))))
        .AddResolver("Subscription.ticks", ctx => new ValueTask<object?>(Ticks(ctx.Argument<int>("intervalMs"), ctx.Services.GetRequiredService<StreamProbe>())))
        .AddResolver("Subscription.big", ctx => new ValueTask<object?>(Big(ctx.Argument<int>("size"), ctx.Services.GetRequiredService<StreamProbe>())))
        .AddResolver("Subscription.failing", _ => new ValueTask<object?>(Failing()))
        .AddResolver("Subscription.whoami", ctx => new ValueTask<object?>(Once(UserName(ctx))))
        .AddResolver("Subscription.slowStart", ctx => new ValueTask<object?>(SlowStart(ctx.Argument<int>("ms"), ctx.Services.GetRequiredService<StartGauge>())))
        .Build();

    public static Task<KestrelHost> StartAsync(Action<GraphQLBuilder>? configure = null) => KestrelHost.StartAsync(graphql =>
    {
        graphql.AddSchema(_ => Create());
        graphql.Services.AddHttpContextAccessor();
        graphql.Services.AddSingleton<StreamProbe>();
        graphql.Services.AddSingleton<StartGauge>();
        graphql.Services.AddScoped<ScopeProbe>();
        configure?.Invoke(graphql);
    });

    private static string? UserName(IResolverContext context) =>
        context.Services.GetRequiredService<IHttpContextAccessor>().HttpContext?.User.Identity?.Name;

    private static async IAsyncEnumerable<int> Countdown(int from, int delayMs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = from; i >= 0; i--)
        {
            await Task.Delay(delayMs, cancellationToken);
            yield return i;
        }
    }

    /// <summary>Starts slowly (as a live query loading its current state), then yields once and ends.</summary>
    private static async IAsyncEnumerable<int> SlowStart(int ms, StartGauge gauge, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        gauge.Enter();
        try
        {
            await Task.Delay(ms, cancellationToken);
        }
        finally
        {
            gauge.Exit();
        }

        yield return ms;
    }

    private static async IAsyncEnumerable<int> Ticks(int intervalMs, StreamProbe probe, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        probe.OnStart();
        try
        {
            for (var i = 0; ; i++)
            {
                yield return i;
                await Task.Delay(intervalMs, cancellationToken);
            }
        }
        finally
        {
            probe.Disposed.TrySetResult();
        }
    }

    private static async IAsyncEnumerable<string> Big(int size, StreamProbe probe, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        probe.OnStart();
        var payload = new string('x', size);
        try
        {
            var first = true;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Task.Yield();
                yield return payload;
                if (first)
                {
                    first = false;
                    await probe.AfterFirst.WaitAsync(cancellationToken);
                }
            }
        }
        finally
        {
            probe.Disposed.TrySetResult();
        }
    }

    private static async IAsyncEnumerable<int> Failing()
    {
        await Task.Yield();
        yield return 1;
        throw new GraphQLException(new GraphQLError("The source stream broke.", "STREAM_BROKEN"));
    }

    private static async IAsyncEnumerable<string?> Once(string? value)
    {
        await Task.Yield();
        yield return value;
    }
}

/// <summary>A raw <c>graphql-transport-ws</c> client over <see cref="ClientWebSocket"/>.</summary>
internal sealed class WsTestClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket;

    private WsTestClient(ClientWebSocket socket) => _socket = socket;

    public WebSocket Socket => _socket;

    public string? SubProtocol => _socket.SubProtocol;

    public static async Task<WsTestClient> ConnectAsync(KestrelHost host, string? subProtocol = GraphQLWebSocketHandler.SubProtocol)
    {
        var socket = new ClientWebSocket();
        if (subProtocol is not null)
        {
            socket.Options.AddSubProtocol(subProtocol);
        }

        var uri = new UriBuilder(host.Client.BaseAddress!) { Scheme = "ws", Path = "/graphql" }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new WsTestClient(socket);
    }

    /// <summary>Connects, sends <c>connection_init</c> (with <paramref name="payload"/> JSON) and expects <c>connection_ack</c>.</summary>
    public static async Task<WsTestClient> ConnectAndInitAsync(KestrelHost host, string? payload = null)
    {
        var client = await ConnectAsync(host);
        await client.SendAsync(payload is null ? """{"type":"connection_init"}""" : $$"""{"type":"connection_init","payload":{{payload}}}""");
        var ack = await client.ReceiveAsync();
        Assert.Equal("connection_ack", ack.GetProperty("type").GetString());
        return client;
    }

    public Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SubscribeAsync(string id, string query, string? variables = null) =>
        SendAsync("{\"id\":" + JsonSerializer.Serialize(id) + ",\"type\":\"subscribe\",\"payload\":{\"query\":" + JsonSerializer.Serialize(query)
            + (variables is null ? string.Empty : ",\"variables\":" + variables) + "}}");

    /// <summary>The next message; fails if the socket closes or nothing arrives in time.</summary>
    public async Task<JsonElement> ReceiveAsync(TimeSpan? timeout = null)
    {
        var message = await TryReceiveAsync(timeout ?? DefaultTimeout);
        Assert.True(message is not null, $"expected a message, the socket is {_socket.State} ({_socket.CloseStatus} {_socket.CloseStatusDescription})");
        return message.Value;
    }

    /// <summary>The next message, or null when the socket closed; throws <see cref="TimeoutException"/> when nothing arrives.</summary>
    public async Task<JsonElement?> TryReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var stream = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no message within " + timeout);
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            stream.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
            }
        }
    }

    /// <summary>Asserts that no message arrives within <paramref name="quiet"/>.</summary>
    public async Task AssertSilentAsync(TimeSpan quiet)
    {
        try
        {
            var message = await TryReceiveAsync(quiet);
            Assert.Fail("expected no message, got " + (message?.GetRawText() ?? "a close frame"));
        }
        catch (TimeoutException)
        {
            // Expected. The socket is aborted by the cancelled receive: the test is over with it.
        }
    }

    /// <summary>Reads until the server closes the socket and returns its close code and reason.</summary>
    public async Task<(int Code, string? Reason)> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, "the server did not close the socket");
            if (await TryReceiveAsync(left) is null)
            {
                return ((int)_socket.CloseStatus!.Value, _socket.CloseStatusDescription);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Already gone.
        }

        _socket.Dispose();
    }
}
