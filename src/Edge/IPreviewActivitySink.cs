namespace CrowNest.Edge;

/// <summary>
/// Told about every authorized request the edge proxies (HTTP requests and WebSocket upgrades), and while an upgraded
/// connection stays open every <see cref="EdgeOptions.UpgradeActivityInterval"/> (on a timer thread) and once when it
/// closes, so the server can keep the preview's sandbox alive. Called inline on the request path and concurrently: it
/// must be thread-safe, cheap and must not block (record a timestamp, debounce, write later).
/// </summary>
public interface IPreviewActivitySink
{
    /// <summary>Records activity on <paramref name="route"/>.</summary>
    void Touch(PreviewRoute route);
}
