namespace CrowNest.Edge;

/// <summary>
/// Told about every authorized request the edge proxies (HTTP requests and WebSocket upgrades), so the server can keep
/// the preview's sandbox alive. Called inline on the request path: it must be cheap and must not block (record a
/// timestamp, debounce, write later).
/// </summary>
public interface IPreviewActivitySink
{
    /// <summary>Records activity on <paramref name="route"/>.</summary>
    void Touch(PreviewRoute route);
}
