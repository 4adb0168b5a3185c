using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CrowNest.GraphQL.Transport.WebSockets;

/// <summary>
/// Decides whether a WebSocket connection is accepted when the client sends <c>connection_init</c>, typically by
/// authenticating a token from the init payload (e.g. <c>{"authorization":"Bearer ..."}</c>). Register one with
/// <c>AddGraphQL().AddWebSocketInterceptor&lt;T&gt;()</c>; it is resolved from the connection's request services.
/// Without one every connection is accepted and runs as the user of the upgrade request.
/// </summary>
public interface IGraphQLWebSocketInterceptor
{
    /// <summary>
    /// Called once per socket with the <c>connection_init</c> payload (null when absent or JSON null).
    /// A rejected result closes the socket with 4403 Forbidden; an exception closes it with 4500.
    /// </summary>
    ValueTask<ConnectResult> OnConnectAsync(HttpContext context, JsonElement? payload, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IGraphQLWebSocketInterceptor.OnConnectAsync"/>.</summary>
public sealed record ConnectResult
{
    /// <summary>True to acknowledge the connection (<c>connection_ack</c>), false to close it with 4403.</summary>
    public bool IsAccepted { get; init; }

    /// <summary>
    /// The authenticated user: when set it becomes <see cref="HttpContext.User"/> of the connection, so every operation
    /// on the socket (resolvers using <c>IHttpContextAccessor</c>) sees it exactly as over HTTP.
    /// </summary>
    public ClaimsPrincipal? User { get; init; }

    /// <summary>Entries copied into the <c>ContextData</c> of every operation run on the socket.</summary>
    public IReadOnlyDictionary<string, object?>? ContextData { get; init; }

    /// <summary>Optional <c>payload</c> of the <c>connection_ack</c> message.</summary>
    public IReadOnlyDictionary<string, object?>? AckPayload { get; init; }

    /// <summary>Close reason sent with 4403 when rejected (at most 123 UTF-8 bytes); default "Forbidden".</summary>
    public string? RejectReason { get; init; }

    /// <summary>Accepts the connection, optionally as <paramref name="user"/> and with per-operation context data.</summary>
    public static ConnectResult Accept(ClaimsPrincipal? user = null, IReadOnlyDictionary<string, object?>? contextData = null) =>
        new() { IsAccepted = true, User = user, ContextData = contextData };

    /// <summary>Rejects the connection: the socket is closed with 4403 and <paramref name="reason"/>.</summary>
    public static ConnectResult Reject(string? reason = null) => new() { IsAccepted = false, RejectReason = reason };
}
