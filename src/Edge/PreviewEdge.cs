using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using CrowNest.Edge.Upstream;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace CrowNest.Edge;

/// <summary>
/// The preview edge proper: host → route, authentication (access link, session cookie, bearer key), and forwarding
/// through YARP's <see cref="IHttpForwarder"/> with one shared connection pool.
/// </summary>
internal sealed class PreviewEdge : IDisposable
{
    private readonly EdgeOptions _options;
    private readonly string _hostSuffix;
    private readonly int _edgePort;
    private readonly PreviewRouteCache _routes;
    private readonly PreviewAccessLinks _links;
    private readonly IPreviewActivitySink _activity;
    private readonly IHttpForwarder _forwarder;
    private readonly TimeProvider _time;
    private readonly ILogger<PreviewEdge> _logger;
    private readonly HttpMessageInvoker _client;
    private readonly ConditionalWeakTable<PreviewRoute, SandboxTarget> _targets = [];
    private readonly ForwarderRequestConfig _httpConfig;
    private readonly ForwarderRequestConfig _upgradeConfig;
    private readonly string? _publicScheme;

    public PreviewEdge(
        IOptions<EdgeOptions> options,
        PreviewRouteCache routes,
        PreviewAccessLinks links,
        IPreviewActivitySink activity,
        IHttpForwarder forwarder,
        TimeProvider timeProvider,
        ILogger<PreviewEdge> logger)
    {
        _options = options.Value;
        _hostSuffix = "." + _options.PreviewDomain.Trim('.');
        _edgePort = Uri.TryCreate(_options.Url, UriKind.Absolute, out var url) ? url.Port : 0;
        _routes = routes;
        _links = links;
        _activity = activity;
        _forwarder = forwarder;
        _time = timeProvider;
        _logger = logger;
        // SocketsHttpHandler by default; SandboxHttpHandler (a pooled HTTP/1.1 client for loopback sandboxes) measured
        // the same CPU per request, so it is opt-in (docs/edge.md, "Outbound client"). Upgrades use the same client.
        _client = new HttpMessageInvoker(_options.UseSocketsHttpHandler
            ? new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                ConnectTimeout = _options.ConnectTimeout,
                // No trace-context headers toward sandboxes: nothing there reads them, and creating them costs per request.
                ActivityHeadersPropagator = null,
            }
            : new SandboxHttpHandler { ConnectTimeout = _options.ConnectTimeout });
        _httpConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = _options.UpstreamTimeout,
            // Sandboxes speak plain HTTP/1.1: asking for exactly that skips version negotiation.
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        _upgradeConfig = _httpConfig with { ActivityTimeout = _options.WebSocketIdleTimeout };
        // Once here, never per request: the cookie attributes and X-Forwarded-Proto follow it when set.
        _publicScheme = _options.NormalizedPublicScheme;
    }

    /// <summary>
    /// Handles the request when it belongs to the edge (a preview host on any port, or anything on the edge port);
    /// null when it is the API's. The slug is read from the Host header without allocating, and a cached route is
    /// found by span, so the common request allocates no strings here.
    /// </summary>
    public Task? TryHandleAsync(HttpContext context)
    {
        var host = HostName(context.Request.Host.Value);
        if (host.Length > _hostSuffix.Length && host.EndsWith(_hostSuffix, StringComparison.OrdinalIgnoreCase))
        {
            // Every host under the preview domain is the edge's, even a malformed one (answered 404, never the API).
            var label = host[..^_hostSuffix.Length];
            if (!IsDnsLabel(label))
            {
                return HandleAsync(context, null);
            }

            Span<char> slug = stackalloc char[label.Length];
            label.ToLowerInvariant(slug);
            return _routes.TryGetCached(slug, out var route)
                ? ServeAsync(context, route)
                : HandleAsync(context, new string(slug));
        }

        var port = context.Connection.LocalPort;
        return port != 0 && port == _edgePort ? HandleAsync(context, null) : null;
    }

    public async Task HandleAsync(HttpContext context, string? slug)
    {
        if (slug is null)
        {
            await EdgeResponses.WriteAsync(context, EdgeFailure.UnknownHost, $"The preview edge serves hosts under '*{_hostSuffix}' only");
            return;
        }

        PreviewRoute? route;
        try
        {
            route = await _routes.GetAsync(slug, context.RequestAborted);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            _logger.RouteLookupFailed(slug, e);
            await EdgeResponses.WriteAsync(context, EdgeFailure.RouteLookupFailed, "Preview routing is temporarily unavailable");
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await ServeAsync(context, route);
    }

    private async Task ServeAsync(HttpContext context, PreviewRoute? route)
    {
        if (route is null || !route.IsActive(_time.GetUtcNow()))
        {
            await NotFoundAsync(context);
            return;
        }

        var request = context.Request;
        if (request.QueryString.HasValue && request.Query.TryGetValue(EdgeOptions.AccessParameter, out var token))
        {
            await AcceptAccessLinkAsync(context, route, token.ToString());
            return;
        }

        EdgeFailure? failure;
        try
        {
            failure = await AuthenticateAsync(context, route);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            _logger.AuthenticationFailed(route.PreviewId, e);
            await EdgeResponses.WriteAsync(context, EdgeFailure.RouteLookupFailed, "Preview authentication is temporarily unavailable");
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (failure is { } denied)
        {
            if (denied == EdgeFailure.PreviewNotFound)
            {
                await NotFoundAsync(context);
            }
            else
            {
                await EdgeResponses.WriteAsync(context, denied, "This preview requires an API key with preview:read, a preview session cookie or an access link");
            }

            return;
        }

        try
        {
            _activity.Touch(route);
        }
        catch (Exception e)
        {
            _logger.ActivitySinkFailed(route.PreviewId, e);
        }

        // Forwarding inline (not a separate async method): one state machine per request instead of two.
        var upgrade = context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            || context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;
        // One target per cached route object: prefix, transformer and upstream URIs are built once, not per request.
        if (!_targets.TryGetValue(route, out var target))
        {
            target = _targets.GetValue(route, r => new SandboxTarget(r, _options.PreserveHost, _publicScheme));
        }

        var destination = target.Prefix;
        // Upgrades go through their own method, so a plain request's state machine carries nothing for them.
        var error = upgrade
            ? await ForwardUpgradeAsync(context, route, target)
            : await _forwarder.SendAsync(context, destination, _client, _httpConfig, target.Transformer);
        if (error == ForwarderError.None)
        {
            return;
        }

        var forwardFailure = EdgeFailures.Classify(error);
        if (forwardFailure == EdgeFailure.ClientAborted)
        {
            // Browsers cancel requests all the time (navigation, HMR reconnects): not a warning.
            _logger.ClientAborted(route.Slug, error);
        }
        else
        {
            _logger.ForwardFailed(route.Slug, destination, error, forwardFailure, context.Features.Get<IForwarderErrorFeature>()?.Exception);
        }

        var message = forwardFailure == EdgeFailure.PreviewTimeout
            ? $"The preview's service on port {route.TargetPort} did not respond in time"
            : $"The preview's service on port {route.TargetPort} is not reachable";
        await EdgeResponses.WriteAsync(context, forwardFailure, message);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Forwards an upgrade; YARP returns when the upgraded connection has closed. An open socket (a dev server's HMR
    /// socket in a tab nobody reloads) is a user looking at the preview, so it counts as activity every
    /// <see cref="EdgeOptions.UpgradeActivityInterval"/> while open and once more when it closes.
    /// </summary>
    private async ValueTask<ForwarderError> ForwardUpgradeAsync(HttpContext context, PreviewRoute route, SandboxTarget target)
    {
        var interval = _options.UpgradeActivityInterval;
        var timer = _time.CreateTimer(static state => ((UpgradeActivity)state!).Touch(), new UpgradeActivity(this, route), interval, interval);
        try
        {
            return await _forwarder.SendAsync(context, target.Prefix, _client, _upgradeConfig, target.Transformer);
        }
        finally
        {
            await timer.DisposeAsync();
            Touch(route);
        }
    }

    private void Touch(PreviewRoute route)
    {
        try
        {
            _activity.Touch(route);
        }
        catch (Exception e)
        {
            _logger.ActivitySinkFailed(route.PreviewId, e);
        }
    }

    private async ValueTask<EdgeFailure?> AuthenticateAsync(HttpContext context, PreviewRoute route)
    {
        var headers = context.Request.Headers;
        if (headers.Cookie.Count > 0 && CrowNestCookies.AnySession(headers.Cookie, _links, route.PreviewId))
        {
            return null;
        }

        var authorization = headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (authorization.Length <= scheme.Length || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return EdgeFailure.Unauthorized;
        }

        var bearer = authorization[scheme.Length..].Trim();
        if (bearer.Length == 0)
        {
            return EdgeFailure.Unauthorized;
        }

        var authenticator = context.RequestServices.GetRequiredService<IPreviewAuthenticator>();
        return await authenticator.AuthenticateBearerAsync(bearer, route, context.RequestAborted) switch
        {
            PreviewAuthResult.Allowed => null,
            PreviewAuthResult.NotFound => EdgeFailure.PreviewNotFound,
            _ => EdgeFailure.Unauthorized,
        };
    }

    private async Task AcceptAccessLinkAsync(HttpContext context, PreviewRoute route, string token)
    {
        var status = _links.Validate(token, route.PreviewId);
        var headers = context.Request.Headers;
        if (status != AccessLinkStatus.Valid && headers.Cookie.Count > 0 && CrowNestCookies.AnySession(headers.Cookie, _links, route.PreviewId))
        {
            // A browser reopening an old link is signed in already: land on the page, keep its session as it is.
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.Location = WithoutAccessParameter(context.Request);
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            return;
        }

        if (status != AccessLinkStatus.Valid)
        {
            _logger.AccessLinkRejected(route.PreviewId, status);
            var message = status == AccessLinkStatus.Expired ? "This access link has expired" : "This access link is not valid for this preview";
            await EdgeResponses.WriteAsync(context, EdgeFailure.Unauthorized, message);
            return;
        }

        // Behind a TLS-terminating proxy the request is plain HTTP but the browser's page is https (PublicScheme).
        var https = _publicScheme is null ? context.Request.IsHttps : _publicScheme == "https";
        var expires = _time.GetUtcNow() + _options.SessionLifetime;
        var response = context.Response;
        // Host-only (no Domain): the session is bound to this preview host, and its value to this preview ID.
        response.Cookies.Append(EdgeOptions.SessionCookie, _links.CreateSession(route.PreviewId, expires), new CookieOptions
        {
            HttpOnly = true,
            Path = "/",
            Secure = https,
            SameSite = https ? SameSiteMode.None : SameSiteMode.Lax,
            MaxAge = _options.SessionLifetime,
            Expires = expires,
        });
        response.Headers.CacheControl = "no-store";
        response.Headers.Location = WithoutAccessParameter(context.Request);
        response.StatusCode = StatusCodes.Status303SeeOther;
        _logger.AccessLinkAccepted(route.PreviewId);
    }

    private static Task NotFoundAsync(HttpContext context) =>
        EdgeResponses.WriteAsync(context, EdgeFailure.PreviewNotFound, $"No preview is deployed at '{context.Request.Host.Host}'");

    /// <summary>The host of a Host header value, without the port and a trailing dot ("[v6]" literals are kept whole: never a preview host).</summary>
    private static ReadOnlySpan<char> HostName(string? value)
    {
        var span = value.AsSpan();
        if (span.StartsWith('['))
        {
            return span;
        }

        var colon = span.IndexOf(':');
        var host = colon < 0 ? span : span[..colon];
        // "name." is the fully qualified spelling of "name": the same host, never a way past the edge to the API.
        return host.EndsWith('.') ? host[..^1] : host;
    }

    private static bool IsDnsLabel(ReadOnlySpan<char> label)
    {
        if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static string WithoutAccessParameter(HttpRequest request)
    {
        var path = (request.PathBase + request.Path).ToUriComponent();
        // "//host/x" in a Location is scheme-relative: a shared link on such a path would send the browser (with its
        // fresh session) to another site. Leading slashes collapse to one ('\' arrives percent-encoded, never raw).
        if (path.Length == 0 || path.StartsWith("//", StringComparison.Ordinal))
        {
            path = "/" + path.TrimStart('/');
        }

        var query = new StringBuilder();
        foreach (var pair in request.QueryString.Value.AsSpan(1).Split('&'))
        {
            var raw = request.QueryString.Value.AsSpan(1)[pair];
            if (raw.IsEmpty)
            {
                continue;
            }

            var eq = raw.IndexOf('=');
            var name = Uri.UnescapeDataString((eq < 0 ? raw : raw[..eq]).ToString().Replace('+', ' '));
            if (name == EdgeOptions.AccessParameter)
            {
                continue;
            }

            query.Append(query.Length == 0 ? '?' : '&').Append(raw);
        }

        return path + query;
    }

    /// <summary>Timer state of one open upgraded connection.</summary>
    private sealed class UpgradeActivity(PreviewEdge edge, PreviewRoute route)
    {
        public void Touch() => edge.Touch(route);
    }
}
