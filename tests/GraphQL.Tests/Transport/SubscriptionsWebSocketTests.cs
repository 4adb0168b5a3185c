using System.Text.Json;
using CrowNest.GraphQL.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.GraphQL.Tests.Transport;

/// <summary>GraphQL over WebSocket (<c>graphql-transport-ws</c>) against a real Kestrel server with <see cref="System.Net.WebSockets.ClientWebSocket"/>.</summary>
public sealed class SubscriptionsWebSocketTests
{
    private static async Task<List<JsonElement>> ReceiveUntilTerminalAsync(WsTestClient client, string id)
    {
        var messages = new List<JsonElement>();
        while (true)
        {
            var message = await client.ReceiveAsync();
            if (message.TryGetProperty("id", out var mid) && mid.GetString() != id)
            {
                continue;
            }

            messages.Add(message);
            if (message.GetProperty("type").GetString() is "complete" or "error")
            {
                return messages;
            }
        }
    }

    private static string Type(JsonElement message) => message.GetProperty("type").GetString()!;

    [Fact]
    public async Task Subscription_streams_next_messages_then_complete()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);
        Assert.Equal("graphql-transport-ws", client.SubProtocol);

        await client.SubscribeAsync("1", "subscription ($n: Int!) { countdown(from: $n) }", """{"n":3}""");
        var messages = await ReceiveUntilTerminalAsync(client, "1");

        Assert.Equal(["next", "next", "next", "next", "complete"], messages.Select(Type));
        Assert.Equal([3, 2, 1, 0], messages.Take(4).Select(m => m.GetProperty("payload").GetProperty("data").GetProperty("countdown").GetInt32()));
        Assert.All(messages, m => Assert.Equal("1", m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Queries_and_mutations_run_over_the_socket()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);

        await client.SubscribeAsync("q", "{ hello }");
        var query = await ReceiveUntilTerminalAsync(client, "q");
        await client.SubscribeAsync("m", "mutation { add(a: 2, b: 40) }");
        var mutation = await ReceiveUntilTerminalAsync(client, "m");

        Assert.Equal(["next", "complete"], query.Select(Type));
        Assert.Equal("""{"data":{"hello":"world"}}""", query[0].GetProperty("payload").GetRawText());
        Assert.Equal(["next", "complete"], mutation.Select(Type));
        Assert.Equal(42, mutation[0].GetProperty("payload").GetProperty("data").GetProperty("add").GetInt32());
    }

    [Fact]
    public async Task Operations_are_multiplexed_by_id_and_ids_can_be_reused_after_completion()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);

        await client.SubscribeAsync("a", "subscription { countdown(from: 5, delayMs: 5) }");
        await client.SubscribeAsync("b", "subscription { countdown(from: 3, delayMs: 7) }");
        var byId = new Dictionary<string, List<JsonElement>> { ["a"] = [], ["b"] = [] };
        var completed = 0;
        while (completed < 2)
        {
            var message = await client.ReceiveAsync();
            var id = message.GetProperty("id").GetString()!;
            byId[id].Add(message);
            completed += Type(message) == "complete" ? 1 : 0;
        }

        Assert.Equal([5, 4, 3, 2, 1, 0], byId["a"].Where(m => Type(m) == "next").Select(m => m.GetProperty("payload").GetProperty("data").GetProperty("countdown").GetInt32()));
        Assert.Equal([3, 2, 1, 0], byId["b"].Where(m => Type(m) == "next").Select(m => m.GetProperty("payload").GetProperty("data").GetProperty("countdown").GetInt32()));

        await client.SubscribeAsync("a", "{ hello }");
        Assert.Equal(["next", "complete"], (await ReceiveUntilTerminalAsync(client, "a")).Select(Type));
    }

    [Fact]
    public async Task More_operations_than_may_start_at_once_all_run_to_completion()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);

        // 30 operations at once on one socket: at most MaxConcurrentStarts (8) start together, the rest wait their turn.
        for (var i = 0; i < 30; i++)
        {
            await client.SubscribeAsync($"c{i}", "subscription { countdown(from: 2, delayMs: 1) }");
        }

        var nexts = new Dictionary<string, int>();
        var completed = 0;
        while (completed < 30)
        {
            var message = await client.ReceiveAsync();
            var id = message.GetProperty("id").GetString()!;
            if (Type(message) == "next")
            {
                nexts[id] = nexts.GetValueOrDefault(id) + 1;
            }
            else
            {
                Assert.Equal("complete", Type(message));
                completed++;
            }
        }

        Assert.Equal(30, nexts.Count);
        Assert.All(nexts.Values, n => Assert.Equal(3, n));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    public async Task Operations_starting_at_once_are_limited_across_all_sockets(int perServer)
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.ModifyOptions(o => o with
        {
            WebSockets = o.WebSockets with { MaxConcurrentStarts = 8, MaxConcurrentStartsPerServer = perServer, StartTimeout = TimeSpan.FromSeconds(30) },
        }));
        var gauge = host.Services.GetRequiredService<StartGauge>();
        await using var first = await WsTestClient.ConnectAndInitAsync(host);
        await using var second = await WsTestClient.ConnectAndInitAsync(host);

        // 2 sockets x 8 operations, each starting for 200 ms: at most 3 start together server-wide (16 without the limit).
        foreach (var client in new[] { first, second })
        {
            for (var i = 0; i < 8; i++)
            {
                await client.SubscribeAsync($"s{i}", "subscription { slowStart(ms: 200) }");
            }
        }

        foreach (var client in new[] { first, second })
        {
            var completed = 0;
            while (completed < 8)
            {
                var message = await client.ReceiveAsync();
                Assert.Contains(Type(message), (string[])["next", "complete"]);
                completed += Type(message) == "complete" ? 1 : 0;
            }
        }

        if (perServer > 0)
        {
            Assert.InRange(gauge.Max, 1, perServer);
        }
        else
        {
            Assert.True(gauge.Max > 3, $"without the server-wide limit more than 3 should start together (saw {gauge.Max})");
        }
    }

    [Fact]
    public async Task Client_complete_stops_delivery_at_once_and_cancels_the_source_stream()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        var probe = host.Services.GetRequiredService<StreamProbe>();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);

        await client.SubscribeAsync("t", "subscription { ticks(intervalMs: 1) }");
        Assert.Equal("next", Type(await client.ReceiveAsync()));
        Assert.Equal("next", Type(await client.ReceiveAsync()));
        await client.SendAsync("""{"id":"t","type":"complete"}""");
        await client.SendAsync("""{"type":"ping","payload":{"marker":1}}""");

        // Messages already sent before the server read 'complete' may still arrive; nothing for "t" after the pong.
        while (true)
        {
            var message = await client.ReceiveAsync();
            if (Type(message) == "pong")
            {
                Assert.Equal(1, message.GetProperty("payload").GetProperty("marker").GetInt32());
                break;
            }

            Assert.Equal("next", Type(message));
        }

        await probe.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await client.AssertSilentAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Ping_is_answered_with_pong_even_before_init_and_pongs_are_accepted()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAsync(host);

        await client.SendAsync("""{"type":"pong"}""");
        await client.SendAsync("""{"type":"ping"}""");
        var pong = await client.ReceiveAsync();

        Assert.Equal("""{"type":"pong"}""", pong.GetRawText());
    }

    [Fact]
    public async Task Server_sends_keep_alive_pings_at_the_configured_interval()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.ModifyOptions(o => o with
        {
            WebSockets = o.WebSockets with { KeepAliveInterval = TimeSpan.FromMilliseconds(100) },
        }));
        await using var client = await WsTestClient.ConnectAndInitAsync(host);

        Assert.Equal("""{"type":"ping"}""", (await client.ReceiveAsync()).GetRawText());
        Assert.Equal("""{"type":"ping"}""", (await client.ReceiveAsync()).GetRawText());
    }

    [Fact]
    public async Task Validation_errors_are_an_error_message_and_the_socket_stays_open()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);

        await client.SubscribeAsync("v", "subscription { nope }");
        var error = await client.ReceiveAsync();

        Assert.Equal("error", Type(error));
        Assert.Equal("v", error.GetProperty("id").GetString());
        var errors = error.GetProperty("payload");
        Assert.Equal(JsonValueKind.Array, errors.ValueKind);
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", errors[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Contains("nope", errors[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        await client.SubscribeAsync("v", "{ hello }");
        Assert.Equal(["next", "complete"], (await ReceiveUntilTerminalAsync(client, "v")).Select(Type));
    }

    [Fact]
    public async Task Source_stream_failure_ends_the_operation_with_an_error_message()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);

        await client.SubscribeAsync("f", "subscription { failing }");
        var messages = await ReceiveUntilTerminalAsync(client, "f");

        Assert.Equal(["next", "error"], messages.Select(Type));
        Assert.Equal(1, messages[0].GetProperty("payload").GetProperty("data").GetProperty("failing").GetInt32());
        Assert.Equal("STREAM_BROKEN", messages[1].GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_consumer_that_falls_behind_gets_SUBSCRIPTION_OVERFLOW_and_the_stream_is_stopped()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.ModifyOptions(o => o with
        {
            WebSockets = o.WebSockets with { MaxBufferedMessages = 4 },
        }));
        var probe = host.Services.GetRequiredService<StreamProbe>();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);

        probe.HoldAfterFirst();
        await client.SubscribeAsync("big", "subscription { big(size: 65536) }");

        // Delivery works: the first result arrives; then the stream runs free.
        Assert.Equal("next", Type(await client.ReceiveAsync()));
        probe.Release();

        // Not reading: the socket's buffers fill up, sends block, and the 4-message buffer overflows.
        await probe.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        JsonElement last;
        do
        {
            last = await client.ReceiveAsync();
        }
        while (Type(last) == "next");

        Assert.Equal("error", Type(last));
        Assert.Equal(SubscriptionErrorCodes.Overflow, last.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());

        // The connection survives: other operations still run.
        await client.SubscribeAsync("q", "{ hello }");
        Assert.Equal(["next", "complete"], (await ReceiveUntilTerminalAsync(client, "q")).Select(Type));
    }

    [Fact]
    public async Task Interceptor_authenticates_from_the_init_payload_and_resolvers_see_the_user_and_context_data()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.AddWebSocketInterceptor<TestInterceptor>());
        await using var client = await WsTestClient.ConnectAsync(host);
        await client.SendAsync("""{"type":"connection_init","payload":{"authorization":"Bearer secret"}}""");
        var ack = await client.ReceiveAsync();
        Assert.Equal("""{"type":"connection_ack","payload":{"welcome":"alice"}}""", ack.GetRawText());

        await client.SubscribeAsync("1", "{ whoami tenant }");
        var query = await ReceiveUntilTerminalAsync(client, "1");
        await client.SubscribeAsync("2", "subscription { whoami }");
        var subscription = await ReceiveUntilTerminalAsync(client, "2");

        Assert.Equal("""{"data":{"whoami":"alice","tenant":"t1"}}""", query[0].GetProperty("payload").GetRawText());
        Assert.Equal("""{"data":{"whoami":"alice"}}""", subscription[0].GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Each_operation_runs_in_its_own_DI_scope()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);

        await client.SubscribeAsync("1", "{ scoped }");
        var first = (await ReceiveUntilTerminalAsync(client, "1"))[0].GetProperty("payload").GetProperty("data").GetProperty("scoped").GetString();
        await client.SubscribeAsync("2", "{ scoped }");
        var second = (await ReceiveUntilTerminalAsync(client, "2"))[0].GetProperty("payload").GetProperty("data").GetProperty("scoped").GetString();

        Assert.NotNull(first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Close_4403_when_the_interceptor_rejects()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.AddWebSocketInterceptor<TestInterceptor>());
        await using var client = await WsTestClient.ConnectAsync(host);
        await client.SendAsync("""{"type":"connection_init","payload":{"authorization":"Bearer wrong"}}""");

        Assert.Equal((4403, "Forbidden"), await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Close_4500_when_the_interceptor_throws()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.AddWebSocketInterceptor<TestInterceptor>());
        await using var client = await WsTestClient.ConnectAsync(host);
        await client.SendAsync("""{"type":"connection_init","payload":{"authorization":"throw"}}""");

        Assert.Equal((4500, "Internal server error"), await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Close_4406_without_the_graphql_transport_ws_subprotocol()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var legacy = await WsTestClient.ConnectAsync(host, "graphql-ws");
        await using var none = await WsTestClient.ConnectAsync(host, null);

        Assert.Equal((4406, "Subprotocol not acceptable"), await legacy.ReceiveCloseAsync());
        Assert.Equal((4406, "Subprotocol not acceptable"), await none.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Close_4408_when_connection_init_does_not_arrive_in_time()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.ModifyOptions(o => o with
        {
            WebSockets = o.WebSockets with { ConnectionInitTimeout = TimeSpan.FromMilliseconds(200) },
        }));
        await using var client = await WsTestClient.ConnectAsync(host);

        Assert.Equal((4408, "Connection initialisation timeout"), await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Init_within_the_timeout_keeps_the_socket_open()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.ModifyOptions(o => o with
        {
            WebSockets = o.WebSockets with { ConnectionInitTimeout = TimeSpan.FromMilliseconds(200) },
        }));
        await using var client = await WsTestClient.ConnectAndInitAsync(host);
        await Task.Delay(400);

        await client.SubscribeAsync("1", "{ hello }");
        Assert.Equal(["next", "complete"], (await ReceiveUntilTerminalAsync(client, "1")).Select(Type));
    }

    [Fact]
    public async Task Close_4429_on_a_second_connection_init()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);
        await client.SendAsync("""{"type":"connection_init"}""");

        Assert.Equal((4429, "Too many initialisation requests"), await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Close_4401_on_subscribe_before_the_connection_is_acknowledged()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAsync(host);
        await client.SubscribeAsync("1", "{ hello }");

        Assert.Equal((4401, "Unauthorized"), await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Close_4409_when_a_subscriber_id_is_already_running()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);
        await client.SubscribeAsync("dup", "subscription { ticks(intervalMs: 50) }");
        await client.SubscribeAsync("dup", "subscription { ticks(intervalMs: 50) }");

        Assert.Equal((4409, "Subscriber for dup already exists"), await client.ReceiveCloseAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"payload":{}}""")]
    [InlineData("""{"type":"unknown"}""")]
    [InlineData("""{"type":"next","id":"1","payload":{}}""")]
    [InlineData("""{"type":"connection_init","payload":"token"}""")]
    [InlineData("""{"type":"subscribe","payload":{"query":"{ hello }"}}""")]
    [InlineData("""{"type":"subscribe","id":"","payload":{"query":"{ hello }"}}""")]
    [InlineData("""{"type":"subscribe","id":"1","payload":{"query":42}}""")]
    [InlineData("""{"type":"subscribe","id":"1","payload":{"query":"{ hello }","variables":[1]}}""")]
    [InlineData("""{"type":"subscribe","id":"1"}""")]
    [InlineData("""{"type":"complete"}""")]
    public async Task Close_4400_on_an_invalid_message(string message)
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);
        await client.SendAsync(message);

        var (code, reason) = await client.ReceiveCloseAsync();
        Assert.Equal(4400, code);
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public async Task Close_4400_on_a_binary_message()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);
        await client.Socket.SendAsync(new byte[] { 1, 2, 3 }, System.Net.WebSockets.WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Equal(4400, (await client.ReceiveCloseAsync()).Code);
    }

    [Fact]
    public async Task Close_1009_on_a_message_larger_than_MaxMessageSize()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.ModifyOptions(o => o with
        {
            WebSockets = o.WebSockets with { MaxMessageSize = 200 },
        }));
        await using var client = await WsTestClient.ConnectAndInitAsync(host);
        await client.SubscribeAsync("1", "{ hello " + new string(' ', 300) + "}");

        Assert.Equal((1009, "Message too big"), await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Closing_the_socket_cancels_running_subscriptions()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        var probe = host.Services.GetRequiredService<StreamProbe>();
        var client = await WsTestClient.ConnectAndInitAsync(host);
        await client.SubscribeAsync("t", "subscription { ticks }");
        Assert.Equal("next", Type(await client.ReceiveAsync()));

        await client.DisposeAsync();

        await probe.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Too_many_concurrent_operations_get_an_error_message()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.ModifyOptions(o => o with
        {
            WebSockets = o.WebSockets with { MaxOperationsPerConnection = 1 },
        }));
        await using var client = await WsTestClient.ConnectAndInitAsync(host);
        await client.SubscribeAsync("1", "subscription { ticks(intervalMs: 1000) }");
        Assert.Equal("next", Type(await client.ReceiveAsync()));
        await client.SubscribeAsync("2", "{ hello }");

        var error = await client.ReceiveAsync();
        Assert.Equal("error", Type(error));
        Assert.Equal("2", error.GetProperty("id").GetString());
        Assert.Equal("LIMIT_EXCEEDED", error.GetProperty("payload")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Host_shutdown_closes_sockets_with_1001()
    {
        var host = await SubscriptionsTestSchema.StartAsync();
        await using var client = await WsTestClient.ConnectAndInitAsync(host);
        await client.SubscribeAsync("t", "subscription { ticks(intervalMs: 20) }");
        Assert.Equal("next", Type(await client.ReceiveAsync()));

        var closed = client.ReceiveCloseAsync();
        await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((1001, "Server shutting down"), await closed);
    }

    [Fact]
    public async Task Plain_HTTP_requests_still_reach_the_HTTP_handler()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        using var response = await host.Client.PostAsync("/graphql", new StringContent("""{"query":"{ hello }"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal("""{"data":{"hello":"world"}}""", await response.Content.ReadAsStringAsync());
    }
}
