using CrowNest.GraphQL.Execution;
using CrowNest.Platform.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Schema.Resolvers;

internal static class ResolverContextExtensions
{
    /// <summary>The authenticated caller; the endpoint requires authentication, so absence is a host defect.</summary>
    public static Caller Caller(this IResolverContext context) =>
        context.Services.GetService<ICallerAccessor>()?.Current ?? throw ErrorHelper.Unauthorized();

    /// <summary>
    /// A domain service resolved from a DI scope of its own per call: sibling fields resolve in parallel (e.g.
    /// <c>viewer { user organization workspaces }</c> or two aliased <c>apps</c>), and a DbContext must never be used
    /// by two of them at once.
    /// </summary>
    public static ScopedService<TService> Scoped<TService>(this IResolverContext context)
        where TService : notnull => new(context);
}

/// <summary>Runs one call of <typeparamref name="TService"/> in a fresh DI scope; see <see cref="ResolverContextExtensions.Scoped"/>.</summary>
internal readonly struct ScopedService<TService>(IResolverContext context)
    where TService : notnull
{
    public async Task<T> RunAsync<T>(Func<TService, Task<T>> call)
    {
        await using var scope = context.Services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
