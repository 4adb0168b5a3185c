using CrowNest.Platform.Auth;
using CrowNest.Schema;
using CrowNest.Server.Http;

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

            return user.ToCaller();
        }
    }
}
