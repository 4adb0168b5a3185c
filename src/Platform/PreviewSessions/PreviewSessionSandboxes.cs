using CrowNest.Platform.Data;
using CrowNest.Platform.Previews;
using CrowNest.Platform.Sandboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrowNest.Platform.PreviewSessions;

/// <summary>The project of a workspace that holds its preview sessions' sandboxes and previews (table <c>app_preview_projects</c>).</summary>
public sealed class AppPreviewProject
{
    public required string WorkspaceId { get; set; }
    public required string ProjectId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class AppPreviewProjectConfiguration : IEntityTypeConfiguration<AppPreviewProject>
{
    public void Configure(EntityTypeBuilder<AppPreviewProject> e)
    {
        e.ToTable("app_preview_projects");
        e.HasKey(x => x.WorkspaceId);
        e.Property(x => x.WorkspaceId).HasColumnName("workspace_id").HasColumnType("text");
        e.Property(x => x.ProjectId).HasColumnName("project_id").HasColumnType("text");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.HasIndex(x => x.ProjectId).IsUnique();
        e.HasOne<Workspace>().WithMany().HasForeignKey(x => x.WorkspaceId);
        e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId);
    }
}

/// <summary>
/// A preview session's sandbox and preview are ordinary <c>/v1</c> records: a <c>sandboxes</c> row in the workspace's
/// own "App previews" project (so the sandbox housekeeping owns the runtime sandbox like any other <c>sbx-</c> one)
/// and a <c>previews</c> row for the dev server's port (so the edge routes and authenticates it, and destroying the
/// sandbox revokes it). The session supervisor drives them through this class; there are no scope checks here.
/// </summary>
public sealed class PreviewSessionSandboxes(CrowNestDbContext db, SandboxService sandboxes, PreviewService previews)
{
    public const string ProjectName = "App previews";

    /// <summary>
    /// Records the session's sandbox as <c>starting</c> before the runtime creates it, so a crash in between leaves a
    /// row that reconciliation settles, never a runtime sandbox nobody owns. Sessions' sandboxes never expire: the
    /// session's idle reaper ends them.
    /// </summary>
    public async Task<Sandbox> RecordAsync(string sandboxId, string workspaceId, string runtimeKind, string? createdBy, CancellationToken ct)
    {
        var (projectId, organizationId) = await ProjectOfAsync(workspaceId, ct);
        var sandbox = new Sandbox
        {
            Id = sandboxId,
            OrganizationId = organizationId,
            ProjectId = projectId,
            Status = SandboxStatuses.Starting,
            Runtime = runtimeKind,
            RuntimeId = SandboxService.RuntimeIdOf(sandboxId),
            CreatedBy = createdBy,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Sandboxes.Add(sandbox);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return sandbox;
    }

    /// <summary>
    /// Marks the created sandbox running and publishes <paramref name="hostPort"/> as its preview (the port the edge
    /// connects to on 127.0.0.1). Null when the sandbox was destroyed meanwhile.
    /// </summary>
    public async Task<Preview?> ActivateAsync(Sandbox sandbox, int hostPort, CancellationToken ct)
    {
        var updated = await db.Sandboxes.Where(s => s.Id == sandbox.Id && s.Status == SandboxStatuses.Starting)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SandboxStatuses.Running), ct);
        if (updated == 0)
        {
            return null;
        }

        sandbox.Status = SandboxStatuses.Running;
        return (await previews.InsertAsync(sandbox, hostPort, null, sandbox.CreatedBy, ct)).Preview;
    }

    /// <summary>
    /// Destroys the sandbox (runtime sandbox, commands, previews revoked) unless it already ended; idempotent. False
    /// when the runtime failed to destroy it.
    /// </summary>
    public async Task<bool> DestroyAsync(string sandboxId, string? reason, CancellationToken ct)
    {
        var sandbox = await db.Sandboxes.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sandboxId, ct);
        if (sandbox is null)
        {
            return true;
        }

        if (!sandbox.IsLive)
        {
            // Ended elsewhere (DELETE /v1/sandboxes, lost after a restart): its previews were revoked then.
            return true;
        }

        return await sandboxes.DestroyCoreAsync(sandbox, SandboxStatuses.Destroyed, reason, ct) is not null;
    }

    /// <summary>The workspace's preview project (created on first use) and the workspace's organization.</summary>
    private async Task<(string ProjectId, string OrganizationId)> ProjectOfAsync(string workspaceId, CancellationToken ct)
    {
        var existing = await FindProjectAsync(workspaceId, ct);
        if (existing is { } found)
        {
            return found;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Two first sessions of a workspace booting at once must share one project.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({"appprvproj:" + workspaceId}))", ct);
        if (await FindProjectAsync(workspaceId, ct) is { } raced)
        {
            return raced;
        }

        var organizationId = await db.Workspaces.Where(w => w.Id == workspaceId).Select(w => w.OrganizationId).FirstAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var project = new Project { Id = PrefixedId.New(PrefixedId.Project, now), WorkspaceId = workspaceId, Name = ProjectName, CreatedAt = now, UpdatedAt = now };
        db.Projects.Add(project);
        db.Set<AppPreviewProject>().Add(new AppPreviewProject { WorkspaceId = workspaceId, ProjectId = project.Id, CreatedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return (project.Id, organizationId);
    }

    private async Task<(string, string)?> FindProjectAsync(string workspaceId, CancellationToken ct)
    {
        var row = await (from m in db.Set<AppPreviewProject>()
                         join w in db.Workspaces on m.WorkspaceId equals w.Id
                         where m.WorkspaceId == workspaceId
                         select new { m.ProjectId, w.OrganizationId }).AsNoTracking().FirstOrDefaultAsync(ct);
        return row is null ? null : (row.ProjectId, row.OrganizationId);
    }
}
