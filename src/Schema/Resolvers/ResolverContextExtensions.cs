using CrowNest.GraphQL.Execution;
using CrowNest.Platform.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Schema.Resolvers;

internal static class ResolverContextExtensions
{
    /// <summary>The authenticated caller; the endpoint requires authentication, so absence is a host defect.</summary>
    public static Caller Caller(this IResolverContext context) =>
        context.Services.GetService<ICallerAccessor>()?.Current ?? throw ErrorHelper.Unauthorized();

    /// <summary>A domain service from the request's scope (the same instances REST uses).</summary>
    public static T Service<T>(this IResolverContext context)
        where T : notnull => context.Services.GetRequiredService<T>();
}
