using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrowNest.Platform.Data;

/// <summary>
/// EF Core view of the schema that <c>Migrations/*.sql</c> create. The SQL files are the source of truth;
/// every column is mapped explicitly (snake_case) and a test compares this model with the migrated schema.
/// </summary>
public sealed class CrowNestDbContext(DbContextOptions<CrowNestDbContext> options) : DbContext(options)
{
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<User> Users => Set<User>();
    public DbSet<OrganizationMember> OrganizationMembers => Set<OrganizationMember>();
    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<WorkspaceMember> WorkspaceMembers => Set<WorkspaceMember>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<App> Apps => Set<App>();
    public DbSet<AppVersion> AppVersions => Set<AppVersion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Each area maps its own entities in an IEntityTypeConfiguration<T> beside them (src/Platform/<Area>/).
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CrowNestDbContext).Assembly);
        modelBuilder.Entity<Organization>(e =>
        {
            e.ToTable("organizations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
            e.Property(x => x.Slug).HasColumnName("slug").HasColumnType("text");
            e.Property(x => x.Name).HasColumnName("name").HasColumnType("text");
            Timestamps(e);
            e.HasIndex(x => x.Slug).IsUnique();
        });

        modelBuilder.Entity<User>(e =>
        {
            e.ToTable("users");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
            e.Property(x => x.Email).HasColumnName("email").HasColumnType("text");
            e.Property(x => x.Name).HasColumnName("name").HasColumnType("text");
            Timestamps(e);
        });

        modelBuilder.Entity<OrganizationMember>(e =>
        {
            e.ToTable("organization_members");
            e.HasKey(x => new { x.OrganizationId, x.UserId });
            e.Property(x => x.OrganizationId).HasColumnName("organization_id").HasColumnType("text");
            e.Property(x => x.UserId).HasColumnName("user_id").HasColumnType("text");
            e.Property(x => x.Role).HasColumnName("role").HasColumnType("text");
            e.Property(x => x.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
            e.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId);
        });

        modelBuilder.Entity<Workspace>(e =>
        {
            e.ToTable("workspaces");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
            e.Property(x => x.OrganizationId).HasColumnName("organization_id").HasColumnType("text");
            e.Property(x => x.Slug).HasColumnName("slug").HasColumnType("text");
            e.Property(x => x.Name).HasColumnName("name").HasColumnType("text");
            Timestamps(e);
            e.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId);
            e.HasIndex(x => new { x.OrganizationId, x.Slug }).IsUnique();
        });

        modelBuilder.Entity<WorkspaceMember>(e =>
        {
            e.ToTable("workspace_members");
            e.HasKey(x => new { x.WorkspaceId, x.UserId });
            e.Property(x => x.WorkspaceId).HasColumnName("workspace_id").HasColumnType("text");
            e.Property(x => x.UserId).HasColumnName("user_id").HasColumnType("text");
            e.Property(x => x.Role).HasColumnName("role").HasColumnType("text");
            e.Property(x => x.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
            e.HasOne<Workspace>().WithMany().HasForeignKey(x => x.WorkspaceId);
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId);
        });

        modelBuilder.Entity<Project>(e =>
        {
            e.ToTable("projects");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
            e.Property(x => x.WorkspaceId).HasColumnName("workspace_id").HasColumnType("text");
            e.Property(x => x.Name).HasColumnName("name").HasColumnType("text");
            Timestamps(e);
            e.HasOne<Workspace>().WithOne().HasForeignKey<Project>(x => x.WorkspaceId);
        });

        modelBuilder.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
            e.Property(x => x.UserId).HasColumnName("user_id").HasColumnType("text");
            e.Property(x => x.OrganizationId).HasColumnName("organization_id").HasColumnType("text");
            e.Property(x => x.Name).HasColumnName("name").HasColumnType("text");
            e.Property(x => x.Prefix).HasColumnName("prefix").HasColumnType("text");
            e.Property(x => x.KeyHash).HasColumnName("key_hash").HasColumnType("bytea");
            e.Property(x => x.Scopes).HasColumnName("scopes").HasColumnType("text[]");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at").HasColumnType("timestamp with time zone");
            e.Property(x => x.RevokedAt).HasColumnName("revoked_at").HasColumnType("timestamp with time zone");
            e.Property(x => x.LastUsedAt).HasColumnName("last_used_at").HasColumnType("timestamp with time zone");
            e.Property(x => x.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
            e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId);
            e.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId);
            e.HasIndex(x => x.KeyHash).IsUnique();
        });

        modelBuilder.Entity<App>(e =>
        {
            e.ToTable("apps");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
            e.Property(x => x.WorkspaceId).HasColumnName("workspace_id").HasColumnType("text");
            e.Property(x => x.Name).HasColumnName("name").HasColumnType("text");
            e.Property(x => x.Description).HasColumnName("description").HasColumnType("text");
            e.Property(x => x.Handle).HasColumnName("handle").HasColumnType("text");
            e.Property(x => x.DefaultVersionId).HasColumnName("default_version_id").HasColumnType("text");
            e.Property(x => x.Status).HasColumnName("status").HasColumnType("text");
            e.Property(x => x.PublicAccess).HasColumnName("public_access").HasColumnType("boolean");
            e.Property(x => x.PagesProjectId).HasColumnName("pages_project_id").HasColumnType("text");
            e.Property(x => x.ApiKeyId).HasColumnName("api_key_id").HasColumnType("text");
            e.Property(x => x.Config).HasColumnName("config").HasColumnType("jsonb");
            e.Property(x => x.CreatedBy).HasColumnName("created_by").HasColumnType("text");
            e.Property(x => x.DeletedAt).HasColumnName("deleted_at").HasColumnType("timestamp with time zone");
            e.Property(x => x.RetentionTier).HasColumnName("retention_tier").HasColumnType("text");
            Timestamps(e);
            e.HasOne<Workspace>().WithMany().HasForeignKey(x => x.WorkspaceId);
            e.HasIndex(x => x.Handle).IsUnique();
            // default_version_id -> app_versions is a deferred FK in SQL; it is not modelled here so EF does not see
            // a cycle (apps <-> app_versions) when an app and its first version are saved together.
        });

        modelBuilder.Entity<AppVersion>(e =>
        {
            e.ToTable("app_versions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
            e.Property(x => x.AppId).HasColumnName("app_id").HasColumnType("text");
            e.Property(x => x.Number).HasColumnName("number").HasColumnType("integer");
            e.Property(x => x.CreatedBy).HasColumnName("created_by").HasColumnType("text");
            e.Property(x => x.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
            e.HasOne<App>().WithMany().HasForeignKey(x => x.AppId);
        });
    }

    private static void Timestamps<T>(EntityTypeBuilder<T> e)
        where T : class
    {
        e.Property<DateTimeOffset>("CreatedAt").HasColumnName("created_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.Property<DateTimeOffset>("UpdatedAt").HasColumnName("updated_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
    }
}
