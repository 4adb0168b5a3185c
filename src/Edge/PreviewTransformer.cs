using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace CrowNest.Edge;

/// <summary>
/// Request/response rewriting toward a sandbox: platform credentials (Authorization, <c>crownest_*</c> cookies) never
/// leave the edge, <c>X-Forwarded-*</c> describe the client, the original Host is kept (configurable), and the sandbox
/// cannot set CrowNest cookies.
/// </summary>
/// <param name="preserveHost">Keep the client's Host (<see cref="EdgeOptions.PreserveHost"/>).</param>
/// <param name="forwardedProto"><see cref="EdgeOptions.PublicScheme"/> (normalized), or null for the request's scheme.</param>
/// <param name="target">The sandbox the requests go to.</param>
internal sealed class PreviewTransformer(bool preserveHost, string? forwardedProto, SandboxTarget target) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var request = httpContext.Request;
        // Set here, YARP does not build (and parse) the URI again.
        proxyRequest.RequestUri = target.UriFor(request);
        var incoming = request.Headers;
        var headers = proxyRequest.Headers;
        // Only headers the client actually sent need removing (a removal on the outgoing message is a lookup each).
        if (incoming.Authorization.Count > 0)
        {
            headers.Remove("Authorization");
        }

        if (incoming.ProxyAuthorization.Count > 0)
        {
            headers.Remove("Proxy-Authorization");
        }

        if (incoming.Cookie.Count > 0)
        {
            headers.Remove("Cookie");
            if (CrowNestCookies.Strip(incoming.Cookie) is { } cookie)
            {
                headers.TryAddWithoutValidation("Cookie", cookie);
            }
        }

        // The edge is where clients enter, so client-sent forwarding headers are not trusted: they are replaced.
        if (incoming.ContainsKey("Forwarded") || incoming.ContainsKey("X-Forwarded-For") || incoming.ContainsKey("X-Forwarded-Proto")
            || incoming.ContainsKey("X-Forwarded-Host") || incoming.ContainsKey("X-Forwarded-Prefix"))
        {
            headers.Remove("Forwarded");
            headers.Remove("X-Forwarded-For");
            headers.Remove("X-Forwarded-Proto");
            headers.Remove("X-Forwarded-Host");
            headers.Remove("X-Forwarded-Prefix");
        }

        if (httpContext.Connection.RemoteIpAddress is { } ip)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", ip.ToString());
        }

        headers.TryAddWithoutValidation("X-Forwarded-Proto", forwardedProto ?? request.Scheme);
        headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        // The base transformer already copied the client's Host (unvalidated). Setting Headers.Host again would validate
        // it by parsing a Uri per request, so the preserved Host is left as copied; only the rewrite removes it.
        if (!preserveHost)
        {
            headers.Host = null;
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        var setCookie = httpContext.Response.Headers.SetCookie;
        if (setCookie.Count > 0)
        {
            var kept = setCookie.Where(c => c is not null && !CrowNestCookies.IsCrowNest(c)).ToArray();
            if (kept.Length != setCookie.Count)
            {
                httpContext.Response.Headers.SetCookie = kept;
            }
        }

        return proceed;
    }

    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
        // HTTP/1.x clients cannot receive trailers from Kestrel, and asking for them allocates (Kestrel's trailer
        // collection, HttpResponseMessage.TrailingHeaders) on every request.
        HttpProtocol.IsHttp11(httpContext.Request.Protocol) || HttpProtocol.IsHttp10(httpContext.Request.Protocol)
            ? default
            : base.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);
}
