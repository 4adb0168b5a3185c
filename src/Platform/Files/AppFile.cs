using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrowNest.Platform.Files;

/// <summary>One file of an app version (<c>app_files</c>), stored whole: a write replaces every column at once.</summary>
public sealed class AppFile
{
    public required string VersionId { get; set; }

    /// <summary>Normalized relative path (<see cref="FilePaths.Normalize"/>).</summary>
    public required string Path { get; set; }
    public required byte[] Content { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required byte[] Sha256 { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class AppFileConfiguration : IEntityTypeConfiguration<AppFile>
{
    public void Configure(EntityTypeBuilder<AppFile> e)
    {
        e.ToTable("app_files");
        e.HasKey(x => new { x.VersionId, x.Path });
        e.Property(x => x.VersionId).HasColumnName("version_id").HasColumnType("text");
        e.Property(x => x.Path).HasColumnName("path").HasColumnType("text");
        e.Property(x => x.Content).HasColumnName("content").HasColumnType("bytea");
        e.Property(x => x.ContentType).HasColumnName("content_type").HasColumnType("text");
        e.Property(x => x.Size).HasColumnName("size").HasColumnType("bigint");
        e.Property(x => x.Sha256).HasColumnName("sha256").HasColumnType("bytea");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.HasOne<AppVersion>().WithMany().HasForeignKey(x => x.VersionId);
    }
}

/// <summary>Typed access to the files table without a DbSet on the shared context.</summary>
public static class FilesDb
{
    extension(CrowNestDbContext db)
    {
        public DbSet<AppFile> AppFiles => db.Set<AppFile>();
    }
}
