using System.Text.Json;
using CrowNest.Platform.Apps;
using CrowNest.Platform.Data;
using CrowNest.Platform.Querying;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CrowNest.Server.Tests.Apps;

/// <summary>The default-order keyset query is served by an index: no Sort node over 100k+ rows.</summary>
public sealed class KeysetPlanTests(ClassDatabase database) : IClassFixture<ClassDatabase>
{
    [Fact]
    public async Task DefaultOrderKeysetPageUsesAnIndexAndNoSort()
    {
        var (_, _, workspaces) = await AppRows.TenancyAsync(database.ConnectionString, "plan", 4);
        var rng = new Random(7);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await AppRows.CopyAsync(database.ConnectionString, Enumerable.Range(0, 120_000).Select(i => new App
        {
            Id = PrefixedId.New(PrefixedId.App),
            WorkspaceId = workspaces[rng.Next(workspaces.Count)].Id,
            Name = "app " + i,
            Handle = "plan-" + i,
            DeletedAt = rng.Next(20) == 0 ? start : null,
            CreatedAt = start.AddSeconds(rng.Next(5_000_000)),
            UpdatedAt = start,
        }));
        await using (var conn = new NpgsqlConnection(database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var analyze = new NpgsqlCommand("ANALYZE apps", conn);
            await analyze.ExecuteNonQueryAsync();
        }

        await using var db = AppRows.NewDb(database.ConnectionString);
        var descriptor = AppQueryDescriptor.Instance;
        var order = OrderByParser.Parse((string?)null, descriptor);
        var source = db.Apps.AsNoTracking().Where(a => a.DeletedAt == null);
        // A cursor in the middle, so both directions have ~60k candidate rows (near an end, a bitmap scan of the few
        // remaining rows plus a sort is rightly cheaper).
        var middle = await source.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id).Skip(57_000).FirstAsync();
        var cursor = KeysetPager.EncodeCursor(order, middle);

        foreach (var (name, query) in new[]
        {
            ("first page", KeysetPager.Plan(source, descriptor, null, order, new PageRequest { First = 50 }).Query),
            ("next page", KeysetPager.Plan(source, descriptor, null, order, new PageRequest { First = 50, After = cursor }).Query),
            ("previous page", KeysetPager.Plan(source, descriptor, null, order, new PageRequest { Last = 50, Before = cursor }).Query),
            ("one workspace", KeysetPager.Plan(source.Where(a => a.WorkspaceId == workspaces[0].Id), descriptor, null, order, new PageRequest { First = 50, After = cursor }).Query),
        })
        {
            var plan = await ExplainAsync(db, query);
            var nodes = Nodes(plan.RootElement.EnumerateArray().First().GetProperty("Plan")).ToList();
            var context = $"{name}: {string.Join(" > ", nodes)}\n{query.ToQueryString()}";
            Assert.False(nodes.Contains("Sort") || nodes.Contains("Seq Scan"), context);
            Assert.True(nodes.Any(n => n is "Index Scan" or "Index Only Scan"), context);
        }
    }

    private static async Task<JsonDocument> ExplainAsync(CrowNestDbContext db, IQueryable<App> query)
    {
        await using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN (FORMAT JSON) " + command.CommandText;
        await db.Database.OpenConnectionAsync();
        try
        {
            var json = (string)(await command.ExecuteScalarAsync())!;
            return JsonDocument.Parse(json);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static IEnumerable<string> Nodes(JsonElement plan)
    {
        yield return plan.GetProperty("Node Type").GetString()!;
        if (plan.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                foreach (var node in Nodes(child))
                {
                    yield return node;
                }
            }
        }
    }
}
