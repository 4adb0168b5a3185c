using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Server.Tests.Infrastructure;

namespace CrowNest.Server.Tests.Apps;

/// <summary>
/// Ordering by a to-one relation's field (<c>{ workspace: { name: asc } }</c>) through GraphQL and REST: pages in the
/// right order with cursors that carry the related value, and invalid paths named in the error.
/// </summary>
public sealed class RelatedOrderingTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private CrowNestFactory _factory = null!;
    private HttpClient _client = null!;
    private string _secret = "";
    private List<(string Id, string Name, string Workspace)> _expected = [];

    public async ValueTask InitializeAsync()
    {
        _factory = new CrowNestFactory(database.ConnectionString);
        _client = _factory.CreateClient();
        // Every test gets its own organization (xunit constructs the class per test).
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (org, user, workspaces) = await AppRows.TenancyAsync(database.ConnectionString, "relorder-" + suffix, 3);
        _secret = ApiKeySecrets.NewSecret();
        await using var db = AppRows.NewDb(database.ConnectionString);
        db.AttachRange(workspaces);
        // Workspace names sort opposite to creation order and two of them tie, so the app name and id must break ties.
        string[] names = ["zulu", "alpha", "zulu"];
        for (var i = 0; i < workspaces.Count; i++)
        {
            workspaces[i].Name = names[i];
        }

        // An org owner sees every workspace of the organization.
        db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = org.Id, UserId = user.Id, Role = OrganizationRoles.Owner, CreatedAt = DateTimeOffset.UtcNow });
        db.ApiKeys.Add(new ApiKey
        {
            Id = PrefixedId.New(PrefixedId.ApiKey),
            UserId = user.Id,
            OrganizationId = org.Id,
            Name = "relorder",
            Prefix = ApiKeySecrets.VisiblePrefix(_secret),
            KeyHash = ApiKeySecrets.Hash(_secret),
            Scopes = [.. Scopes.All],
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();

        var now = DateTimeOffset.UtcNow;
        var apps = Enumerable.Range(0, 15).Select(i => new App
        {
            Id = PrefixedId.New(PrefixedId.App),
            WorkspaceId = workspaces[i % 3].Id,
            Name = "app" + (i % 4).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Handle = $"relorder-{suffix}-{i}",
            CreatedAt = now,
            UpdatedAt = now,
        }).ToList();
        await AppRows.CopyAsync(database.ConnectionString, apps);
        var wsName = workspaces.ToDictionary(w => w.Id, w => w.Name);
        // workspace.name asc, name desc, then the id tiebreaker follows the last key's direction (desc).
        _expected = apps.Select(a => (a.Id, a.Name, Workspace: wsName[a.WorkspaceId]))
            .OrderBy(a => a.Workspace, StringComparer.Ordinal)
            .ThenByDescending(a => a.Name, StringComparer.Ordinal)
            .ThenByDescending(a => a.Id, StringComparer.Ordinal)
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task GraphQLPagesForwardAndBackwardByTheRelatedField()
    {
        const string Query = """
            query($first: Int, $after: String, $last: Int, $before: String) {
              apps(first: $first, after: $after, last: $last, before: $before, orderBy: [{ workspace: { name: asc } }, { name: desc }]) {
                nodes { id name }
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                totalCount
              }
            }
            """;
        var forward = new List<string>();
        string? after = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var apps = (await GraphQLAsync(Query, new { first = 4, after })).GetProperty("apps");
            Assert.Equal(_expected.Count, apps.GetProperty("totalCount").GetInt32());
            forward.AddRange(apps.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!));
            var info = apps.GetProperty("pageInfo");
            Assert.Equal(pages > 0, info.GetProperty("hasPreviousPage").GetBoolean());
            if (!info.GetProperty("hasNextPage").GetBoolean())
            {
                break;
            }

            after = info.GetProperty("endCursor").GetString();
        }

        Assert.Equal(_expected.Select(e => e.Id), forward);

        var backward = new List<string>();
        string? before = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var apps = (await GraphQLAsync(Query, new { last = 4, before })).GetProperty("apps");
            backward.InsertRange(0, apps.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!));
            var info = apps.GetProperty("pageInfo");
            if (!info.GetProperty("hasPreviousPage").GetBoolean())
            {
                break;
            }

            before = info.GetProperty("startCursor").GetString();
        }

        Assert.Equal(_expected.Select(e => e.Id), backward);
    }

    [Fact]
    public async Task GraphQLRejectsACursorOfAnotherRelatedOrdering()
    {
        var first = (await GraphQLAsync("""{ apps(first: 2, orderBy: [{ workspace: { name: asc } }]) { pageInfo { endCursor } } }""")).GetProperty("apps");
        var cursor = first.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        var result = await GraphQLRawAsync($$"""{ apps(first: 2, after: "{{cursor}}", orderBy: [{ workspace: { name: desc } }]) { nodes { id } } }""");
        Assert.Equal("INVALID_CURSOR", result.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task RestTakesTheSameNestedOrderByJson()
    {
        var orderBy = Uri.EscapeDataString("""[{"workspace":{"name":"asc"}},{"name":"desc"}]""");
        var ids = new List<string>();
        string? after = null;
        for (var pages = 0; pages < 10; pages++)
        {
            using var response = await GetAsync($"/api/apps?limit=6&orderBy={orderBy}" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            ids.AddRange(body.GetProperty("data").EnumerateArray().Select(a => a.GetProperty("id").GetString()!));
            var info = body.GetProperty("pageInfo");
            Assert.Equal(_expected.Count, info.GetProperty("total").GetInt64());
            if (!info.GetProperty("hasNextPage").GetBoolean())
            {
                break;
            }

            after = info.GetProperty("endCursor").GetString();
        }

        Assert.Equal(_expected.Select(e => e.Id), ids);
    }

    [Theory]
    [InlineData("""[{"workspace":{"nme":"asc"}}]""", "orderBy[0].workspace.nme: unknown field 'nme'")]
    [InlineData("""[{"name":"asc"},{"workspace":{"name":"up"}}]""", "orderBy[1].workspace.name: expected one of")]
    [InlineData("""[{"workspace":"asc"}]""", "orderBy[0].workspace: expected an object with exactly one field")]
    [InlineData("""[{"versions":{"number":"asc"}}]""", "orderBy[0].versions: cannot order by the to-many relation")]
    [InlineData("""[{"workspace":{"name":"asc"}},{"workspace":{"name":"desc"}}]""", "orderBy[1].workspace.name: field already ordered by")]
    public async Task InvalidRelatedPathsAreInvalidRequestsNamingThePath(string orderBy, string message)
    {
        using var response = await GetAsync("/api/apps?orderBy=" + Uri.EscapeDataString(orderBy));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.StartsWith(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GraphQLValidatesTheNestedInputType()
    {
        var result = await GraphQLRawAsync("""{ apps(orderBy: [{ workspace: { nme: asc } }]) { nodes { id } } }""");
        var error = result.GetProperty("errors")[0];
        Assert.Contains("nme", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(result.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("apps", out var apps) && apps.ValueKind != JsonValueKind.Null);
    }

    private async Task<JsonElement> GraphQLAsync(string query, object? variables = null)
    {
        var result = await GraphQLRawAsync(query, variables);
        Assert.False(result.TryGetProperty("errors", out var errors), errors.ToString());
        return result.GetProperty("data");
    }

    private async Task<JsonElement> GraphQLRawAsync(string query, object? variables = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _secret);
        using var response = await _client.SendAsync(request);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _secret);
        return await _client.SendAsync(request);
    }
}
