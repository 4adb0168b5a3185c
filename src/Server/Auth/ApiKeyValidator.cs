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
/// rules and claims as <see cref="ApiKeyAuthenticationHandler"/>; used by the WebSocket <c>connection_init</c> check.
/// (The handler keeps its own copy to avoid editing the tenancy area concurrently; it can call this service later.)
/// </summary>
public sealed class ApiKeyValidator(CrowNestDbContext db)
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
                // Throttled so a busy key does not turn every request into a write.
                await db.ApiKeys
                    .Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt < now.AddMinutes(-1)))
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
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
}
