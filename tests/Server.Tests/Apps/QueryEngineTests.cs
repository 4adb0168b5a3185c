using System.Text.Json;
using CrowNest.Platform.Apps;
using CrowNest.Platform.Data;
using CrowNest.Platform.Querying;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Server.Tests.Apps;

/// <summary>Filter/orderBy parsing, NULL ordering and cursor validation of the querying engine on real PostgreSQL.</summary>
public sealed class QueryEngineTests(ClassDatabase database) : IClassFixture<ClassDatabase>
{
    private static readonly QueryDescriptor<App> Descriptor = AppQueryDescriptor.Instance;

    [Theory]
    [InlineData("""{"or":[{"name":{"eq":"a"}},{"name":{"contains":5}}]}""", "filter.or[1].name.contains: expected a string")]
    [InlineData("""{"nope":{"eq":"a"}}""", "filter.nope: unknown field 'nope'")]
    [InlineData("""{"name":{"like":"a"}}""", "filter.name.like: unknown operator 'like'")]
    [InlineData("""{"publicAccess":{"contains":"a"}}""", "filter.publicAccess.contains: unknown operator")]
    [InlineData("""{"status":{"eq":"gone"}}""", "filter.status.eq: expected one of draft, live")]
    [InlineData("""{"createdAt":{"gt":"yesterday"}}""", "filter.createdAt.gt: expected an ISO-8601 timestamp")]
    [InlineData("""{"createdAt":{"gt":"2024-01-01T00:00:00"}}""", "filter.createdAt.gt: expected an ISO-8601 timestamp")]
    [InlineData("""{"and":[{"not":{"description":{"in":["x",1]}}}]}""", "filter.and[0].not.description.in[1]: expected a string")]
    [InlineData("""{"and":{"name":{"eq":"a"}}}""", "filter.and: expected an array of filters")]
    [InlineData("""{"name":{"isNull":"yes"}}""", "filter.name.isNull: expected a boolean")]
    [InlineData("""[1]""", "filter: expected an object")]
    [InlineData("""{"name":""", "filter: not valid JSON")]
    public void FilterErrorsNameTheOffendingPath(string json, string expected)
    {
        var e = Assert.Throws<QueryException>(() => FilterParser.Parse(json, Descriptor));
        Assert.Equal(QueryErrorCodes.InvalidFilter, e.Code);
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"asc"}""", "orderBy: expected an array")]
    [InlineData("""[{"name":"asc","id":"desc"}]""", "orderBy[0]: expected an object with exactly one field")]
    [InlineData("""[{"name":"ASC"}]""", "orderBy[0].name: expected one of asc, desc, asc_nulls_first")]
    [InlineData("""[{"config":"asc"}]""", "orderBy[0].config: unknown field")]
    [InlineData("""[{"name":"asc"},{"name":"desc"}]""", "orderBy[1].name: field already ordered by")]
    [InlineData("""[{"workspace":{"nme":"asc"}}]""", "orderBy[0].workspace.nme: unknown field 'nme'")]
    [InlineData("""[{"workspace":{"name":"asc","slug":"asc"}}]""", "orderBy[0].workspace: expected an object with exactly one field")]
    [InlineData("""[{"versions":{"number":"asc"}}]""", "orderBy[0].versions: cannot order by the to-many relation")]
    public void OrderByErrorsNameTheOffendingPath(string json, string expected)
    {
        var e = Assert.Throws<QueryException>(() => OrderByParser.Parse(json, Descriptor));
        Assert.Equal(QueryErrorCodes.InvalidOrderBy, e.Code);
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheIdIsAppendedAsTheFinalTiebreaker()
    {
        Assert.Equal("createdAt:desc_nulls_first,id:desc_nulls_last", OrderByParser.Parse((string?)null, Descriptor).Signature);
        Assert.Equal("name:asc_nulls_last,id:asc_nulls_last", OrderByParser.Parse("""[{"name":"asc"}]""", Descriptor).Signature);
        Assert.Equal("id:desc_nulls_first", OrderByParser.Parse("""[{"id":"desc"},{"name":"asc"}]""", Descriptor).Signature);
        // A related field is never the tiebreaker, even when it is the related row's id.
        Assert.Equal("workspace.id:desc_nulls_first,id:desc_nulls_last", OrderByParser.Parse("""[{"workspace":{"id":"desc"}}]""", Descriptor).Signature);
    }

    [Theory]
    [InlineData("asc", new[] { "a", "b", "c", null, null })]
    [InlineData("asc_nulls_last", new[] { "a", "b", "c", null, null })]
    [InlineData("asc_nulls_first", new[] { null, null, "a", "b", "c" })]
    [InlineData("desc", new[] { null, null, "c", "b", "a" })]
    [InlineData("desc_nulls_first", new[] { null, null, "c", "b", "a" })]
    [InlineData("desc_nulls_last", new[] { "c", "b", "a", null, null })]
    public async Task EveryNullsVariantOrdersAndPagesInTheDatabase(string direction, string?[] expected)
    {
        var (_, _, workspaces) = await AppRows.TenancyAsync(database.ConnectionString, "nulls-" + direction.Replace('_', '-'), 1);
        var ws = workspaces[0].Id;
        var now = DateTimeOffset.UtcNow;
        string?[] descriptions = ["b", null, "c", "a", null];
        await AppRows.CopyAsync(database.ConnectionString, descriptions.Select((d, i) => new App
        {
            Id = PrefixedId.New(PrefixedId.App),
            WorkspaceId = ws,
            Name = "n" + i,
            Description = d,
            Handle = $"nulls-{direction.Replace('_', '-')}-{i}",
            CreatedAt = now,
            UpdatedAt = now,
        }));

        await using var db = AppRows.NewDb(database.ConnectionString);
        var order = OrderByParser.Parse($$"""[{"description":"{{direction}}"}]""", Descriptor);
        var filter = FilterParser.Parse($$$"""{"workspaceId":{"eq":"{{{ws}}}"}}""", Descriptor);
        var all = await KeysetPager.PageAsync(db.Apps.AsNoTracking(), Descriptor, filter, order, new PageRequest { First = 10, IncludeTotal = true });
        Assert.Equal(expected, all.Items.Select(a => a.Description));
        Assert.Equal(5, all.Total);

        // Page through one row at a time, forward and backward: the cursor predicate must agree with ORDER BY.
        var forward = new List<string?>();
        string? after = null;
        Page<App> page;
        do
        {
            page = await KeysetPager.PageAsync(db.Apps.AsNoTracking(), Descriptor, filter, order, new PageRequest { First = 1, After = after });
            forward.AddRange(page.Items.Select(a => a.Description));
            after = page.EndCursor;
        }
        while (page.HasNextPage);

        Assert.Equal(expected, forward);
        var backward = new List<string?>();
        string? before = null;
        do
        {
            page = await KeysetPager.PageAsync(db.Apps.AsNoTracking(), Descriptor, filter, order, new PageRequest { Last = 2, Before = before });
            backward.InsertRange(0, page.Items.Select(a => a.Description));
            before = page.StartCursor;
        }
        while (page.HasPreviousPage);

        Assert.Equal(expected, backward);
    }

    [Fact]
    public async Task TheWholePageIsOneTranslatedQuery()
    {
        await using var db = AppRows.NewDb(database.ConnectionString);
        var filter = FilterParser.Parse("""
            {"or":[{"name":{"containsInsensitive":"A%_"}},{"description":{"notStartsWith":"x","isNull":false}}],
             "not":{"status":{"in":["live"]}},"deletedAt":{"lt":"2030-01-01T00:00:00Z"},"publicAccess":{"neq":true}}
            """, Descriptor);
        var order = OrderByParser.Parse("""[{"description":"desc_nulls_last"},{"createdAt":"asc"}]""", Descriptor);
        var first = await KeysetPager.PageAsync(db.Apps.AsNoTracking(), Descriptor, null, order, new PageRequest { First = 1 });
        var cursor = first.EndCursor ?? KeysetPager.EncodeCursor(order, new App { Id = "app_x", WorkspaceId = "w", Name = "n", Handle = "h", Description = "d" });
        var plan = KeysetPager.Plan(db.Apps.AsNoTracking(), Descriptor, filter, order, new PageRequest { First = 10, After = cursor });

        // ToQueryString throws for anything EF would have to evaluate on the client.
        var sql = plan.Query.ToQueryString();
        Assert.Contains("ORDER BY a.description IS NULL, a.description DESC, a.created_at, a.id", sql, StringComparison.Ordinal);
        Assert.Contains("LIMIT", sql, StringComparison.Ordinal);
        Assert.Contains("lower(a.name)", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("'A%_'", sql, StringComparison.Ordinal);
        _ = plan.Across!.ToQueryString();
        _ = plan.Filtered.ToQueryString();
        await plan.Query.ToListAsync();
    }

    [Fact]
    public async Task CursorsAreBoundToTheirOrdering()
    {
        var (_, _, workspaces) = await AppRows.TenancyAsync(database.ConnectionString, "cursors", 1);
        var now = DateTimeOffset.UtcNow;
        await AppRows.CopyAsync(database.ConnectionString, Enumerable.Range(0, 3).Select(i => new App
        {
            Id = PrefixedId.New(PrefixedId.App),
            WorkspaceId = workspaces[0].Id,
            Name = "c" + i,
            Handle = "cursor-app-" + i,
            CreatedAt = now,
            UpdatedAt = now,
        }));
        await using var db = AppRows.NewDb(database.ConnectionString);
        var byName = OrderByParser.Parse("""[{"name":"asc"}]""", Descriptor);
        var page = await KeysetPager.PageAsync(db.Apps.AsNoTracking(), Descriptor, null, byName, new PageRequest { First = 1 });
        var cursor = page.EndCursor!;

        var byDefault = OrderByParser.Parse((string?)null, Descriptor);
        var mismatch = await Assert.ThrowsAsync<QueryException>(() => KeysetPager.PageAsync(db.Apps, Descriptor, null, byDefault, new PageRequest { First = 1, After = cursor }));
        Assert.Equal(QueryErrorCodes.InvalidCursor, mismatch.Code);
        Assert.Equal("after: cursor was made for a different orderBy", mismatch.Message);

        foreach (var bad in new[] { "not-base64!", "e30", Convert.ToBase64String("{\"o\":1}"u8.ToArray()).TrimEnd('='), cursor[..^3] })
        {
            var e = await Assert.ThrowsAsync<QueryException>(() => KeysetPager.PageAsync(db.Apps, Descriptor, null, byName, new PageRequest { Last = 1, Before = bad }));
            Assert.Equal(QueryErrorCodes.InvalidCursor, e.Code);
            Assert.StartsWith("before: ", e.Message, StringComparison.Ordinal);
        }

        var mixed = await Assert.ThrowsAsync<QueryException>(() => KeysetPager.PageAsync(db.Apps, Descriptor, null, byName, new PageRequest { First = 1, Before = cursor }));
        Assert.Equal(QueryErrorCodes.InvalidArgument, mixed.Code);
    }

    [Fact]
    public void FilterJsonElementAndTextParseTheSame()
    {
        using var doc = JsonDocument.Parse("""{"name":{"eq":"x"}}""");
        Assert.Equal(FilterParser.Parse(doc.RootElement, Descriptor), FilterParser.Parse("""{"name":{"eq":"x"}}""", Descriptor));
    }
}
