using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CrowNest.Edge;

/// <summary>Error answers of the edge: REST error JSON, or a small HTML page for browsers.</summary>
internal static class EdgeResponses
{
    public static async Task WriteAsync(HttpContext context, EdgeFailure failure, string message)
    {
        var response = context.Response;
        if (response.HasStarted || failure == EdgeFailure.ClientAborted)
        {
            return;
        }

        response.Clear();
        response.StatusCode = failure.StatusCode();
        response.Headers.CacheControl = "no-store";
        if (failure == EdgeFailure.Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer realm=\"crownest-preview\"";
        }

        byte[] body;
        if (WantsHtml(context.Request))
        {
            response.ContentType = "text/html; charset=utf-8";
            body = Encoding.UTF8.GetBytes(Html(failure, message));
        }
        else
        {
            response.ContentType = "application/json";
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteStartObject("error");
                json.WriteString("code", failure.ErrorCode());
                json.WriteString("message", message);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            body = buffer.ToArray();
        }

        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private static bool WantsHtml(HttpRequest request)
    {
        foreach (var accept in request.Headers.Accept)
        {
            if (accept is not null && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string Html(EdgeFailure failure, string message)
    {
        var title = failure switch
        {
            EdgeFailure.Unauthorized => "Sign-in required",
            EdgeFailure.UnknownHost or EdgeFailure.PreviewNotFound => "Preview not found",
            EdgeFailure.PreviewUnavailable or EdgeFailure.PreviewTimeout => "Preview unavailable",
            _ => "Preview error",
        };
        var hint = failure == EdgeFailure.Unauthorized
            ? "<p>This CrowNest preview is private. Open it through an access link from CrowNest, or send an API key with <code>preview:read</code> as <code>Authorization: Bearer</code>.</p>"
            : "";
        return $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>{title} · CrowNest</title>
            <style>body{"{"}font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222{"}"}code{"{"}background:#eee;padding:0 .2em{"}"}</style></head>
            <body><h1>{title}</h1><p>{WebUtility.HtmlEncode(message)}</p>{hint}<p><small>{failure.StatusCode()} · {failure.ErrorCode()}</small></p></body></html>
            """;
    }
}
