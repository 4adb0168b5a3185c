namespace CrowNest.Edge;

/// <summary>Preview edge settings (config section <c>Edge</c>).</summary>
public sealed record EdgeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Edge";

    /// <summary>Default listen URL of the edge.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5081";

    /// <summary>Query parameter carrying a signed access link token: <c>?crownest_access=&lt;token&gt;</c> on any path.</summary>
    public const string AccessParameter = "crownest_access";

    /// <summary>Host-only cookie holding the signed preview session set after an access link was accepted.</summary>
    public const string SessionCookie = "crownest_preview";

    /// <summary>Every cookie whose name starts with this prefix is CrowNest's and never reaches a sandbox.</summary>
    public const string CookiePrefix = "crownest_";

    /// <summary>URL the edge listens on; every request arriving on its port is an edge request.</summary>
    public string Url { get; init; } = DefaultUrl;

    /// <summary>Host suffix of preview hosts: <c>&lt;slug&gt;.preview.localhost</c>.</summary>
    public string PreviewDomain { get; init; } = "preview.localhost";

    /// <summary>
    /// Base64 secret (at least 32 bytes) that signs access links and preview session cookies. When unset a random key is
    /// generated at startup, so links and sessions die with the process and are not valid across instances.
    /// </summary>
    public string? AccessKey { get; init; }

    /// <summary>How long the session cookie set by an access link stays valid.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>TCP connect timeout toward the sandbox port.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a proxied HTTP request may stay idle (no headers or body progress) before it fails with 502.</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Idle timeout of upgraded (WebSocket) connections; long because dev-server HMR sockets are quiet.</summary>
    public TimeSpan WebSocketIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// While an upgraded connection (a dev server's WebSocket, e.g. Vite's HMR socket) is open, how often it counts as
    /// activity on its preview (<see cref="IPreviewActivitySink"/>), so an open tab without HTTP traffic keeps its
    /// session alive; it counts once more when it closes. Must be positive.
    /// </summary>
    public TimeSpan UpgradeActivityInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The scheme clients use to reach previews: <c>https</c> behind a TLS-terminating proxy (the edge itself is reached
    /// over plain HTTP), so the session cookie is <c>Secure; SameSite=None</c> (iframes) and sandboxes see
    /// <c>X-Forwarded-Proto: https</c>. <see langword="null"/> (default): each request's own scheme.
    /// </summary>
    public string? PublicScheme { get; init; }

    /// <summary>
    /// Sends the original <c>Host</c> (<c>&lt;slug&gt;.&lt;domain&gt;</c>) to the sandbox (default) instead of
    /// <c>127.0.0.1:&lt;port&gt;</c>; dev servers such as Vite check it.
    /// </summary>
    public bool PreserveHost { get; init; } = true;

    /// <summary>
    /// Forwards through .NET's <see cref="System.Net.Http.SocketsHttpHandler"/> (the default); <see langword="false"/>
    /// uses the edge's own pooled HTTP/1.1 client (<see cref="Upstream.SandboxHttpHandler"/>) instead. Both cost the
    /// same CPU per request in the edge benchmark, so the hardened platform client stays the default.
    /// </summary>
    public bool UseSocketsHttpHandler { get; init; } = true;

    /// <summary>How long a looked-up preview route is cached before the store is asked again.</summary>
    public TimeSpan RouteCacheTtl { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an unknown slug is remembered as unknown.</summary>
    public TimeSpan RouteCacheNegativeTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Upper bound of cached routes (known and unknown slugs together).</summary>
    public int RouteCacheCapacity { get; init; } = 10_000;

    /// <summary>The port of <see cref="Url"/>.</summary>
    public int Port => new Uri(Url).Port;

    /// <summary>The problems of these settings (empty when valid), each naming its <c>Edge:</c> key.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (UpgradeActivityInterval <= TimeSpan.Zero)
        {
            problems.Add($"Edge:UpgradeActivityInterval must be positive (got {UpgradeActivityInterval})");
        }

        if (!string.IsNullOrWhiteSpace(PublicScheme) && NormalizedPublicScheme is null)
        {
            problems.Add($"Edge:PublicScheme must be 'http' or 'https', or unset for each request's own scheme (got '{PublicScheme}')");
        }

        return problems;
    }

    /// <summary><c>"https"</c>, <c>"http"</c> or null (unset, or not a valid value).</summary>
    internal string? NormalizedPublicScheme => PublicScheme?.Trim().ToLowerInvariant() switch
    {
        "https" => "https",
        "http" => "http",
        _ => null,
    };
}
