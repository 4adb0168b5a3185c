using CrowNest.Platform.Data;
using CrowNest.Platform.Sandboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrowNest.Platform.Previews;

public sealed class Preview
{
    public required string Id { get; set; }
    public required string Slug { get; set; }
    public required string Url { get; set; }
    public required string OrganizationId { get; set; }
    public required string ProjectId { get; set; }
    public required string SandboxId { get; set; }
    public int Port { get; set; }
    public string AuthMode { get; set; } = PreviewAuthModes.Authenticated;
    public string? SourceCommandId { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

public static class PreviewAuthModes
{
    public const string Authenticated = "authenticated";
}

public static class PreviewsDb
{
    extension(CrowNestDbContext db)
    {
        public DbSet<Preview> Previews => db.Set<Preview>();
    }
}

internal sealed class PreviewConfiguration : IEntityTypeConfiguration<Preview>
{
    public void Configure(EntityTypeBuilder<Preview> e)
    {
        e.ToTable("previews");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
        e.Property(x => x.Slug).HasColumnName("slug").HasColumnType("text");
        e.Property(x => x.Url).HasColumnName("url").HasColumnType("text");
        e.Property(x => x.OrganizationId).HasColumnName("organization_id").HasColumnType("text");
        e.Property(x => x.ProjectId).HasColumnName("project_id").HasColumnType("text");
        e.Property(x => x.SandboxId).HasColumnName("sandbox_id").HasColumnType("text");
        e.Property(x => x.Port).HasColumnName("port").HasColumnType("integer");
        e.Property(x => x.AuthMode).HasColumnName("auth_mode").HasColumnType("text");
        e.Property(x => x.SourceCommandId).HasColumnName("source_command_id").HasColumnType("text");
        e.Property(x => x.CreatedBy).HasColumnName("created_by").HasColumnType("text");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at").HasColumnType("timestamp with time zone");
        e.Property(x => x.RevokedAt).HasColumnName("revoked_at").HasColumnType("timestamp with time zone");
        e.HasIndex(x => x.Slug).IsUnique();
        e.HasOne<Sandbox>().WithMany().HasForeignKey(x => x.SandboxId);
        e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId);
    }
}
