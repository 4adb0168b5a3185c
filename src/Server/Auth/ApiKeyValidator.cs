using System.Security.Claims;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CrowNest.Server.Auth;

/// <summary>The outcome of checking an API key secret: a principal, a failure message, or database unavailable.</summary>
public sealed record ApiKeyCheck(ClaimsPrincipal? Principal, string? Failure, bool Unavailable = false);

/// <summary>
/// Looks up an API key secret (SHA-256 among non-revoked, non-expired keys) and builds its principal, with the same
/// claims wherever a key arrives: the <c>Authorization</c> header (<see cref="ApiKeyAuthenticationHandler"/>), the
/// WebSocket <c>connection_init</c> payload and the preview edge.
/// </summary>
public sealed partial class ApiKeyValidator(CrowNestDbContext db, ILogger<ApiKeyValidator> logger)
{
    public async Task<ApiKeyCheck> CheckAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = ApiKeySecrets.Hash(secret.Trim());
        ApiKey? key;
        try
        {
            var now = DateTimeOffset.UtcNow;
            key = await db.ApiKeys.AsNoTracking()
                .Where(k => k.KeyHash == hash && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
                .FirstOrDefaultAsync(cancellationToken);
            if (key is not null)
            {
                await TouchAsync(key.Id, cancellationToken);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException { InnerException: NpgsqlException } or TimeoutException)
        {
            return new ApiKeyCheck(null, e.Message, Unavailable: true);
        }

        if (key is null)
        {
            return new ApiKeyCheck(null, "API key is invalid, revoked or expired");
        }

        var claims = new List<Claim>
        {
            new(CrowNestClaims.ApiKeyId, key.Id),
            new(CrowNestClaims.UserId, key.UserId),
            new(CrowNestClaims.OrganizationId, key.OrganizationId),
            new(ClaimTypes.NameIdentifier, key.UserId),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(CrowNestClaims.Scope, s)));
        return new ApiKeyCheck(new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyAuthenticationHandler.SchemeName)), null);
    }

    /// <summary>
    /// Records use at most once a minute so a busy key does not turn every request into a write; the condition is in
    /// the UPDATE, so concurrent requests agree without a read. Bookkeeping only: a failure never fails the request.
    /// </summary>
    private async Task TouchAsync(string keyId, CancellationToken cancellationToken)
    {
        try
        {
            await db.Database.ExecuteSqlAsync(
                $"UPDATE api_keys SET last_used_at = now() WHERE id = {keyId} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
                cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            LogTouchFailed(logger, keyId, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not record use of API key {KeyId} ({Reason})")]
    private static partial void LogTouchFailed(ILogger logger, string keyId, string reason);
}
