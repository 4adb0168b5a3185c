using CrowNest.Edge;

namespace CrowNest.Server.PreviewSessions;

/// <summary>The edge's activity sink: every proxied request to a preview marks its sandbox active (written in batches).</summary>
internal sealed class PreviewSessionActivitySink(SandboxActivity activity) : IPreviewActivitySink
{
    public void Touch(PreviewRoute route)
    {
        if (route.SandboxId is { } sandboxId)
        {
            activity.Touch(sandboxId);
        }
    }
}
