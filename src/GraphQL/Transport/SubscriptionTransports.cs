using CrowNest.GraphQL.Transport.Sse;
using CrowNest.GraphQL.Transport.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace CrowNest.GraphQL.Transport;

/// <summary>Routes requests to the GraphQL endpoint: WebSocket upgrades, event streams, then plain GraphQL over HTTP.</summary>
internal static class SubscriptionTransports
{
    /// <summary>
    /// Wraps <paramref name="http"/>: WebSocket upgrades go to <see cref="GraphQLWebSocketHandler"/> (through the
    /// WebSocket middleware, so the host needs no <c>UseWebSockets()</c>), <c>Accept: text/event-stream</c> requests to
    /// <see cref="GraphQLSseHandler"/>; everything else is untouched.
    /// </summary>
    public static RequestDelegate Dispatch(IServiceProvider services, RequestDelegate http)
    {
        var options = services.GetService<GraphQLOptions>() ?? new GraphQLOptions();
        var webSockets = options.WebSockets.Enabled ? services.GetService<GraphQLWebSocketHandler>() : null;
        var sse = options.Sse.Enabled ? services.GetService<GraphQLSseHandler>() : null;
        if (webSockets is null && sse is null)
        {
            return http;
        }

        RequestDelegate? upgrade = null;
        if (webSockets is not null)
        {
            var middleware = new WebSocketMiddleware(
                context => context.WebSockets.IsWebSocketRequest ? webSockets.HandleAsync(context) : http(context),
                MsOptions.Create(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) }),
                services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
            upgrade = middleware.Invoke;
        }

        return context =>
        {
            var request = context.Request;
            if (upgrade is not null && (request.Headers.Upgrade.Count > 0 || HttpMethods.IsConnect(request.Method)))
            {
                return upgrade(context);
            }

            if (sse is not null && request.Headers.Accept.Count > 0 && GraphQLSseHandler.IsEventStreamRequest(request))
            {
                return sse.HandleAsync(context);
            }

            return http(context);
        };
    }

    /// <summary>A WebSocket-only endpoint delegate (<c>MapGraphQLWebSocket</c>): other requests get 400.</summary>
    public static RequestDelegate WebSocketOnly(IServiceProvider services)
    {
        var handler = services.GetRequiredService<GraphQLWebSocketHandler>();
        var middleware = new WebSocketMiddleware(
            handler.HandleAsync,
            MsOptions.Create(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) }),
            services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
        return middleware.Invoke;
    }
}
