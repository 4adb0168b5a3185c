using Microsoft.AspNetCore.Http;

namespace CrowNest.Edge;

/// <summary>
/// Routes preview traffic away from the API: requests for <c>&lt;slug&gt;.&lt;preview domain&gt;</c> hosts (any port)
/// or on the edge port never reach API endpoints; they are authenticated and proxied to the preview's sandbox port.
/// </summary>
internal sealed class EdgeMiddleware(RequestDelegate next, PreviewEdge edge)
{
    public Task InvokeAsync(HttpContext context) =>
        edge.TryHandleAsync(context) ?? next(context);
}
