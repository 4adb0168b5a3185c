using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Sandboxes;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Platform.Previews;

/// <summary>
/// What the edge needs to route a preview host: the preview, its tenant, and the sandbox in the runtime. A preview
/// ends with its sandbox, so the route expires with the sandbox even before the reaper destroys it.
/// </summary>
public sealed record PreviewRoute(
    string PreviewId,
    string Slug,
    string ProjectId,
    string OrganizationId,
    string SandboxId,
    string Runtime,
    string RuntimeSandboxId,
    int Port,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? ExpiresAt = null);

/// <summary>Lookups for the preview edge (its route cache listens on <see cref="PreviewService.NotifyChannel"/>).</summary>
public sealed class PreviewRouteLookup(CrowNestDbContext db)
{
    /// <summary>The preview with this slug (revoked ones included, with <c>RevokedAt</c>), or null.</summary>
    public Task<PreviewRoute?> FindBySlugAsync(string slug, CancellationToken ct = default) =>
        (from p in db.Previews.AsNoTracking()
         join s in db.Sandboxes on p.SandboxId equals s.Id
         where p.Slug == slug
         select new PreviewRoute(p.Id, p.Slug, p.ProjectId, p.OrganizationId, p.SandboxId, s.Runtime, s.RuntimeId, p.Port, p.RevokedAt, p.ExpiresAt ?? s.ExpiresAt))
        .FirstOrDefaultAsync(ct);

    /// <summary>Whether the caller's key has <c>preview:read</c> and can see the project.</summary>
    public async Task<bool> CanReadPreviewAsync(Caller caller, string projectId, CancellationToken ct = default) =>
        caller.Has(Scopes.PreviewRead) && await db.VisibleProjects(caller).AnyAsync(p => p.Id == projectId, ct);
}
