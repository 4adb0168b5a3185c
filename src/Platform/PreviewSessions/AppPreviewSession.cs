using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrowNest.Platform.PreviewSessions;

public static class PreviewSessionStatuses
{
    public const string Hydrating = "hydrating";
    public const string Installing = "installing";
    public const string Starting = "starting";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string Stopped = "stopped";

    public static bool IsTerminal(string status) => status is Failed or Stopped;
}

/// <summary>An app version's dev server running in a sandbox (table <c>app_preview_sessions</c>).</summary>
public sealed class AppPreviewSession
{
    public const string IdPrefix = "appprv";

    public required string Id { get; set; }
    public required string WorkspaceId { get; set; }
    public required string AppId { get; set; }
    public required string VersionId { get; set; }
    public string Status { get; set; } = PreviewSessionStatuses.Hydrating;
    public string? PreviewUrl { get; set; }
    public string? Error { get; set; }

    /// <summary>Raw JSON object (jsonb) or null.</summary>
    public string? Metadata { get; set; }
    public DateTimeOffset LastHeartbeatAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? ReadyAt { get; set; }
    public DateTimeOffset? StoppedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Runtime sandbox running the dev server, once created.</summary>
    public string? SandboxId { get; set; }

    /// <summary>Preview record exposing the dev server, once created (null when served without a preview record).</summary>
    public string? PreviewId { get; set; }

    /// <summary>Host port on 127.0.0.1 the dev server listens on.</summary>
    public int? Port { get; set; }
}

internal sealed class AppPreviewSessionConfiguration : IEntityTypeConfiguration<AppPreviewSession>
{
    public void Configure(EntityTypeBuilder<AppPreviewSession> e)
    {
        e.ToTable("app_preview_sessions");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
        e.Property(x => x.WorkspaceId).HasColumnName("workspace_id").HasColumnType("text");
        e.Property(x => x.AppId).HasColumnName("app_id").HasColumnType("text");
        e.Property(x => x.VersionId).HasColumnName("version_id").HasColumnType("text");
        e.Property(x => x.Status).HasColumnName("status").HasColumnType("text");
        e.Property(x => x.PreviewUrl).HasColumnName("preview_url").HasColumnType("text");
        e.Property(x => x.Error).HasColumnName("error").HasColumnType("text");
        e.Property(x => x.Metadata).HasColumnName("metadata").HasColumnType("jsonb");
        e.Property(x => x.LastHeartbeatAt).HasColumnName("last_heartbeat_at").HasColumnType("timestamp with time zone");
        e.Property(x => x.CreatedBy).HasColumnName("created_by").HasColumnType("text");
        e.Property(x => x.StartedAt).HasColumnName("started_at").HasColumnType("timestamp with time zone");
        e.Property(x => x.ReadyAt).HasColumnName("ready_at").HasColumnType("timestamp with time zone");
        e.Property(x => x.StoppedAt).HasColumnName("stopped_at").HasColumnType("timestamp with time zone");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone");
        e.Property(x => x.SandboxId).HasColumnName("sandbox_id").HasColumnType("text");
        e.Property(x => x.PreviewId).HasColumnName("preview_id").HasColumnType("text");
        e.Property(x => x.Port).HasColumnName("port").HasColumnType("integer");
        e.HasOne<Workspace>().WithMany().HasForeignKey(x => x.WorkspaceId);
        e.HasOne<App>().WithMany().HasForeignKey(x => x.AppId);
        e.HasOne<AppVersion>().WithMany().HasForeignKey(x => x.VersionId);
    }
}

public static class PreviewSessionsDb
{
    extension(CrowNestDbContext db)
    {
        public DbSet<AppPreviewSession> AppPreviewSessions => db.Set<AppPreviewSession>();
    }
}
