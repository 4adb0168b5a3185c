using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Server.Tests.Infrastructure;

namespace CrowNest.Server.Tests.Apps;

/// <summary>REST /api/apps over the real pipeline and PostgreSQL.</summary>
public sealed class AppsApiTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private CrowNestFactory _factory = null!;
    private HttpClient _client = null!;
    private string _mine = "";
    private string _theirs = "";
    private string _myWorkspace = "";
    private string _theirWorkspace = "";

    public async ValueTask InitializeAsync()
    {
        _factory = new CrowNestFactory(database.ConnectionString);
        _client = _factory.CreateClient();
        (_mine, _myWorkspace) = await KeyAsync("mine", OrganizationRoles.Member);
        (_theirs, _theirWorkspace) = await KeyAsync("theirs", OrganizationRoles.Owner);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task ListingNeedsAKey()
    {
        using var response = await _client.GetAsync("/api/apps");
        await HealthAndAuthTests.AssertUnauthorizedAsync(response);
    }

    [Theory]
    [InlineData("limit=0", "limit: must be an integer between 1 and 100")]
    [InlineData("limit=101", "limit: must be an integer between 1 and 100")]
    [InlineData("limit=abc", "limit: must be an integer between 1 and 100")]
    [InlineData("filter=%7B%22name%22", "filter: not valid JSON")]
    [InlineData("filter=%7B%22or%22%3A%5B%7B%7D%2C%7B%22name%22%3A%7B%22contains%22%3A1%7D%7D%5D%7D", "filter.or[1].name.contains: expected a string")]
    [InlineData("orderBy=%5B%7B%22name%22%3A%22up%22%7D%5D", "orderBy[0].name: expected one of")]
    [InlineData("after=garbage", "after: malformed cursor")]
    [InlineData("include_deleted=maybe", "include_deleted: expected one of false, true, only")]
    [InlineData("status=archived", "status: expected one of draft, live")]
    [InlineData("public_access=yes", "public_access: expected a boolean")]
    public async Task BadParametersAreInvalidRequests(string query, string message)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/apps?" + query, _mine);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.StartsWith(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateGetAndListWithTheDocumentedShape()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/apps", _mine, new { workspaceId = _myWorkspace, name = "My Shop!", publicAccess = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var app = await created.Content.ReadFromJsonAsync<JsonElement>();
        string[] fields = ["id", "workspaceId", "name", "description", "handle", "defaultVersionId", "status", "publicAccess", "pagesProjectId", "apiKeyId", "config", "createdBy", "deletedAt", "retentionTier", "createdAt", "updatedAt"];
        Assert.Equal(fields, app.EnumerateObject().Select(p => p.Name));
        var id = app.GetProperty("id").GetString()!;
        Assert.True(PrefixedId.IsValid(id, PrefixedId.App));
        Assert.StartsWith("my-shop-", app.GetProperty("handle").GetString(), StringComparison.Ordinal);
        Assert.True(PrefixedId.IsValid(app.GetProperty("defaultVersionId").GetString(), PrefixedId.AppVersion));
        Assert.Equal("draft", app.GetProperty("status").GetString());
        Assert.True(app.GetProperty("publicAccess").GetBoolean());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", app.GetProperty("createdAt").GetString());

        using var one = await SendAsync(HttpMethod.Get, "/api/apps/" + id, _mine);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(app.ToString(), (await one.Content.ReadFromJsonAsync<JsonElement>()).ToString());

        using var list = await SendAsync(HttpMethod.Get, "/api/apps?name=SHOP&limit=1", _mine);
        var body = await list.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, Assert.Single(body.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(["total", "hasNextPage", "hasPreviousPage", "startCursor", "endCursor"], body.GetProperty("pageInfo").EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, body.GetProperty("pageInfo").GetProperty("total").GetInt64());

        using var conflict = await SendAsync(HttpMethod.Post, "/api/apps", _mine, new { workspaceId = _myWorkspace, name = "x", handle = app.GetProperty("handle").GetString() });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        using var badHandle = await SendAsync(HttpMethod.Post, "/api/apps", _mine, new { workspaceId = _myWorkspace, name = "x", handle = "-Bad" });
        Assert.Equal(HttpStatusCode.BadRequest, badHandle.StatusCode);
    }

    [Fact]
    public async Task AnotherOrganizationsAppsNeverAppear()
    {
        using var theirs = await SendAsync(HttpMethod.Post, "/api/apps", _theirs, new { workspaceId = _theirWorkspace, name = "secret", handle = "their-secret-" + Guid.NewGuid().ToString("N")[..8] });
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        var theirId = (await theirs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        foreach (var query in new[] { "", "?workspace_id=" + _theirWorkspace, "?ids=" + theirId, "?include_deleted=true" })
        {
            using var list = await SendAsync(HttpMethod.Get, "/api/apps" + query, _mine);
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            var ids = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray().Select(a => a.GetProperty("id").GetString());
            Assert.DoesNotContain(theirId, ids);
        }

        using var one = await SendAsync(HttpMethod.Get, "/api/apps/" + theirId, _mine);
        Assert.Equal(HttpStatusCode.NotFound, one.StatusCode);
        using var malformed = await SendAsync(HttpMethod.Get, "/api/apps/ws_123", _mine);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        Assert.Equal("not_found", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        using var create = await SendAsync(HttpMethod.Post, "/api/apps", _mine, new { workspaceId = _theirWorkspace, name = "intrude" });
        Assert.Equal(HttpStatusCode.NotFound, create.StatusCode);

        // The owner sees it.
        using var own = await SendAsync(HttpMethod.Get, "/api/apps/" + theirId, _theirs);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task CompiledListingsTakeEachCallersValuesAndReadOnlySelectedColumns()
    {
        // One GraphQL document is one compiled query shape: the caller and the filter values are its parameters.
        var alpha = "Alpha " + Guid.NewGuid().ToString("N");
        var beta = "Beta " + Guid.NewGuid().ToString("N");
        using (var created = await SendAsync(HttpMethod.Post, "/api/apps", _mine, new { workspaceId = _myWorkspace, name = alpha }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var created = await SendAsync(HttpMethod.Post, "/api/apps", _theirs, new { workspaceId = _theirWorkspace, name = beta }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        const string Narrow = "query($f: AppFilter) { apps(first: 50, filter: $f) { nodes { name } } }";
        async Task<string[]> NamesAsync(string secret, string query, string name)
        {
            using var response = await SendAsync(HttpMethod.Post, "/graphql", secret, new { query, variables = new { f = new { name = new { eq = name } } } });
            var result = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(result.TryGetProperty("errors", out var errors), errors.ToString());
            return [.. result.GetProperty("data").GetProperty("apps").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString()!)];
        }

        Assert.Equal([alpha], await NamesAsync(_mine, Narrow, alpha));
        Assert.Empty(await NamesAsync(_theirs, Narrow, alpha));
        Assert.Equal([beta], await NamesAsync(_theirs, Narrow, beta));
        Assert.Empty(await NamesAsync(_mine, Narrow, beta));
        Assert.Equal([alpha], await NamesAsync(_mine, Narrow, alpha));

        // A selection with fields of their own resolvers reads whole rows; a projected one only its columns, same answer.
        const string Wide = "query($f: AppFilter) { apps(first: 50, filter: $f) { nodes { id name handle status config createdAt envVars { name } } } }";
        const string Projected = "query($f: AppFilter) { apps(first: 50, filter: $f) { nodes { id name handle status config createdAt } } }";
        using var wide = await SendAsync(HttpMethod.Post, "/graphql", _mine, new { query = Wide, variables = new { f = new { name = new { eq = alpha } } } });
        using var projected = await SendAsync(HttpMethod.Post, "/graphql", _mine, new { query = Projected, variables = new { f = new { name = new { eq = alpha } } } });
        var wideApp = (await wide.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("apps").GetProperty("nodes")[0];
        var projectedApp = (await projected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetProperty("apps").GetProperty("nodes")[0];
        foreach (var field in new[] { "id", "name", "handle", "status", "config", "createdAt" })
        {
            Assert.Equal(wideApp.GetProperty(field).ToString(), projectedApp.GetProperty(field).ToString());
        }

        Assert.Equal("draft", projectedApp.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Array, wideApp.GetProperty("envVars").ValueKind);
    }

    private async Task<(string Secret, string WorkspaceId)> KeyAsync(string slug, string orgRole)
    {
        var (org, user, workspaces) = await AppRows.TenancyAsync(database.ConnectionString, $"{slug}-{Guid.NewGuid():N}"[..20], 2);
        var secret = ApiKeySecrets.NewSecret();
        await using var db = AppRows.NewDb(database.ConnectionString);
        db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = org.Id, UserId = user.Id, Role = orgRole, CreatedAt = DateTimeOffset.UtcNow });
        // Member of the first workspace only.
        db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaces[0].Id, UserId = user.Id, Role = WorkspaceRoles.Editor, CreatedAt = DateTimeOffset.UtcNow });
        db.ApiKeys.Add(new ApiKey
        {
            Id = PrefixedId.New(PrefixedId.ApiKey),
            UserId = user.Id,
            OrganizationId = org.Id,
            Name = slug,
            Prefix = ApiKeySecrets.VisiblePrefix(secret),
            KeyHash = ApiKeySecrets.Hash(secret),
            Scopes = [.. Scopes.All],
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return (secret, workspaces[0].Id);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string secret, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await _client.SendAsync(request);
    }
}
