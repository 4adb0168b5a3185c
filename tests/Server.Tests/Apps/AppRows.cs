using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace CrowNest.Server.Tests.Apps;

/// <summary>Test data for apps: tenancy rows via EF, bulk apps via binary COPY (fast enough for 100k rows).</summary>
internal static class AppRows
{
    public static CrowNestDbContext NewDb(string connectionString) =>
        new(new DbContextOptionsBuilder<CrowNestDbContext>().UseNpgsql(connectionString).Options);

    public static async Task<(Organization Org, User User, List<Workspace> Workspaces)> TenancyAsync(string connectionString, string slug, int workspaces)
    {
        await using var db = NewDb(connectionString);
        var now = DateTimeOffset.UtcNow;
        var org = new Organization { Id = PrefixedId.New(PrefixedId.Organization), Slug = slug, Name = slug, CreatedAt = now, UpdatedAt = now };
        var user = new User { Id = PrefixedId.New(PrefixedId.User), Email = $"{slug}@test.local", Name = slug, CreatedAt = now, UpdatedAt = now };
        var list = Enumerable.Range(0, workspaces)
            .Select(i => new Workspace { Id = PrefixedId.New(PrefixedId.Workspace), OrganizationId = org.Id, Slug = $"ws{i}", Name = $"ws{i}", CreatedAt = now, UpdatedAt = now })
            .ToList();
        db.AddRange(org, user);
        db.AddRange(list);
        await db.SaveChangesAsync();
        return (org, user, list);
    }

    public static async Task CopyAsync(string connectionString, IEnumerable<App> apps)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var writer = await conn.BeginBinaryImportAsync("""
            COPY apps (id, workspace_id, name, description, handle, default_version_id, status, public_access, pages_project_id,
                       api_key_id, config, created_by, deleted_at, retention_tier, created_at, updated_at) FROM STDIN (FORMAT BINARY)
            """);
        foreach (var a in apps)
        {
            await writer.StartRowAsync();
            await writer.WriteAsync(a.Id, NpgsqlDbType.Text);
            await writer.WriteAsync(a.WorkspaceId, NpgsqlDbType.Text);
            await writer.WriteAsync(a.Name, NpgsqlDbType.Text);
            await WriteNullableAsync(writer, a.Description, NpgsqlDbType.Text);
            await writer.WriteAsync(a.Handle, NpgsqlDbType.Text);
            await WriteNullableAsync(writer, a.DefaultVersionId, NpgsqlDbType.Text);
            await writer.WriteAsync(a.Status, NpgsqlDbType.Text);
            await writer.WriteAsync(a.PublicAccess, NpgsqlDbType.Boolean);
            await WriteNullableAsync(writer, a.PagesProjectId, NpgsqlDbType.Text);
            await WriteNullableAsync(writer, a.ApiKeyId, NpgsqlDbType.Text);
            await writer.WriteAsync(a.Config, NpgsqlDbType.Jsonb);
            await WriteNullableAsync(writer, a.CreatedBy, NpgsqlDbType.Text);
            if (a.DeletedAt is { } deleted)
            {
                await writer.WriteAsync(deleted, NpgsqlDbType.TimestampTz);
            }
            else
            {
                await writer.WriteNullAsync();
            }

            await WriteNullableAsync(writer, a.RetentionTier, NpgsqlDbType.Text);
            await writer.WriteAsync(a.CreatedAt, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(a.UpdatedAt, NpgsqlDbType.TimestampTz);
        }

        await writer.CompleteAsync();
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            await writer.WriteNullAsync();
        }
        else
        {
            await writer.WriteAsync(value, type);
        }
    }
}
