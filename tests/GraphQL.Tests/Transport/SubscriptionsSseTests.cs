using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CrowNest.GraphQL.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.GraphQL.Tests.Transport;

/// <summary>GraphQL over SSE (graphql-sse, distinct connections mode) against a real Kestrel server with <see cref="HttpClient"/>.</summary>
public sealed class SubscriptionsSseTests
{
    private sealed record SseEvent(string? Event, string Data, bool IsComment);

    private static HttpRequestMessage Post(string query, string? variables = null)
    {
        var body = "{\"query\":" + JsonSerializer.Serialize(query) + (variables is null ? string.Empty : ",\"variables\":" + variables) + "}";
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    private static HttpRequestMessage Get(string query)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/graphql?query=" + Uri.EscapeDataString(query));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    /// <summary>Reads SSE events (and comments) from <paramref name="reader"/>; null at end of stream.</summary>
    private static async Task<SseEvent?> ReadEventAsync(StreamReader reader)
    {
        string? name = null;
        var data = new StringBuilder();
        var comment = false;
        var any = false;
        while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15)) is { } line)
        {
            if (line.Length == 0)
            {
                if (any)
                {
                    return new SseEvent(name, data.ToString(), comment);
                }

                continue;
            }

            any = true;
            if (line.StartsWith(':'))
            {
                comment = true;
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line[5..].TrimStart());
            }
        }

        return null;
    }

    private static async Task<List<SseEvent>> ReadAllEventsAsync(HttpResponseMessage response)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<SseEvent>();
        while (await ReadEventAsync(reader) is { } e)
        {
            if (!e.IsComment)
            {
                events.Add(e);
            }
        }

        return events;
    }

    [Fact]
    public async Task Subscription_over_POST_streams_next_events_then_complete()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        using var response = await host.Client.SendAsync(Post("subscription ($n: Int!) { countdown(from: $n) }", """{"n":2}"""), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await ReadAllEventsAsync(response);
        Assert.Equal(["next", "next", "next", "complete"], events.Select(e => e.Event));
        Assert.Equal(["""{"data":{"countdown":2}}""", """{"data":{"countdown":1}}""", """{"data":{"countdown":0}}""", ""], events.Select(e => e.Data));
    }

    [Fact]
    public async Task Query_over_GET_is_one_next_event_then_complete()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        using var response = await host.Client.SendAsync(Get("{ hello }"), HttpCompletionOption.ResponseHeadersRead);

        var events = await ReadAllEventsAsync(response);
        Assert.Equal(["next", "complete"], events.Select(e => e.Event));
        Assert.Equal("""{"data":{"hello":"world"}}""", events[0].Data);
    }

    [Fact]
    public async Task Mutation_over_POST_runs_and_over_GET_is_refused_in_the_stream()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        using var post = await host.Client.SendAsync(Post("mutation { add(a: 1, b: 2) }"), HttpCompletionOption.ResponseHeadersRead);
        using var get = await host.Client.SendAsync(Get("mutation { add(a: 1, b: 2) }"), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("""{"data":{"add":3}}""", (await ReadAllEventsAsync(post))[0].Data);
        var refused = await ReadAllEventsAsync(get);
        Assert.Equal(["next", "complete"], refused.Select(e => e.Event));
        Assert.Equal(TransportErrorCodes.OperationNotAllowed, JsonDocument.Parse(refused[0].Data).RootElement.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Validation_errors_are_a_next_event_with_errors_then_complete()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        using var response = await host.Client.SendAsync(Post("subscription { nope }"), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await ReadAllEventsAsync(response);
        Assert.Equal(["next", "complete"], events.Select(e => e.Event));
        var body = JsonDocument.Parse(events[0].Data).RootElement;
        Assert.False(body.TryGetProperty("data", out _));
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Malformed_request_body_is_a_400_json_response()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent("{nope", Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BAD_REQUEST", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Source_stream_failure_is_a_next_event_with_the_error_then_complete()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        using var response = await host.Client.SendAsync(Post("subscription { failing }"), HttpCompletionOption.ResponseHeadersRead);

        var events = await ReadAllEventsAsync(response);
        Assert.Equal(["next", "next", "complete"], events.Select(e => e.Event));
        Assert.Equal("""{"data":{"failing":1}}""", events[0].Data);
        Assert.Equal("STREAM_BROKEN", JsonDocument.Parse(events[1].Data).RootElement.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Client_disconnect_cancels_the_subscription()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync();
        var probe = host.Services.GetRequiredService<StreamProbe>();
        var response = await host.Client.SendAsync(Post("subscription { ticks(intervalMs: 20) }"), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var reader = new StreamReader(stream);
        Assert.Equal("next", (await ReadEventAsync(reader))!.Event);
        Assert.False(probe.Disposed.Task.IsCompleted);

        reader.Dispose();
        response.Dispose();

        await probe.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Host_shutdown_ends_open_streams()
    {
        var host = await SubscriptionsTestSchema.StartAsync();
        using var response = await host.Client.SendAsync(Post("subscription { ticks(intervalMs: 20) }"), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("next", (await ReadEventAsync(reader))!.Event);

        var draining = Task.Run(async () =>
        {
            while (await ReadEventAsync(reader) is not null)
            {
            }
        });
        await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        await draining.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Idle_streams_get_keep_alive_comments()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.ModifyOptions(o => o with
        {
            Sse = o.Sse with { KeepAliveInterval = TimeSpan.FromMilliseconds(50) },
        }));
        using var response = await host.Client.SendAsync(Post("subscription { ticks(intervalMs: 5000) }"), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // A keep-alive may precede the first tick on a busy machine (the interval is 50 ms): skip to the tick.
        var first = await ReadEventAsync(reader);
        while (first is { IsComment: true })
        {
            first = await ReadEventAsync(reader);
        }

        Assert.Equal("next", first!.Event);
        var next = await ReadEventAsync(reader);
        Assert.True(next!.IsComment, "expected a keep-alive comment, got event " + next.Event);
    }

    [Fact]
    public async Task A_reader_that_falls_behind_gets_SUBSCRIPTION_OVERFLOW_then_complete()
    {
        await using var host = await SubscriptionsTestSchema.StartAsync(g => g.ModifyOptions(o => o with
        {
            Sse = o.Sse with { MaxBufferedMessages = 4 },
        }));
        var probe = host.Services.GetRequiredService<StreamProbe>();
        using var response = await host.Client.SendAsync(Post("subscription { big(size: 65536) }"), HttpCompletionOption.ResponseHeadersRead);

        // Not reading: the connection's buffers fill up, writes block, and the 4-result buffer overflows.
        await probe.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var events = await ReadAllEventsAsync(response);

        Assert.Equal("complete", events[^1].Event);
        Assert.Equal(SubscriptionErrorCodes.Overflow, JsonDocument.Parse(events[^2].Data).RootElement.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.All(events[..^2], e => Assert.StartsWith("""{"data":{"big":"xxxx""", e.Data, StringComparison.Ordinal));
    }
}
