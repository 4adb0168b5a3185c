using System.Text.Json;
using CrowNest.GraphQL.Transport.WebSockets;
using CrowNest.Server.Auth;

namespace CrowNest.Server.Realtime;

/// <summary>
/// Authenticates a GraphQL WebSocket from its <c>connection_init</c> payload <c>{"authorization":"Bearer &lt;api key&gt;"}</c>
/// with the same key check as HTTP (browsers cannot send headers on the upgrade). Anything else closes with 4403.
/// </summary>
public sealed partial class ApiKeyWebSocketInterceptor(ApiKeyValidator validator, ILogger<ApiKeyWebSocketInterceptor> logger)
    : IGraphQLWebSocketInterceptor
{
    public async ValueTask<ConnectResult> OnConnectAsync(HttpContext context, JsonElement? payload, CancellationToken cancellationToken)
    {
        var authorization = payload is { ValueKind: JsonValueKind.Object } p
            && p.TryGetProperty("authorization", out var value)
            && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7)
        {
            return ConnectResult.Reject("connection_init payload must carry authorization: 'Bearer <api key>'");
        }

        var check = await validator.CheckAsync(authorization[7..], cancellationToken);
        if (check.Unavailable)
        {
            LogDatabaseUnavailable(logger, check.Failure!);
            return ConnectResult.Reject("database unavailable");
        }

        return check.Principal is { } principal ? ConnectResult.Accept(principal) : ConnectResult.Reject("API key is invalid, revoked or expired");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket API key check failed: database unavailable ({Reason})")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string reason);
}
