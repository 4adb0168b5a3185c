using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using CrowNest.GraphQL;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Transport.WebSockets;
using CrowNest.GraphQL.Types;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GraphQLConformance;

/// <summary>The demo <c>Subscription</c> type of <c>--subscriptions</c>, used by the WebSocket and SSE client tests.</summary>
internal static class DemoSubscriptions
{
    public const string Sdl = """


        "Demo subscriptions of the conformance CLI (--subscriptions)."
        type Subscription {
          "Emits from, from-1, ..., 0 with delayMs between events, then completes."
          countdown(from: Int!, delayMs: Int = 10): Int!
          "Emits 0, 1, 2, ... every intervalMs until cancelled."
          ticks(intervalMs: Int = 50): Int!
          "Emits 1..after, then the source stream fails with code STREAM_FAILED."
          failing(after: Int = 1): Int!
          "Emits the connection user's name once (null when anonymous)."
          whoami: String
        }
        """;

    public static void Register(SchemaBuilder builder)
    {
        builder.AddResolver("Subscription.countdown", ctx => new ValueTask<object?>(Countdown(ctx.Argument<int>("from"), ctx.Argument<int>("delayMs"))));
        builder.AddResolver("Subscription.ticks", ctx => new ValueTask<object?>(Ticks(ctx.Argument<int>("intervalMs"))));
        builder.AddResolver("Subscription.failing", ctx => new ValueTask<object?>(Failing(ctx.Argument<int>("after"))));
        builder.AddResolver("Subscription.whoami", ctx => new ValueTask<object?>(Once(
            ctx.Services.GetService<IHttpContextAccessor>()?.HttpContext?.User.Identity?.Name)));
    }

    /// <summary>Server additions: the HTTP context accessor (for <c>whoami</c>) and, with a token, the connection check.</summary>
    public static void ConfigureServer(GraphQLBuilder graphql, string? token)
    {
        graphql.Services.AddHttpContextAccessor();
        if (token is not null)
        {
            graphql.AddWebSocketInterceptor(_ => new TokenInterceptor(token));
        }
    }

    private static async IAsyncEnumerable<int> Countdown(int from, int delayMs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = from; i >= 0; i--)
        {
            await Task.Delay(Math.Max(0, delayMs), cancellationToken).ConfigureAwait(false);
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> Ticks(int intervalMs, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; ; i++)
        {
            yield return i;
            await Task.Delay(Math.Max(1, intervalMs), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async IAsyncEnumerable<int> Failing(int after)
    {
        for (var i = 1; i <= after; i++)
        {
            await Task.Yield();
            yield return i;
        }

        throw new GraphQLException(new GraphQLError("The demo source stream failed.", "STREAM_FAILED"));
    }

    private static async IAsyncEnumerable<string?> Once(string? value)
    {
        await Task.Yield();
        yield return value;
    }

    /// <summary>Accepts <c>connection_init</c> payloads with <c>{"authorization":"Bearer TOKEN"}</c> as user "conformance".</summary>
    private sealed class TokenInterceptor(string token) : IGraphQLWebSocketInterceptor
    {
        public ValueTask<ConnectResult> OnConnectAsync(HttpContext context, JsonElement? payload, CancellationToken cancellationToken)
        {
            var authorization = payload is { } p && p.TryGetProperty("authorization", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (authorization != "Bearer " + token)
            {
                return ValueTask.FromResult(ConnectResult.Reject());
            }

            var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "conformance")], "token"));
            return ValueTask.FromResult(ConnectResult.Accept(user));
        }
    }
}
