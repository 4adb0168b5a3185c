using CrowNest.Edge;

namespace CrowNest.Server.PreviewSessions;

/// <summary>The edge's activity sink: every proxied request to a preview marks its sandbox active (written in batches).</summary>
internal sealed class PreviewSessionActivitySink(PreviewSessionSupervisor supervisor) : IPreviewActivitySink
{
    public void Touch(PreviewRoute route)
    {
        if (route.SandboxId is { } sandboxId)
        {
            supervisor.TouchSandbox(sandboxId);
        }
    }
}
