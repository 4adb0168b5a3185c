using System.Security.Claims;
using System.Text.Encodings.Web;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrowNest.Server.Auth;

public static class CrowNestClaims
{
    public const string UserId = "crownest:user_id";
    public const string OrganizationId = "crownest:organization_id";
    public const string ApiKeyId = "crownest:api_key_id";
    public const string Scope = "crownest:scope";
}

/// <summary>
/// <c>Authorization: Bearer &lt;secret&gt;</c>: the secret's SHA-256 is looked up among non-revoked, non-expired
/// API keys. Failures answer 401 with the REST error shape and <c>WWW-Authenticate: Bearer</c>; an unreachable
/// database answers 503, because the credentials could not be checked at all.
/// </summary>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    CrowNestDbContext db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string UnavailableItem = "crownest:auth-unavailable";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return AuthenticateResult.Fail("Authorization header must be 'Bearer <api key>'");
        }

        var hash = ApiKeySecrets.Hash(header[7..].Trim());
        ApiKey? key;
        try
        {
            var now = DateTimeOffset.UtcNow;
            key = await db.ApiKeys.AsNoTracking()
                .Where(k => k.KeyHash == hash && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
                .FirstOrDefaultAsync(Context.RequestAborted);
            if (key is not null)
            {
                // Throttled so a busy key does not turn every request into a write.
                await db.ApiKeys
                    .Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt < now.AddMinutes(-1)))
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException { InnerException: NpgsqlException } or TimeoutException)
        {
            LogDatabaseUnavailable(Logger, e.Message);
            Context.Items[UnavailableItem] = true;
            return AuthenticateResult.Fail("database unavailable");
        }

        if (key is null)
        {
            return AuthenticateResult.Fail("API key is invalid, revoked or expired");
        }

        var claims = new List<Claim>
        {
            new(CrowNestClaims.ApiKeyId, key.Id),
            new(CrowNestClaims.UserId, key.UserId),
            new(CrowNestClaims.OrganizationId, key.OrganizationId),
            new(ClaimTypes.NameIdentifier, key.UserId),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(CrowNestClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(UnavailableItem))
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await Response.WriteAsJsonAsync(new ErrorBody(new ErrorDetail("unavailable", "The database is unavailable, so credentials cannot be checked")));
            return;
        }

        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var message = result.Failure?.Message ?? "Missing 'Authorization: Bearer <api key>' header";
        await Response.WriteAsJsonAsync(new ErrorBody(new ErrorDetail("unauthorized", message)));
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Response.WriteAsJsonAsync(new ErrorBody(new ErrorDetail("forbidden", "This API key may not do that")));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API key check failed: database unavailable ({Reason})")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string reason);
}

/// <summary>REST error shape: <c>{"error":{"code","message"}}</c>.</summary>
public sealed record ErrorBody(ErrorDetail Error);

public sealed record ErrorDetail(string Code, string Message);
