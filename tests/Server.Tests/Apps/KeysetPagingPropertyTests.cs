using System.Linq.Expressions;
using System.Text.Json.Nodes;
using CrowNest.Platform.Apps;
using CrowNest.Platform.Data;
using CrowNest.Platform.Querying;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Server.Tests.Apps;

/// <summary>
/// Property test: random filters and orderings over 2,000+ apps with NULLs and ties; walking every page forward and
/// then backward must reproduce LINQ-to-objects exactly (rows, order, hasNext/hasPrevious, total).
/// </summary>
public sealed class KeysetPagingPropertyTests(ClassDatabase database) : IClassFixture<ClassDatabase>
{
    private const int Rows = 2_000;
    private const int Combinations = 500;
    private static readonly QueryDescriptor<App> Descriptor = AppQueryDescriptor.Instance;
    private static readonly string[] Sortable = ["name", "description", "status", "publicAccess", "deletedAt", "retentionTier", "createdAt", "updatedAt", "workspaceId", "handle", "id",
        "workspace.name", "workspace.slug", "workspace.createdAt"];
    private static readonly string[] Directions = ["asc", "desc", "asc_nulls_first", "asc_nulls_last", "desc_nulls_first", "desc_nulls_last"];

    [Fact]
    public async Task RandomFiltersAndOrderingsPageExactlyLikeLinqToObjects()
    {
        var rng = new Random(20261122);
        var (_, _, workspaces) = await AppRows.TenancyAsync(database.ConnectionString, "paging", 3);
        await using (var setup = AppRows.NewDb(database.ConnectionString))
        {
            // Two workspaces share a name (ties across workspaces for related keys); all share createdAt.
            setup.AttachRange(workspaces);
            workspaces[0].Name = "b";
            workspaces[1].Name = "a";
            workspaces[2].Name = "b";
            await setup.SaveChangesAsync();
        }

        var workspaceById = workspaces.ToDictionary(w => w.Id);
        var baseTime = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        // Few distinct timestamps and short names over a tiny alphabet give many ties; microseconds exercise precision.
        var times = Enumerable.Range(0, 40).Select(i => baseTime.AddTicks(rng.NextInt64(0, 10_000_000_000) / 10 * 10)).ToArray();
        string[] tiers = ["hot", "warm", "cold"];
        await AppRows.CopyAsync(database.ConnectionString, Enumerable.Range(0, Rows).Select(i => new App
        {
            Id = PrefixedId.New(PrefixedId.App),
            WorkspaceId = workspaces[rng.Next(workspaces.Count)].Id,
            Name = RandomText(rng, 1, 3),
            Description = rng.Next(3) == 0 ? null : RandomText(rng, 0, 3),
            Handle = "h-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Status = rng.Next(2) == 0 ? AppStatuses.Draft : AppStatuses.Live,
            PublicAccess = rng.Next(2) == 0,
            DeletedAt = rng.Next(4) == 0 ? times[rng.Next(times.Length)] : null,
            RetentionTier = rng.Next(4) == 0 ? null : tiers[rng.Next(tiers.Length)],
            CreatedAt = times[rng.Next(times.Length)],
            UpdatedAt = times[rng.Next(times.Length)],
        }));

        await using var db = AppRows.NewDb(database.ConnectionString);
        var all = await db.Apps.AsNoTracking().ToListAsync();
        Assert.Equal(Rows, all.Count);

        var nonEmpty = 0;
        // Every other combination pages through compiled queries (one per shape, values as parameters).
        var compiled = new CompiledPager<CrowNestDbContext, App>(Descriptor, capacity: Combinations * 4);
        for (var combination = 0; combination < Combinations; combination++)
        {
            var filterJson = rng.Next(6) == 0 ? null : RandomFilter(rng, all, 0).ToJsonString();
            var orderJson = RandomOrder(rng).ToJsonString();
            var context = $"#{combination} filter={filterJson} orderBy={orderJson}";
            var filter = filterJson is null ? null : FilterParser.Parse(filterJson, Descriptor);
            var order = OrderByParser.Parse(orderJson, Descriptor);

            var predicate = filter is null ? (_ => true) : ((Expression<Func<App, bool>>)new OrdinalText().Visit(ExpressionBuilder.Filter<App>(filter))).Compile();
            var expected = all.Where(predicate).Order(new SpecComparer(order, workspaceById)).Select(a => a.Id).ToList();
            nonEmpty += expected.Count > 0 ? 1 : 0;
            // At most ~3 pages per direction keeps 500 full walks affordable on a loaded machine (EF compiles each new
            // query shape once); small results still page with small sizes and cross many cursors.
            var size = Math.Max(rng.Next(1, 40), (expected.Count + 2) / 3);
            await WalkAsync(db, filter, order, size, expected, context + (combination % 2 == 1 ? " (compiled)" : ""), combination % 2 == 1 ? compiled : null);
        }

        Assert.True(nonEmpty > Combinations / 2, $"only {nonEmpty} combinations matched any row; the generator is too narrow");
        // Shapes the compiled path cannot parameterize fall back to the regular one; nearly all must compile.
        Assert.True(compiled.CompiledCount > compiled.ShapeCount * 9 / 10, $"only {compiled.CompiledCount} of {compiled.ShapeCount} shapes compiled");
    }

    private static async Task WalkAsync(CrowNestDbContext db, FilterNode? filter, OrderSpec order, int size, List<string> expected, string context,
        CompiledPager<CrowNestDbContext, App>? compiled)
    {
        Task<Page<App>> PageAsync(PageRequest request) => compiled is null
            ? KeysetPager.PageAsync(db.Apps.AsNoTracking(), Descriptor, filter, order, request, sources: KeysetPager.SetsOf(db))
            : compiled.PageAsync(db, "apps", [], _ => db.Apps.AsNoTracking(), filter, order, request, CancellationToken.None);

        var forward = new List<string>();
        string? after = null;
        var first = true;
        while (true)
        {
            var page = await PageAsync(new PageRequest { First = size, After = after, IncludeTotal = first });
            if (first)
            {
                Assert.True(expected.Count == page.Total, $"total {page.Total} != {expected.Count} {context}");
            }

            var start = forward.Count;
            forward.AddRange(page.Items.Select(a => a.Id));
            Assert.True(page.HasPreviousPage == start > 0, $"forward hasPreviousPage at {start} {context}");
            Assert.True(page.HasNextPage == forward.Count < expected.Count, $"forward hasNextPage at {forward.Count} {context}");
            if (!page.HasNextPage || page.Items.Count == 0)
            {
                break;
            }

            after = page.EndCursor;
            first = false;
        }

        Assert.True(expected.SequenceEqual(forward), $"forward walk differs {context}");

        var backward = new List<string>();
        string? before = null;
        while (true)
        {
            var page = await PageAsync(new PageRequest { Last = size, Before = before });
            backward.InsertRange(0, page.Items.Select(a => a.Id));
            Assert.True(page.HasNextPage == (before is not null && expected.Count > 0), $"backward hasNextPage {context}");
            Assert.True(page.HasPreviousPage == backward.Count < expected.Count, $"backward hasPreviousPage at {backward.Count} {context}");
            if (!page.HasPreviousPage || page.Items.Count == 0)
            {
                break;
            }

            before = page.StartCursor;
        }

        Assert.True(expected.SequenceEqual(backward), $"backward walk differs {context}");
    }

    private static string RandomText(Random rng, int min, int max)
    {
        const string alphabet = "abAB_%";
        return new string(Enumerable.Range(0, rng.Next(min, max + 1)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
    }

    private static JsonObject RandomFilter(Random rng, List<App> all, int depth)
    {
        var roll = rng.Next(depth >= 2 ? 6 : 9);
        if (roll == 6 || roll == 7)
        {
            var items = new JsonArray();
            for (var i = rng.Next(0, 3); i >= 0; i--)
            {
                items.Add(RandomFilter(rng, all, depth + 1));
            }

            return new JsonObject { [roll == 6 ? "and" : "or"] = items };
        }

        if (roll == 8)
        {
            return new JsonObject { ["not"] = RandomFilter(rng, all, depth + 1) };
        }

        var sample = all[rng.Next(all.Count)];
        string[] fields = ["name", "description", "status", "publicAccess", "deletedAt", "retentionTier", "createdAt", "workspaceId"];
        var name = fields[rng.Next(fields.Length)];
        var field = Descriptor.Fields[name];
        var ops = Enum.GetValues<FilterOperator>().Where(o => FilterParser.Supports(field.Kind, o)).ToArray();
        var op = ops[rng.Next(ops.Length)];
        var opName = char.ToLowerInvariant(op.ToString()[0]) + op.ToString()[1..];
        JsonNode? Value()
        {
            var v = field.Read(all[rng.Next(all.Count)]) ?? field.Read(sample);
            return v switch
            {
                null => field.Kind switch
                {
                    FieldKind.Timestamp => JsonValue.Create("2025-01-01T00:00:00Z"),
                    _ => JsonValue.Create("a"),
                },
                DateTimeOffset ts => JsonValue.Create(ts.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
                bool b => JsonValue.Create(b),
                // Substring operators get a random slice so they match sometimes but not always.
                string s when op >= FilterOperator.Contains && s.Length > 0 => JsonValue.Create(RandomCase(rng, s.Substring(rng.Next(s.Length), 1))),
                string s => JsonValue.Create(s),
                _ => throw new InvalidOperationException(),
            };
        }

        JsonNode? operand = op switch
        {
            FilterOperator.IsNull => JsonValue.Create(rng.Next(2) == 0),
            FilterOperator.In or FilterOperator.Nin => new JsonArray(Enumerable.Range(0, rng.Next(0, 4)).Select(_ => Value()).ToArray()),
            _ => Value(),
        };
        return new JsonObject { [name] = new JsonObject { [opName] = operand } };
    }

    private static string RandomCase(Random rng, string s) => rng.Next(2) == 0 ? s.ToUpperInvariant() : s;

    private static JsonArray RandomOrder(Random rng)
    {
        var keys = new JsonArray();
        foreach (var field in Sortable.OrderBy(_ => rng.Next()).Take(rng.Next(0, 4)))
        {
            JsonNode key = JsonValue.Create(Directions[rng.Next(Directions.Length)]);
            var path = field.Split('.');
            for (var i = path.Length - 1; i >= 0; i--)
            {
                key = new JsonObject { [path[i]] = key };
            }

            keys.Add(key);
        }

        return keys;
    }

    /// <summary>Independent in-memory ordering: ordinal text (the C collation), false &lt; true, explicit NULL placement.</summary>
    private sealed class SpecComparer(OrderSpec order, Dictionary<string, Workspace> workspaces) : IComparer<App>
    {
        public int Compare(App? x, App? y)
        {
            foreach (var key in order.Keys)
            {
                var a = Read(key, x!);
                var b = Read(key, y!);
                int c;
                if (a is null || b is null)
                {
                    c = a is null && b is null ? 0 : (a is null) == key.NullsFirst ? -1 : 1;
                    if (c != 0)
                    {
                        return c;
                    }

                    continue;
                }

                c = a switch
                {
                    string s => string.CompareOrdinal(s, (string)b),
                    bool f => f.CompareTo((bool)b),
                    DateTimeOffset t => t.CompareTo((DateTimeOffset)b),
                    _ => throw new InvalidOperationException(),
                };
                if (c != 0)
                {
                    return key.Descending ? -c : c;
                }
            }

            return 0;
        }

        /// <summary>Own fields from the app; <c>workspace.*</c> from the app's workspace row (the only to-one relation).</summary>
        private object? Read(OrderKey key, App app) => key.Path.Count switch
        {
            0 => key.Field.Read(app),
            1 when key.Path[0].Name == "workspace" => key.Field.Read(workspaces[app.WorkspaceId]),
            _ => throw new InvalidOperationException($"Unexpected related key {key.Name}"),
        };
    }

    /// <summary>PostgreSQL runs with the C collation (byte order); make the in-memory evaluation ordinal too.</summary>
    private sealed class OrdinalText : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType == typeof(string))
            {
                switch (node.Method.Name)
                {
                    case nameof(string.Compare) when node.Object is null:
                        return Expression.Call(typeof(string).GetMethod(nameof(string.CompareOrdinal), [typeof(string), typeof(string)])!, Visit(node.Arguments[0]), Visit(node.Arguments[1]));
                    case nameof(string.StartsWith) or nameof(string.EndsWith) when node.Arguments.Count == 1:
                        return Expression.Call(Visit(node.Object), typeof(string).GetMethod(node.Method.Name, [typeof(string), typeof(StringComparison)])!, Visit(node.Arguments[0]), Expression.Constant(StringComparison.Ordinal));
                    case nameof(string.ToLower):
                        return Expression.Call(Visit(node.Object), typeof(string).GetMethod(nameof(string.ToLowerInvariant), Type.EmptyTypes)!);
                    default:
                        break;
                }
            }

            return base.VisitMethodCall(node);
        }
    }
}
