using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CrowNest.Edge;

/// <summary>
/// Routes preview traffic away from the API: requests on the edge port or for <c>*.preview.localhost</c> never
/// reach API endpoints. Until previews exist every such request is a 404 in the REST error shape.
/// </summary>
public sealed class EdgeMiddleware(RequestDelegate next, IOptions<EdgeOptions> options)
{
    private readonly EdgeOptions _options = options.Value;

    /// <summary>Handles edge requests, passes everything else on.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host.Host;
        var isPreviewHost = host.EndsWith("." + _options.PreviewDomain, StringComparison.OrdinalIgnoreCase);
        var onEdgePort = context.Connection.LocalPort != 0 && context.Connection.LocalPort == _options.Port;
        if (!isPreviewHost && !onEdgePort)
        {
            await next(context);
            return;
        }

        var message = isPreviewHost
            ? $"No preview is deployed at '{host}'"
            : $"The preview edge serves hosts under '*.{_options.PreviewDomain}' only";
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new { error = new { code = "not_found", message } }, cancellationToken: context.RequestAborted);
    }
}
