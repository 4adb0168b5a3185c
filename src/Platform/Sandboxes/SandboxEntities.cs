using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrowNest.Platform.Sandboxes;

public static class SandboxStatuses
{
    public const string Starting = "starting";
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Destroyed = "destroyed";
    public const string Failed = "failed";
}

public static class CommandStatuses
{
    public const string Running = "running";
    public const string Exited = "exited";
    public const string Killed = "killed";
    public const string Failed = "failed";
}

public sealed class Sandbox
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public required string ProjectId { get; set; }
    public required string Status { get; set; }
    public required string Runtime { get; set; }
    public required string RuntimeId { get; set; }
    public string? CreatedBy { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? DestroyedAt { get; set; }

    /// <summary>Whether the sandbox may still run commands (not stopped, destroyed or failed).</summary>
    public bool IsLive => Status is SandboxStatuses.Starting or SandboxStatuses.Running;
}

public sealed class SandboxCommand
{
    public required string Id { get; set; }
    public required string SandboxId { get; set; }
    public string? RuntimeCommandId { get; set; }
    public required string Command { get; set; }
    public string? Cwd { get; set; }

    /// <summary>Raw JSON object (jsonb) of the extra environment variables.</summary>
    public string Env { get; set; } = "{}";
    public required string Status { get; set; }
    public int? ExitCode { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? ExitedAt { get; set; }
}

public sealed class CommandOutput
{
    public required string CommandId { get; set; }
    public long Seq { get; set; }
    public required string Stream { get; set; }
    public required string Data { get; set; }
    public DateTimeOffset At { get; set; }
}

public static class SandboxesDb
{
    extension(CrowNestDbContext db)
    {
        public DbSet<Sandbox> Sandboxes => db.Set<Sandbox>();
        public DbSet<SandboxCommand> SandboxCommands => db.Set<SandboxCommand>();
        public DbSet<CommandOutput> CommandOutput => db.Set<CommandOutput>();
    }
}

internal sealed class SandboxConfiguration : IEntityTypeConfiguration<Sandbox>
{
    public void Configure(EntityTypeBuilder<Sandbox> e)
    {
        e.ToTable("sandboxes");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
        e.Property(x => x.OrganizationId).HasColumnName("organization_id").HasColumnType("text");
        e.Property(x => x.ProjectId).HasColumnName("project_id").HasColumnType("text");
        e.Property(x => x.Status).HasColumnName("status").HasColumnType("text");
        e.Property(x => x.Runtime).HasColumnName("runtime").HasColumnType("text");
        e.Property(x => x.RuntimeId).HasColumnName("runtime_id").HasColumnType("text");
        e.Property(x => x.CreatedBy).HasColumnName("created_by").HasColumnType("text");
        e.Property(x => x.Error).HasColumnName("error").HasColumnType("text");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at").HasColumnType("timestamp with time zone");
        e.Property(x => x.DestroyedAt).HasColumnName("destroyed_at").HasColumnType("timestamp with time zone");
        e.Ignore(x => x.IsLive);
        e.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId);
        e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId);
    }
}

internal sealed class SandboxCommandConfiguration : IEntityTypeConfiguration<SandboxCommand>
{
    public void Configure(EntityTypeBuilder<SandboxCommand> e)
    {
        e.ToTable("sandbox_commands");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").HasColumnType("text");
        e.Property(x => x.SandboxId).HasColumnName("sandbox_id").HasColumnType("text");
        e.Property(x => x.RuntimeCommandId).HasColumnName("runtime_command_id").HasColumnType("text");
        e.Property(x => x.Command).HasColumnName("command").HasColumnType("text");
        e.Property(x => x.Cwd).HasColumnName("cwd").HasColumnType("text");
        e.Property(x => x.Env).HasColumnName("env").HasColumnType("jsonb");
        e.Property(x => x.Status).HasColumnName("status").HasColumnType("text");
        e.Property(x => x.ExitCode).HasColumnName("exit_code").HasColumnType("integer");
        e.Property(x => x.StartedAt).HasColumnName("started_at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.Property(x => x.ExitedAt).HasColumnName("exited_at").HasColumnType("timestamp with time zone");
        e.HasOne<Sandbox>().WithMany().HasForeignKey(x => x.SandboxId);
    }
}

internal sealed class CommandOutputConfiguration : IEntityTypeConfiguration<CommandOutput>
{
    public void Configure(EntityTypeBuilder<CommandOutput> e)
    {
        e.ToTable("command_output");
        e.HasKey(x => new { x.CommandId, x.Seq });
        e.Property(x => x.CommandId).HasColumnName("command_id").HasColumnType("text");
        e.Property(x => x.Seq).HasColumnName("seq").HasColumnType("bigint");
        e.Property(x => x.Stream).HasColumnName("stream").HasColumnType("text");
        e.Property(x => x.Data).HasColumnName("data").HasColumnType("text");
        e.Property(x => x.At).HasColumnName("at").HasColumnType("timestamp with time zone").HasDefaultValueSql("now()");
        e.HasOne<SandboxCommand>().WithMany().HasForeignKey(x => x.CommandId);
    }
}
