using System.Security.Claims;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace CrowNest.Server.Auth;

/// <summary>The outcome of checking an API key secret: a principal, a failure message, or database unavailable.</summary>
public sealed record ApiKeyCheck(ClaimsPrincipal? Principal, string? Failure, bool Unavailable = false);

/// <summary>
/// Looks up an API key secret (SHA-256 among non-revoked, non-expired keys) and builds its principal, with the same
/// claims wherever a key arrives: the <c>Authorization</c> header (<see cref="ApiKeyAuthenticationHandler"/>), the
/// WebSocket <c>connection_init</c> payload and the preview edge. Valid keys are served from <see cref="ApiKeyCache"/>
/// for a few seconds (evicted on change via NOTIFY); a cache miss reads the row and records use.
/// </summary>
public sealed partial class ApiKeyValidator(IServiceProvider services, ApiKeyCache cache, ILogger<ApiKeyValidator> logger)
{
    // Resolved only on a cache miss, so a cached key costs no DbContext.
    private CrowNestDbContext Db => services.GetRequiredService<CrowNestDbContext>();

    public async Task<ApiKeyCheck> CheckAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = ApiKeySecrets.Hash(secret.Trim());
        var hashHex = Convert.ToHexStringLower(hash);
        var key = cache.Get(hashHex);
        if (key is not null)
        {
            return new ApiKeyCheck(Principal(key), null);
        }

        try
        {
            var generation = cache.Generation;
            var now = DateTimeOffset.UtcNow;
            key = await Db.ApiKeys.AsNoTracking()
                .Where(k => k.KeyHash == hash && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
                .FirstOrDefaultAsync(cancellationToken);
            if (key is not null)
            {
                await TouchAsync(key.Id, cancellationToken);
                cache.Store(hashHex, key, generation);
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

        return new ApiKeyCheck(Principal(key), null);
    }

    private static ClaimsPrincipal Principal(ApiKey key)
    {
        var claims = new List<Claim>(4 + key.Scopes.Length)
        {
            new(CrowNestClaims.ApiKeyId, key.Id),
            new(CrowNestClaims.UserId, key.UserId),
            new(CrowNestClaims.OrganizationId, key.OrganizationId),
            new(ClaimTypes.NameIdentifier, key.UserId),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(CrowNestClaims.Scope, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyAuthenticationHandler.SchemeName));
    }

    /// <summary>
    /// Records use at most once a minute so a busy key does not turn every request into a write; the condition is in
    /// the UPDATE, so concurrent requests agree without a read. Bookkeeping only: a failure never fails the request.
    /// </summary>
    private async Task TouchAsync(string keyId, CancellationToken cancellationToken)
    {
        try
        {
            await Db.Database.ExecuteSqlAsync(
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

/// <summary>Registration of the API-key cache and its NOTIFY listener.</summary>
public static class ApiKeyCacheServiceCollectionExtensions
{
    public static IServiceCollection AddApiKeyCache(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiKeyCache>();
        services.AddHostedService<ApiKeyCacheInvalidator>();
        return services;
    }
}
