using CrowNest.Edge;

// Pipeline entry points live in the namespace callers already import, like the DI entry point.
#pragma warning disable IDE0130
namespace Microsoft.AspNetCore.Builder;
#pragma warning restore IDE0130

/// <summary>Pipeline entry point of the preview edge.</summary>
public static class EdgeApplicationBuilderExtensions
{
    /// <summary>Adds the edge in front of the API pipeline; call before authentication.</summary>
    public static IApplicationBuilder UseCrowNestEdge(this IApplicationBuilder app) => app.UseMiddleware<EdgeMiddleware>();
}
