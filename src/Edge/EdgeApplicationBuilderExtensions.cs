using CrowNest.Edge;
using Microsoft.AspNetCore.Routing;

// Pipeline entry points live in the namespace callers already import, like the DI entry point.
#pragma warning disable IDE0130
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Pipeline entry point of the preview edge.</summary>
public static class EdgeApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the edge in front of the API pipeline; call first, before authentication. On a <c>WebApplication</c> this
    /// also adds endpoint routing right behind the edge: otherwise WebApplication puts routing in front of every
    /// middleware, and each preview request would pay for endpoint matching it never uses.
    /// </summary>
    public static IApplicationBuilder UseCrowNestEdge(this IApplicationBuilder app)
    {
        app.UseMiddleware<EdgeMiddleware>();
        if (app is IEndpointRouteBuilder)
        {
            app.UseRouting();
        }

        return app;
    }
}
