using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

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
    ApiKeyValidator validator)
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

        var check = await validator.CheckAsync(header[7..], Context.RequestAborted);
        if (check.Unavailable)
        {
            LogDatabaseUnavailable(Logger, check.Failure ?? "");
            Context.Items[UnavailableItem] = true;
            return AuthenticateResult.Fail("database unavailable");
        }

        return check.Principal is null
            ? AuthenticateResult.Fail(check.Failure ?? "API key is invalid, revoked or expired")
            : AuthenticateResult.Success(new AuthenticationTicket(check.Principal, SchemeName));
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
