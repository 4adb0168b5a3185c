using System.Security.Claims;
using CrowNest.Platform.Auth;
using CrowNest.Server.Auth;

namespace CrowNest.Server.Http;

public static class CallerExtensions
{
    /// <summary>The caller behind an authenticated API-key principal (endpoints require authentication).</summary>
    public static Caller ToCaller(this ClaimsPrincipal principal) => new()
    {
        ApiKeyId = principal.FindFirstValue(CrowNestClaims.ApiKeyId) ?? "",
        UserId = principal.FindFirstValue(CrowNestClaims.UserId) ?? "",
        OrganizationId = principal.FindFirstValue(CrowNestClaims.OrganizationId) ?? "",
        Scopes = [.. principal.FindAll(CrowNestClaims.Scope).Select(c => c.Value)],
    };
}
