using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace CrowNest.GraphQL.Transport;

/// <summary>
/// Serves the GraphiQL IDE from our own origin: the page and the npm <c>graphiql</c>/<c>react</c> UMD bundles that the
/// build embeds as resources. When the build could not run npm the assets are missing and GraphiQL answers 503.
/// </summary>
public static class GraphiQL
{
    private const string ResourcePrefix = "CrowNest.GraphQL.GraphiQL.";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["graphiql.min.js"] = "text/javascript; charset=utf-8",
        ["graphiql.min.css"] = "text/css; charset=utf-8",
        ["react.production.min.js"] = "text/javascript; charset=utf-8",
        ["react-dom.production.min.js"] = "text/javascript; charset=utf-8",
    };

    private static readonly Lazy<Dictionary<string, byte[]>> Assets = new(LoadAssets);

    /// <summary>The asset file names GraphiQL needs.</summary>
    public static IReadOnlyCollection<string> AssetNames => ContentTypes.Keys;

    /// <summary>True when every GraphiQL asset was embedded at build time.</summary>
    public static bool IsAvailable => Assets.Value.Count == ContentTypes.Count;

    /// <summary>Writes the GraphiQL HTML page; its assets load from <c>{endpoint}/graphiql/</c>.</summary>
    public static async Task WritePageAsync(HttpContext context)
    {
        var response = context.Response;
        if (!IsAvailable)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(
                "GraphiQL is unavailable: its assets were not embedded because npm was not available when CrowNest.GraphQL was built. "
                + "Install Node.js/npm and rebuild. The GraphQL endpoint itself works (POST application/json).",
                context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var endpoint = (context.Request.PathBase + context.Request.Path).Value ?? "/graphql";
        endpoint = endpoint.TrimEnd('/');
        var assets = HtmlEncoder.Default.Encode(endpoint + "/graphiql/");
        var url = JavaScriptEncoder.Default.Encode(endpoint);
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8" />
              <meta name="viewport" content="width=device-width, initial-scale=1" />
              <title>GraphiQL</title>
              <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
              <link rel="stylesheet" href="{{assets}}graphiql.min.css" />
              <script src="{{assets}}react.production.min.js"></script>
              <script src="{{assets}}react-dom.production.min.js"></script>
              <script src="{{assets}}graphiql.min.js"></script>
            </head>
            <body>
              <div id="graphiql">Loading…</div>
              <script>
                const fetcher = GraphiQL.createFetcher({ url: "{{url}}" });
                ReactDOM.createRoot(document.getElementById("graphiql"))
                  .render(React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true }));
              </script>
            </body>
            </html>
            """;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await response.WriteAsync(html, Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Serves one asset by file name (404 for unknown names, 503 when the assets were not embedded).</summary>
    public static async Task WriteAssetAsync(HttpContext context, string? file)
    {
        var response = context.Response;
        if (file is null || !ContentTypes.TryGetValue(file, out var contentType))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!Assets.Value.TryGetValue(file, out var bytes))
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("GraphiQL assets were not embedded (npm was unavailable at build time).", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        response.Headers.CacheControl = "public, max-age=86400";
        await response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static Dictionary<string, byte[]> LoadAssets()
    {
        var assembly = typeof(GraphiQL).Assembly;
        var assets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in ContentTypes.Keys)
        {
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name);
            if (stream is null)
            {
                continue;
            }

            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            assets[name] = memory.ToArray();
        }

        return assets;
    }
}
