namespace CrowNest.Edge;

/// <summary>Where one preview host routes to, as the edge needs it.</summary>
public sealed record PreviewRoute
{
    /// <summary>Preview ID (<c>prv_…</c>); access links and session cookies are bound to it.</summary>
    public required string PreviewId { get; init; }

    /// <summary>DNS-safe slug, the first label of the preview host.</summary>
    public required string Slug { get; init; }

    /// <summary>Owning project (<c>prj_…</c>); bearer keys need <c>preview:read</c> on it.</summary>
    public required string ProjectId { get; init; }

    /// <summary>Owning organization (<c>org_…</c>).</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Host the sandbox port is reachable on (normally <c>127.0.0.1</c>).</summary>
    public string TargetHost { get; init; } = "127.0.0.1";

    /// <summary>Port of the sandbox service on <see cref="TargetHost"/>.</summary>
    public required int TargetPort { get; init; }

    /// <summary>When the preview was revoked; a revoked preview answers 404.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>When the preview expires, if it does; an expired preview answers 404.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Sandbox behind the preview (<c>sbx_…</c>), for activity tracking; optional.</summary>
    public string? SandboxId { get; init; }

    /// <summary>Whether the preview routes traffic at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expires || expires > now);
}
