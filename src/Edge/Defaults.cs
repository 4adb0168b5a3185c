namespace CrowNest.Edge;

/// <summary>Default store until the server registers one: no previews exist, every preview host is a 404.</summary>
internal sealed class EmptyPreviewRouteStore : IPreviewRouteStore
{
    public ValueTask<PreviewRoute?> FindBySlugAsync(string slug, CancellationToken cancellationToken) => ValueTask.FromResult<PreviewRoute?>(null);
}

/// <summary>Default authenticator until the server registers one: bearer keys are never accepted (fail closed).</summary>
internal sealed class DenyingPreviewAuthenticator : IPreviewAuthenticator
{
    public ValueTask<PreviewAuthResult> AuthenticateBearerAsync(string token, PreviewRoute route, CancellationToken cancellationToken) =>
        ValueTask.FromResult(PreviewAuthResult.Unauthorized);
}

/// <summary>Default activity sink: nothing tracks activity.</summary>
internal sealed class NullPreviewActivitySink : IPreviewActivitySink
{
    public void Touch(PreviewRoute route)
    {
    }
}
