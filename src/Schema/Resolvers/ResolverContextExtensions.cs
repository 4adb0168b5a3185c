using CrowNest.GraphQL.Execution;
using CrowNest.Platform.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Schema.Resolvers;

internal static class ResolverContextExtensions
{
    /// <summary>The authenticated caller; the endpoint requires authentication, so absence is a host defect.</summary>
    public static Caller Caller(this IResolverContext context) =>
        context.Services.GetService<ICallerAccessor>()?.Current ?? throw ErrorHelper.Unauthorized();
}
