namespace CrowNest.Edge;

/// <summary>
/// Source of preview routes (implemented by the server over PostgreSQL). Registered as a singleton: the
/// <see cref="PreviewRouteCache"/> in front of it is one. Lookups are shared between concurrent requests, so the
/// implementation gets <see cref="CancellationToken.None"/> and should apply its own timeout.
/// </summary>
public interface IPreviewRouteStore
{
    /// <summary>
    /// Finds the preview with this slug (lower case), including a revoked one (with <see cref="PreviewRoute.RevokedAt"/>
    /// set), or <see langword="null"/> when no preview has it.
    /// </summary>
    ValueTask<PreviewRoute?> FindBySlugAsync(string slug, CancellationToken cancellationToken);
}
