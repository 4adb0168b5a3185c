namespace CrowNest.Server.PreviewSessions;

/// <summary>A published dev server: the URL clients open and the preview record behind it, if any.</summary>
public sealed record PublishedPreview(string Url, string? PreviewId);

/// <summary>Exposes a session's dev server port (the previews area implements it with a preview record behind the edge).</summary>
public interface IPreviewSessionPublisher
{
    /// <summary>Publishes the session sandbox's dev server port and returns its URL.</summary>
    Task<PublishedPreview> PublishAsync(PreviewSessionTarget target, CancellationToken cancellationToken);

    /// <summary>Withdraws a preview created by <see cref="PublishAsync"/>. Idempotent.</summary>
    Task RevokeAsync(string previewId, CancellationToken cancellationToken);
}

/// <summary>What to publish.</summary>
public sealed record PreviewSessionTarget(string SessionId, string WorkspaceId, string AppId, string? CreatedBy, string SandboxId, int HostPort);

/// <summary>Used until previews exist: the dev server's own loopback URL (reachable from this machine only).</summary>
internal sealed class DirectPreviewPublisher : IPreviewSessionPublisher
{
    public Task<PublishedPreview> PublishAsync(PreviewSessionTarget target, CancellationToken cancellationToken) =>
        Task.FromResult(new PublishedPreview($"http://127.0.0.1:{target.HostPort}", null));

    public Task RevokeAsync(string previewId, CancellationToken cancellationToken) => Task.CompletedTask;
}
