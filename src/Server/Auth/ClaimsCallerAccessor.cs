using CrowNest.Schema;

namespace CrowNest.Server.Auth;

/// <summary>Exposes the API-key principal of the current HTTP request to GraphQL resolvers.</summary>
public sealed class ClaimsCallerAccessor(IHttpContextAccessor http) : ICallerAccessor
{
    public Caller? Current
    {
        get
        {
            var user = http.HttpContext?.User;
            if (user?.Identity?.IsAuthenticated != true)
            {
                return null;
            }

            return new Caller
            {
                ApiKeyId = user.FindFirst(CrowNestClaims.ApiKeyId)?.Value ?? "",
                UserId = user.FindFirst(CrowNestClaims.UserId)?.Value ?? "",
                OrganizationId = user.FindFirst(CrowNestClaims.OrganizationId)?.Value ?? "",
                Scopes = [.. user.FindAll(CrowNestClaims.Scope).Select(c => c.Value)],
            };
        }
    }
}
