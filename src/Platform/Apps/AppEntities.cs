using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrowNest.Platform.Apps;

public static class EnvVarTypes
{
    public const string Plain = "plain";
    public const string Secret = "secret";
}

public static class DomainStatuses
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Failed = "failed";
}

/// <summary>A build-time environment variable of an app (table <c>app_env_vars</c>).</summary>
public sealed class AppEnvVar
{
    public required string AppId { get; set; }
    public required string Name { get; set; }
    public string Type { get; set; } = EnvVarTypes.Plain;
    public required string Value { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The custom domain of an app (table <c>app_domains</c>).</summary>
public sealed class AppDomain
{
    public required string Id { get; set; }
    public required string AppId { get; set; }
    public required string Hostname { get; set; }
    public string Status { get; set; } = DomainStatuses.Pending;
    public string? LastError { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class AppEnvVarConfiguration : IEntityTypeConfiguration<AppEnvVar>
{
    public void Configure(EntityTypeBuilder<AppEnvVar> e)
    {
        e.ToTable("app_env_vars");
        e.HasKey(x => new { x.AppId, x.Name });
        e.Property(x => x.AppId).HasColumnName("app_id").HasColumnType("text");
        e.Property(x => x.Name).HasColumnName("name").HasColumnType("text");
        e.Property(x => x.Type).HasColumnName("type").HasColumnType("text");
        e.Property(x => x.Value).HasColumnName("value").HasColumnType("text");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.HasOne<App>().WithMany().HasForeignKey(x => x.AppId);
    }
}

internal sealed class AppDomainConfiguration : IEntityTypeConfiguration<AppDomain>
{
    public void Configure(EntityTypeBuilder<AppDomain> e)
    {
        e.ToTable("app_domains");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
        e.Property(x => x.AppId).HasColumnName("app_id").HasColumnType("text");
        e.Property(x => x.Hostname).HasColumnName("hostname").HasColumnType("text");
        e.Property(x => x.Status).HasColumnName("status").HasColumnType("text");
        e.Property(x => x.LastError).HasColumnName("last_error").HasColumnType("text");
        e.Property(x => x.CreatedBy).HasColumnName("created_by").HasColumnType("text");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.HasOne<App>().WithOne().HasForeignKey<AppDomain>(x => x.AppId);
        e.HasOne<User>().WithMany().HasForeignKey(x => x.CreatedBy);
        e.HasIndex(x => x.Hostname).IsUnique();
    }
}

public static class AppsDb
{
    extension(CrowNestDbContext db)
    {
        public DbSet<AppEnvVar> AppEnvVars => db.Set<AppEnvVar>();
        public DbSet<AppDomain> AppDomains => db.Set<AppDomain>();
    }
}
