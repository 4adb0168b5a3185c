using CrowNest.Platform.Data;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace CrowNest.Server.Tests;

/// <summary>The SQL migrations are the source of truth; the EF Core model must describe exactly that schema.</summary>
public sealed class SchemaModelTests(ClassDatabase database) : IClassFixture<ClassDatabase>
{
    private sealed record Column(string Table, string Name, string Type, bool Nullable);

    [Fact]
    public async Task EfModelMatchesTheMigratedSchema()
    {
        var actual = await ReadSchemaAsync();
        await using var db = new CrowNestDbContext(new DbContextOptionsBuilder<CrowNestDbContext>().UseNpgsql(database.ConnectionString).Options);

        var expected = new List<Column>();
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var id = StoreObjectIdentifier.Table(table, entity.GetSchema());
            expected.AddRange(entity.GetProperties().Select(p => new Column(table, p.GetColumnName(id)!, p.GetColumnType(id), p.IsColumnNullable(id))));
        }

        var mappedTables = expected.Select(c => c.Table).ToHashSet();
        var unmappedTables = actual.Select(c => c.Table).Distinct().Where(t => t != "schema_migrations" && !mappedTables.Contains(t)).ToList();
        Assert.True(unmappedTables.Count == 0, "Tables without an EF entity: " + string.Join(", ", unmappedTables));

        var actualMapped = actual.Where(c => mappedTables.Contains(c.Table)).OrderBy(c => c.Table).ThenBy(c => c.Name).ToList();
        var expectedSorted = expected.OrderBy(c => c.Table).ThenBy(c => c.Name).ToList();
        var missing = expectedSorted.Except(actualMapped).ToList();
        var extra = actualMapped.Except(expectedSorted).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            "EF model and schema differ.\nIn EF only: " + string.Join("; ", missing) + "\nIn schema only: " + string.Join("; ", extra));
    }

    [Fact]
    public async Task EfCanRoundTripEveryEntity()
    {
        await using var db = new CrowNestDbContext(new DbContextOptionsBuilder<CrowNestDbContext>().UseNpgsql(database.ConnectionString).Options);
        var now = DateTimeOffset.UtcNow;
        var org = new Organization { Id = PrefixedId.New(PrefixedId.Organization), Slug = "roundtrip", Name = "Round Trip", CreatedAt = now, UpdatedAt = now };
        var user = new User { Id = PrefixedId.New(PrefixedId.User), Email = "Round@Trip.test", Name = "Round", CreatedAt = now, UpdatedAt = now };
        var ws = new Workspace { Id = PrefixedId.New(PrefixedId.Workspace), OrganizationId = org.Id, Slug = "main", Name = "Main", CreatedAt = now, UpdatedAt = now };
        db.AddRange(org, user, ws,
            new OrganizationMember { OrganizationId = org.Id, UserId = user.Id, Role = OrganizationRoles.Member, CreatedAt = now },
            new WorkspaceMember { WorkspaceId = ws.Id, UserId = user.Id, Role = WorkspaceRoles.Viewer, CreatedAt = now },
            new Project { Id = PrefixedId.New(PrefixedId.Project), WorkspaceId = ws.Id, Name = "Site", CreatedAt = now, UpdatedAt = now },
            new ApiKey
            {
                Id = PrefixedId.New(PrefixedId.ApiKey),
                UserId = user.Id,
                OrganizationId = org.Id,
                Name = "ci",
                Prefix = "cn_abc",
                KeyHash = new byte[32],
                Scopes = ["read", "write"],
                ExpiresAt = now.AddDays(1),
                CreatedAt = now,
            });
        await db.SaveChangesAsync();

        db.ChangeTracker.Clear();
        var key = await db.ApiKeys.SingleAsync(k => k.OrganizationId == org.Id);
        Assert.Equal(["read", "write"], key.Scopes);
        Assert.Null(key.RevokedAt);
        Assert.Equal(1, await db.Projects.CountAsync(p => p.WorkspaceId == ws.Id));
    }

    [Fact]
    public async Task SchemaRejectsWhatTheDomainForbids()
    {
        await using var db = new CrowNestDbContext(new DbContextOptionsBuilder<CrowNestDbContext>().UseNpgsql(database.ConnectionString).Options);
        var now = DateTimeOffset.UtcNow;
        db.Organizations.Add(new Organization { Id = "bad_id", Slug = "x", Name = "X", CreatedAt = now, UpdatedAt = now });
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Equal(PostgresErrorCodes.CheckViolation, Assert.IsType<PostgresException>(error.InnerException).SqlState);
    }

    private async Task<List<Column>> ReadSchemaAsync()
    {
        await using var conn = new NpgsqlConnection(database.ConnectionString);
        await conn.OpenAsync();
        // information_schema for names and nullability; format_type for the exact type (e.g. text[] rather than ARRAY).
        await using var cmd = new NpgsqlCommand("""
            SELECT c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod), c.is_nullable = 'YES'
            FROM information_schema.columns c
            JOIN pg_attribute a
              ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
            WHERE c.table_schema = 'public'
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var columns = new List<Column>();
        while (await reader.ReadAsync())
        {
            columns.Add(new Column(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
        }

        return columns;
    }
}
