namespace CrowNest.Edge;

/// <summary>Outcome of checking a bearer credential against a preview.</summary>
public enum PreviewAuthResult
{
    /// <summary>The caller may read the preview: the request is proxied.</summary>
    Allowed,

    /// <summary>The credential is unknown, expired or malformed: 401 <c>unauthorized</c>.</summary>
    Unauthorized,

    /// <summary>The credential is valid but cannot see the preview's project: 404 <c>not_found</c> (no existence leak).</summary>
    NotFound,
}

/// <summary>
/// Validates <c>Authorization: Bearer &lt;api key&gt;</c> on preview requests (implemented by the server: the key needs
/// <c>preview:read</c> on <see cref="PreviewRoute.ProjectId"/>). Resolved from the request's services, so it may be
/// scoped; it is called on every bearer request without a valid session cookie, so cache if lookups are costly.
/// </summary>
public interface IPreviewAuthenticator
{
    /// <summary>Checks <paramref name="token"/> (the text after <c>Bearer </c>) for <paramref name="route"/>.</summary>
    ValueTask<PreviewAuthResult> AuthenticateBearerAsync(string token, PreviewRoute route, CancellationToken cancellationToken);
}
