using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrowNest.GraphQL.Transport.WebSockets;

/// <summary>
/// GraphQL over WebSocket with the <c>graphql-transport-ws</c> subprotocol (the graphql-ws protocol): connection
/// initialisation with an optional <see cref="IGraphQLWebSocketInterceptor"/>, ping/pong, multiplexed
/// subscriptions, queries and mutations, and the protocol's close codes (<see cref="GraphQLWebSocketCloseCodes"/>).
/// Each operation runs in its own DI scope, as the user of the connection.
/// </summary>
public sealed class GraphQLWebSocketHandler(RequestExecutor executor, ILogger<GraphQLWebSocketHandler>? logger = null)
{
    /// <summary>The WebSocket subprotocol implemented.</summary>
    public const string SubProtocol = "graphql-transport-ws";

    private readonly ILogger _logger = logger ?? NullLogger<GraphQLWebSocketHandler>.Instance;

    // Shared by every socket of this handler (one per server): GraphQLWebSocketOptions.MaxConcurrentStartsPerServer.
    private readonly SemaphoreSlim? _serverStarts = executor.Options.WebSockets.MaxConcurrentStartsPerServer is > 0 and var max
        ? new SemaphoreSlim(max, max)
        : null;

    /// <summary>The pipeline operations run through.</summary>
    public RequestExecutor Executor { get; } = executor;

    /// <summary>Accepts the WebSocket of <paramref name="context"/> and runs the protocol until the socket closes.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var acceptable = context.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol, StringComparer.Ordinal);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = acceptable ? SubProtocol : null,
        }).ConfigureAwait(false);
        var options = Executor.Options.WebSockets;
        var interceptor = context.RequestServices.GetService<IGraphQLWebSocketInterceptor>();
        var scopes = context.RequestServices.GetRequiredService<IServiceScopeFactory>();
        var connection = new GraphQLWebSocketConnection(socket, context, Executor, options, interceptor, scopes, _logger, _serverStarts);
        var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        await connection.RunAsync(acceptable, stopping).ConfigureAwait(false);
    }
}
