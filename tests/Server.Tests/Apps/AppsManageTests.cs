using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrowNest.Platform.Apps;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Server.Tests.Apps;

/// <summary>
/// REST writes on /api/apps (PATCH, DELETE, restore, purge, env, domain) and the same capabilities over GraphQL,
/// through the real pipeline, PostgreSQL and a real UDP DNS exchange for domain verification.
/// </summary>
public sealed class AppsManageTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private readonly FakeDnsServer _dns = new();
    private CrowNestFactory _factory = null!;
    private HttpClient _client = null!;
    private string _mine = "";
    private string _readOnly = "";
    private string _theirs = "";
    private string _myWorkspace = "";
    private string _myUser = "";

    public async ValueTask InitializeAsync()
    {
        _factory = new CrowNestFactory(database.ConnectionString, new Dictionary<string, string?> { ["Apps:DnsServer"] = _dns.Address });
        _client = _factory.CreateClient();
        (_mine, _myWorkspace, var org, _myUser) = await KeyAsync("mine", OrganizationRoles.Member, [.. Scopes.All]);
        _readOnly = await ExtraKeyAsync(org, _myUser, [Scopes.AppRead]);
        (_theirs, _, _, _) = await KeyAsync("theirs", OrganizationRoles.Owner, [.. Scopes.All]);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task CreateProvisionsTheAppsOwnApiKey()
    {
        var app = await CreateAppAsync(_mine);
        var keyId = app.GetProperty("apiKeyId").GetString();
        Assert.True(PrefixedId.IsValid(keyId, PrefixedId.ApiKey));
        Assert.DoesNotContain("secret", app.GetRawText(), StringComparison.OrdinalIgnoreCase);
        await using var db = AppRows.NewDb(database.ConnectionString);
        var key = await db.ApiKeys.SingleAsync(k => k.Id == keyId);
        Assert.Equal(_myUser, key.UserId);
        Assert.Equal(AppService.AppKeyScopes, key.Scopes);
        Assert.Null(key.RevokedAt);
    }

    [Fact]
    public async Task PatchUpdatesDocumentedFields()
    {
        var app = await CreateAppAsync(_mine, description: "old");
        var id = app.GetProperty("id").GetString()!;
        var handle = "patched-" + Suffix();
        using var ok = await SendAsync(HttpMethod.Patch, $"/api/apps/{id}", _mine,
            new { name = "Renamed", description = (string?)null, handle, publicAccess = true, config = new { nodeVersion = "22", env = new { A = "1" } } });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var updated = await JsonAsync(ok);
        Assert.Equal("Renamed", updated.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("description").ValueKind);
        Assert.Equal(handle, updated.GetProperty("handle").GetString());
        Assert.True(updated.GetProperty("publicAccess").GetBoolean());
        Assert.Equal("22", updated.GetProperty("config").GetProperty("nodeVersion").GetString());
        Assert.Equal(app.GetProperty("createdAt").GetString(), updated.GetProperty("createdAt").GetString());
        Assert.Equal(app.EnumerateObject().Select(p => p.Name), updated.EnumerateObject().Select(p => p.Name));

        // Only the sent fields change.
        using var partial = await SendAsync(HttpMethod.Patch, $"/api/apps/{id}", _mine, new { defaultVersionId = app.GetProperty("defaultVersionId").GetString() });
        var after = await JsonAsync(partial);
        Assert.Equal("Renamed", after.GetProperty("name").GetString());
        Assert.Equal(handle, after.GetProperty("handle").GetString());
    }

    [Theory]
    [InlineData("""{"name":""}""", "name: required")]
    [InlineData("""{"name":5}""", "name: wrong type")]
    [InlineData("""{"handle":"-Bad"}""", "handle: 3-63 characters")]
    [InlineData("""{"publicAccess":"yes"}""", "publicAccess: wrong type")]
    [InlineData("""{"config":[1]}""", "config: wrong type")]
    [InlineData("""{"defaultVersionId":"appver_01JD0000000000000000000000"}""", "defaultVersionId: not a version of this app")]
    [InlineData("""{"color":"red"}""", "color: unknown field")]
    [InlineData("""[1]""", "body: expected a JSON object")]
    public async Task PatchRejectsInvalidInput(string body, string message)
    {
        var id = (await CreateAppAsync(_mine)).GetProperty("id").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/apps/{id}") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _mine);
        using var response = await _client.SendAsync(request);
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", message);
    }

    [Fact]
    public async Task PatchErrors()
    {
        var first = await CreateAppAsync(_mine);
        var second = await CreateAppAsync(_mine);
        var id = second.GetProperty("id").GetString()!;
        using var taken = await SendAsync(HttpMethod.Patch, $"/api/apps/{id}", _mine, new { handle = first.GetProperty("handle").GetString() });
        await AssertErrorAsync(taken, HttpStatusCode.Conflict, "conflict", "handle '");
        using var forbidden = await SendAsync(HttpMethod.Patch, $"/api/apps/{id}", _readOnly, new { name = "x" });
        await AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "forbidden", "This API key lacks the 'app:write' scope");
        using var foreign = await SendAsync(HttpMethod.Patch, $"/api/apps/{id}", _theirs, new { name = "x" });
        await AssertErrorAsync(foreign, HttpStatusCode.NotFound, "not_found", "App not found");
        using var malformed = await SendAsync(HttpMethod.Patch, "/api/apps/app_nope", _mine, new { name = "x" });
        await AssertErrorAsync(malformed, HttpStatusCode.NotFound, "not_found", "App not found");
        using var anonymous = await _client.PatchAsJsonAsync($"/api/apps/{id}", new { name = "x" });
        await HealthAndAuthTests.AssertUnauthorizedAsync(anonymous);

        using var deleted = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using var patchDeleted = await SendAsync(HttpMethod.Patch, $"/api/apps/{id}", _mine, new { name = "x" });
        await AssertErrorAsync(patchDeleted, HttpStatusCode.Conflict, "conflict", "app is deleted");
    }

    [Fact]
    public async Task SoftDeleteRestoreAndPurge()
    {
        var app = await CreateAppAsync(_mine);
        var id = app.GetProperty("id").GetString()!;
        var handle = app.GetProperty("handle").GetString()!;

        using var purgeLive = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}/purge", _mine);
        await AssertErrorAsync(purgeLive, HttpStatusCode.Conflict, "conflict", "only a soft-deleted app can be purged");
        using var restoreLive = await SendAsync(HttpMethod.Post, $"/api/apps/{id}/restore", _mine);
        await AssertErrorAsync(restoreLive, HttpStatusCode.Conflict, "conflict", "app is not deleted");

        foreach (var (method, path) in new[] { (HttpMethod.Delete, $"/api/apps/{id}"), (HttpMethod.Post, $"/api/apps/{id}/restore"), (HttpMethod.Delete, $"/api/apps/{id}/purge") })
        {
            using var forbidden = await SendAsync(method, path, _readOnly);
            await AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "forbidden", "This API key lacks");
            using var foreign = await SendAsync(method, path, _theirs);
            await AssertErrorAsync(foreign, HttpStatusCode.NotFound, "not_found", "App not found");
        }

        using var delete = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}", _mine);
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal("""{"success":true}""", await delete.Content.ReadAsStringAsync());
        using var again = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}", _mine);
        await AssertErrorAsync(again, HttpStatusCode.Conflict, "conflict", "app is already deleted");

        var got = await JsonAsync(await SendAsync(HttpMethod.Get, $"/api/apps/{id}", _mine));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", got.GetProperty("deletedAt").GetString());
        Assert.DoesNotContain(id, await ListIdsAsync("?ids=" + id));
        Assert.Contains(id, await ListIdsAsync("?ids=" + id + "&include_deleted=only"));
        Assert.Contains(id, await ListIdsAsync("?ids=" + id + "&include_deleted=true"));

        using var restored = await SendAsync(HttpMethod.Post, $"/api/apps/{id}/restore", _mine);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await JsonAsync(restored)).GetProperty("deletedAt").ValueKind);

        // Deleted again, its handle is free; once another app takes it, restoring conflicts.
        (await SendAsync(HttpMethod.Delete, $"/api/apps/{id}", _mine)).Dispose();
        var usurper = await CreateAppAsync(_mine, handle: handle);
        Assert.Equal(handle, usurper.GetProperty("handle").GetString());
        using var conflict = await SendAsync(HttpMethod.Post, $"/api/apps/{id}/restore", _mine);
        await AssertErrorAsync(conflict, HttpStatusCode.Conflict, "conflict", $"handle '{handle}' was taken");

        // Purge removes the app and what it owns, including its API key.
        (await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _mine, new { name = "A", value = "1" })).Dispose();
        using var purge = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}/purge", _mine);
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        using var gone = await SendAsync(HttpMethod.Get, $"/api/apps/{id}", _mine);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        await using var db = AppRows.NewDb(database.ConnectionString);
        Assert.False(await db.ApiKeys.AnyAsync(k => k.Id == app.GetProperty("apiKeyId").GetString()));
        Assert.False(await db.AppVersions.AnyAsync(v => v.AppId == id));
        Assert.False(await db.AppEnvVars.AnyAsync(v => v.AppId == id));
    }

    [Fact]
    public async Task EnvVarsAreValidatedAndSecretsMasked()
    {
        var id = (await CreateAppAsync(_mine)).GetProperty("id").GetString()!;
        using var plain = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _mine, new { name = "VITE_API", value = "https://x" });
        Assert.Equal("""{"success":true}""", await plain.Content.ReadAsStringAsync());
        using var secret = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _mine, new { name = "_TOKEN", value = "hunter2", type = "secret" });
        Assert.Equal(HttpStatusCode.OK, secret.StatusCode);
        // Updating a secret keeps it secret.
        (await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _mine, new { name = "_TOKEN", value = "hunter3" })).Dispose();
        using var max = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _mine, new { name = "BIG", value = new string('x', 32 * 1024) });
        Assert.Equal(HttpStatusCode.OK, max.StatusCode);

        using var list = await SendAsync(HttpMethod.Get, $"/api/apps/{id}/env", _readOnly);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var data = (await JsonAsync(list)).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["BIG", "VITE_API", "_TOKEN"], data.Select(v => v.GetProperty("name").GetString()));
        Assert.Equal(["name", "type", "value"], data[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("https://x", data[1].GetProperty("value").GetString());
        Assert.Equal("secret", data[2].GetProperty("type").GetString());
        Assert.Equal(AppService.MaskedValue, data[2].GetProperty("value").GetString());
        Assert.DoesNotContain("hunter", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var tooBig = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _mine, new { name = "BIG", value = new string('x', (32 * 1024) + 1) });
        await AssertErrorAsync(tooBig, HttpStatusCode.RequestEntityTooLarge, "quota_exceeded", "value: at most 32768 bytes");
        foreach (var badName in new[] { "1ABC", "A-B", "", "A B" })
        {
            using var bad = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _mine, new { name = badName, value = "v" });
            await AssertErrorAsync(bad, HttpStatusCode.BadRequest, "invalid_request", "name: must match");
        }

        using var badType = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _mine, new { name = "A", value = "v", type = "hidden" });
        await AssertErrorAsync(badType, HttpStatusCode.BadRequest, "invalid_request", "type: expected plain or secret");
        using var noValue = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _mine, new { name = "A" });
        await AssertErrorAsync(noValue, HttpStatusCode.BadRequest, "invalid_request", "value: required");
        using var forbidden = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _readOnly, new { name = "A", value = "v" });
        await AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "forbidden", "This API key lacks the 'app:write' scope");
        using var foreign = await SendAsync(HttpMethod.Get, $"/api/apps/{id}/env", _theirs);
        await AssertErrorAsync(foreign, HttpStatusCode.NotFound, "not_found", "App not found");
        using var foreignPut = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _theirs, new { name = "A", value = "v" });
        await AssertErrorAsync(foreignPut, HttpStatusCode.NotFound, "not_found", "App not found");

        using var deleted = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}/env?name=VITE_API", _mine);
        Assert.Equal("""{"success":true}""", await deleted.Content.ReadAsStringAsync());
        using var missing = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}/env?name=VITE_API", _mine);
        await AssertErrorAsync(missing, HttpStatusCode.NotFound, "not_found", "Env var not found");
        using var noName = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}/env", _mine);
        await AssertErrorAsync(noName, HttpStatusCode.BadRequest, "invalid_request", "name: required");
        using var deleteForbidden = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}/env?name=BIG", _readOnly);
        await AssertErrorAsync(deleteForbidden, HttpStatusCode.Forbidden, "forbidden", "This API key lacks");
        using var deleteForeign = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}/env?name=BIG", _theirs);
        await AssertErrorAsync(deleteForeign, HttpStatusCode.NotFound, "not_found", "App not found");
    }

    [Fact]
    public async Task EnvVarCountIsLimited()
    {
        var id = (await CreateAppAsync(_mine)).GetProperty("id").GetString()!;
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            db.AppEnvVars.AddRange(Enumerable.Range(0, AppService.MaxEnvVarsPerApp).Select(i => new AppEnvVar { AppId = id, Name = $"V{i}", Value = "x" }));
            await db.SaveChangesAsync();
        }

        using var over = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _mine, new { name = "ONE_MORE", value = "x" });
        await AssertErrorAsync(over, HttpStatusCode.TooManyRequests, "quota_exceeded", "an app has at most");
        using var replace = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/env", _mine, new { name = "V0", value = "y" });
        Assert.Equal(HttpStatusCode.OK, replace.StatusCode);
    }

    [Theory]
    [InlineData("Shop.Example.com", "hostname: must be lowercase")]
    [InlineData("10.0.0.1", "hostname: must be a DNS name, not an IP address")]
    [InlineData("localhost", "hostname: not a valid RFC 1123 hostname")]
    [InlineData("-bad.example.com", "hostname: not a valid RFC 1123 hostname")]
    [InlineData("a..example.com", "hostname: not a valid RFC 1123 hostname")]
    [InlineData("under_score.example.com", "hostname: not a valid RFC 1123 hostname")]
    [InlineData("example.123", "hostname: the top-level label cannot be numeric")]
    [InlineData("mine.crownest.app", "hostname: cannot be under the platform's own domain 'crownest.app'")]
    [InlineData("", "hostname: required")]
    public async Task DomainHostnamesAreValidated(string hostname, string message)
    {
        var id = (await CreateAppAsync(_mine)).GetProperty("id").GetString()!;
        using var response = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/domain", _mine, new { hostname });
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", message);
    }

    [Fact]
    public async Task DomainLifecycleWithDnsVerification()
    {
        var id = (await CreateAppAsync(_mine)).GetProperty("id").GetString()!;
        using var none = await SendAsync(HttpMethod.Get, $"/api/apps/{id}/domain", _readOnly);
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Equal("null", await none.Content.ReadAsStringAsync());

        var hostname = $"shop-{Suffix()}.example.com";
        using var set = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/domain", _mine, new { hostname });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var domain = await JsonAsync(set);
        Assert.Equal(["id", "appId", "hostname", "status", "lastError", "createdBy", "createdAt", "updatedAt"], domain.EnumerateObject().Select(p => p.Name));
        Assert.Equal("pending", domain.GetProperty("status").GetString());
        Assert.Equal(id, domain.GetProperty("appId").GetString());
        Assert.Equal(_myUser, domain.GetProperty("createdBy").GetString());

        // Setting the same hostname again is idempotent; another app cannot take it.
        using var same = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/domain", _mine, new { hostname });
        Assert.Equal(domain.GetProperty("id").GetString(), (await JsonAsync(same)).GetProperty("id").GetString());
        var other = (await CreateAppAsync(_mine)).GetProperty("id").GetString()!;
        using var taken = await SendAsync(HttpMethod.Put, $"/api/apps/{other}/domain", _mine, new { hostname });
        await AssertErrorAsync(taken, HttpStatusCode.Conflict, "conflict", $"hostname '{hostname}' is already attached");

        // No TXT record: failed with the reason; the right record: active.
        using var failed = await SendAsync(HttpMethod.Post, $"/api/apps/{id}/domain/verify", _mine);
        var failedDomain = await JsonAsync(failed);
        Assert.Equal("failed", failedDomain.GetProperty("status").GetString());
        Assert.Contains($"no TXT record at _crownest.{hostname}", failedDomain.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        _dns.Records["_crownest." + hostname] = ["unrelated", AppService.VerificationValue(id)];
        using var verified = await SendAsync(HttpMethod.Post, $"/api/apps/{id}/domain/verify", _mine);
        var active = await JsonAsync(verified);
        Assert.Equal("active", active.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, active.GetProperty("lastError").ValueKind);
        using var got = await SendAsync(HttpMethod.Get, $"/api/apps/{id}/domain", _mine);
        Assert.Equal("active", (await JsonAsync(got)).GetProperty("status").GetString());

        // Replacing the hostname starts over as pending.
        using var replaced = await SendAsync(HttpMethod.Put, $"/api/apps/{id}/domain", _mine, new { hostname = "www." + hostname });
        Assert.Equal("pending", (await JsonAsync(replaced)).GetProperty("status").GetString());

        foreach (var (method, path) in new[] { (HttpMethod.Put, $"/api/apps/{id}/domain"), (HttpMethod.Delete, $"/api/apps/{id}/domain"), (HttpMethod.Post, $"/api/apps/{id}/domain/verify") })
        {
            using var forbidden = await SendAsync(method, path, _readOnly, method == HttpMethod.Put ? new { hostname = "a.example.org" } : null);
            await AssertErrorAsync(forbidden, HttpStatusCode.Forbidden, "forbidden", "This API key lacks");
            using var foreign = await SendAsync(method, path, _theirs, method == HttpMethod.Put ? new { hostname = "a.example.org" } : null);
            await AssertErrorAsync(foreign, HttpStatusCode.NotFound, "not_found", "App not found");
        }

        using var foreignGet = await SendAsync(HttpMethod.Get, $"/api/apps/{id}/domain", _theirs);
        await AssertErrorAsync(foreignGet, HttpStatusCode.NotFound, "not_found", "App not found");

        using var removed = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}/domain", _mine);
        Assert.Equal("""{"success":true}""", await removed.Content.ReadAsStringAsync());
        using var removedAgain = await SendAsync(HttpMethod.Delete, $"/api/apps/{id}/domain", _mine);
        await AssertErrorAsync(removedAgain, HttpStatusCode.NotFound, "not_found", "Domain not found");
        using var verifyNone = await SendAsync(HttpMethod.Post, $"/api/apps/{id}/domain/verify", _mine);
        await AssertErrorAsync(verifyNone, HttpStatusCode.NotFound, "not_found", "Domain not found");
    }

    [Fact]
    public async Task ListingSourceAndRelationFilters()
    {
        var id = (await CreateAppAsync(_mine)).GetProperty("id").GetString()!;
        Assert.Contains(id, await ListIdsAsync("?ids=" + id));
        Assert.Contains(id, await ListIdsAsync("?source=workspace&ids=" + id));
        Assert.Empty(await ListIdsAsync("?source=integration"));
        using var badSource = await SendAsync(HttpMethod.Get, "/api/apps?source=elsewhere", _mine);
        await AssertErrorAsync(badSource, HttpStatusCode.BadRequest, "invalid_request", "source: expected workspace or integration");

        string Filter(string json) => "?ids=" + id + "&filter=" + Uri.EscapeDataString(json);
        Assert.Contains(id, await ListIdsAsync(Filter("""{"workspace":{"slug":{"eq":"ws0"}}}""")));
        Assert.Empty(await ListIdsAsync(Filter("""{"workspace":{"slug":{"eq":"ws1"}}}""")));
        Assert.Contains(id, await ListIdsAsync(Filter("""{"workspace":{"id":{"eq":"__WS__"}}}""".Replace("__WS__", _myWorkspace, StringComparison.Ordinal))));
        Assert.Contains(id, await ListIdsAsync(Filter("""{"versions":{"some":{"number":{"eq":1}}}}""")));
        Assert.Empty(await ListIdsAsync(Filter("""{"versions":{"some":{"number":{"gt":1}}}}""")));
        Assert.Contains(id, await ListIdsAsync(Filter("""{"versions":{"every":{"number":{"lte":1}}}}""")));
        Assert.Empty(await ListIdsAsync(Filter("""{"versions":{"none":{"number":{"eq":1}}}}""")));
        Assert.Contains(id, await ListIdsAsync(Filter("""{"not":{"versions":{"none":{"createdBy":{"eq":"__U__"}}}}}""".Replace("__U__", _myUser, StringComparison.Ordinal))));

        using var badQuantifier = await SendAsync(HttpMethod.Get, "/api/apps" + Filter("""{"versions":{"any":{}}}"""), _mine);
        await AssertErrorAsync(badQuantifier, HttpStatusCode.BadRequest, "invalid_request", "filter.versions.any: unknown operator 'any' for to-many relation 'versions'");
        using var badNested = await SendAsync(HttpMethod.Get, "/api/apps" + Filter("""{"workspace":{"color":{"eq":"x"}}}"""), _mine);
        await AssertErrorAsync(badNested, HttpStatusCode.BadRequest, "invalid_request", "filter.workspace.color: unknown field 'color'");
    }

    [Fact]
    public async Task GraphQLAppsConnectionPagesFiltersAndCounts()
    {
        var tag = "conn" + Suffix();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await CreateAppAsync(_mine, name: $"{tag} {i}")).GetProperty("id").GetString()!);
        }

        const string query = """
            query($after: String, $before: String, $first: Int, $last: Int, $filter: AppFilter) {
              apps(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: [{ name: asc }], workspaceId: "__WS__") {
                edges { cursor node { id name } } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
              }
            }
            """;
        var q = query.Replace("__WS__", _myWorkspace, StringComparison.Ordinal);
        var filter = new { name = new { startsWith = tag } };
        var page1 = (await GraphQLDataAsync(_mine, q, new { first = 2, filter })).GetProperty("apps");
        Assert.Equal(ids.Take(2), page1.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.Equal(5, page1.GetProperty("totalCount").GetInt32());
        Assert.True(page1.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.False(page1.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        var edges = page1.GetProperty("edges").EnumerateArray().ToList();
        Assert.Equal(page1.GetProperty("pageInfo").GetProperty("endCursor").GetString(), edges[^1].GetProperty("cursor").GetString());

        var page2 = (await GraphQLDataAsync(_mine, q, new { first = 2, filter, after = edges[^1].GetProperty("cursor").GetString() })).GetProperty("apps");
        Assert.Equal(ids.Skip(2).Take(2), page2.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.True(page2.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        var back = (await GraphQLDataAsync(_mine, q, new { last = 2, filter, before = page2.GetProperty("pageInfo").GetProperty("startCursor").GetString() })).GetProperty("apps");
        Assert.Equal(ids.Take(2), back.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));

        // The same filter structure as REST, incl. relations and DateTime values.
        var related = (await GraphQLDataAsync(_mine, q, new
        {
            first = 10,
            filter = new { and = new object[] { new { name = new { startsWith = tag } }, new { workspace = new { slug = new { eq = "ws0" } } }, new { versions = new { some = new { number = new { eq = 1 } } } }, new { createdAt = new { gt = "2000-01-01T00:00:00Z" } } } },
        })).GetProperty("apps");
        Assert.Equal(5, related.GetProperty("nodes").GetArrayLength());

        // totalCount is optional to select; ids narrow; includeDeleted works.
        var narrow = await GraphQLDataAsync(_mine, $$"""{ apps(ids: ["{{ids[0]}}", "{{ids[1]}}"], includeDeleted: include) { nodes { id } pageInfo { hasNextPage } } }""");
        Assert.Equal(2, narrow.GetProperty("apps").GetProperty("nodes").GetArrayLength());

        var badCursor = await GraphQLAsync(_mine, """{ apps(after: "garbage") { nodes { id } } }""");
        Assert.Equal("INVALID_CURSOR", FirstErrorCode(badCursor));
        var otherOrder = await GraphQLAsync(_mine, $$"""{ apps(after: "{{edges[0].GetProperty("cursor").GetString()}}", orderBy: [{ createdAt: desc }]) { nodes { id } } }""");
        Assert.Equal("INVALID_CURSOR", FirstErrorCode(otherOrder));
        var tooMany = await GraphQLAsync(_mine, """{ apps(first: 101) { nodes { id } } }""");
        Assert.Equal("INVALID_REQUEST", FirstErrorCode(tooMany));
        var badFilter = await GraphQLAsync(_mine, """{ apps(filter: { status: { eq: "archived" } }) { nodes { id } } }""");
        Assert.Equal("INVALID_REQUEST", FirstErrorCode(badFilter));
        var noScope = await GraphQLAsync(await ExtraKeyAsync(await OrgOfAsync(), _myUser, [Scopes.PreviewRead]), """{ apps { nodes { id } } }""");
        Assert.Equal("FORBIDDEN", FirstErrorCode(noScope));
        var foreign = await GraphQLDataAsync(_theirs, $$"""{ apps(ids: ["{{ids[0]}}"]) { nodes { id } totalCount } }""");
        Assert.Equal(0, foreign.GetProperty("apps").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task GraphQLMutationsMirrorRest()
    {
        var created = await GraphQLDataAsync(_mine, $$"""mutation { createApp(input: { workspaceId: "{{_myWorkspace}}", name: "gql app" }) { id handle apiKeyId defaultVersionId } }""");
        var id = created.GetProperty("createApp").GetProperty("id").GetString()!;
        Assert.NotNull(created.GetProperty("createApp").GetProperty("apiKeyId").GetString());

        var updated = await GraphQLDataAsync(_mine, """mutation($id: ID!) { updateApp(id: $id, input: { name: "renamed", description: null, publicAccess: true, config: { nodeVersion: "20" } }) { name description publicAccess config } }""", new { id });
        Assert.Equal("renamed", updated.GetProperty("updateApp").GetProperty("name").GetString());
        Assert.Equal("20", updated.GetProperty("updateApp").GetProperty("config").GetProperty("nodeVersion").GetString());

        var env = await GraphQLDataAsync(_mine, """mutation($id: ID!) { setAppEnvVar(appId: $id, name: "KEY", value: "v", type: secret) { name type value } }""", new { id });
        Assert.Equal(AppService.MaskedValue, env.GetProperty("setAppEnvVar").GetProperty("value").GetString());
        var read = await GraphQLDataAsync(_mine, """query($id: ID!) { app(id: $id) { envVars { name value } domain { hostname } } }""", new { id });
        Assert.Equal("KEY", read.GetProperty("app").GetProperty("envVars")[0].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("app").GetProperty("domain").ValueKind);
        Assert.True((await GraphQLDataAsync(_mine, """mutation($id: ID!) { deleteAppEnvVar(appId: $id, name: "KEY") }""", new { id })).GetProperty("deleteAppEnvVar").GetBoolean());
        Assert.Equal("NOT_FOUND", FirstErrorCode(await GraphQLAsync(_mine, """mutation($id: ID!) { deleteAppEnvVar(appId: $id, name: "KEY") }""", new { id })));
        Assert.Equal("INVALID_REQUEST", FirstErrorCode(await GraphQLAsync(_mine, """mutation($id: ID!) { setAppEnvVar(appId: $id, name: "9x", value: "v") { name } }""", new { id })));

        var hostname = $"gql-{Suffix()}.example.net";
        var domain = await GraphQLDataAsync(_mine, """mutation($id: ID!, $h: String!) { setAppDomain(appId: $id, hostname: $h) { hostname status } }""", new { id, h = hostname });
        Assert.Equal("pending", domain.GetProperty("setAppDomain").GetProperty("status").GetString());
        _dns.Records["_crownest." + hostname] = [AppService.VerificationValue(id)];
        var verified = await GraphQLDataAsync(_mine, """mutation($id: ID!) { verifyAppDomain(appId: $id) { status lastError } }""", new { id });
        Assert.Equal("active", verified.GetProperty("verifyAppDomain").GetProperty("status").GetString());
        Assert.Equal("INVALID_REQUEST", FirstErrorCode(await GraphQLAsync(_mine, """mutation($id: ID!) { setAppDomain(appId: $id, hostname: "1.2.3.4") { status } }""", new { id })));
        Assert.True((await GraphQLDataAsync(_mine, """mutation($id: ID!) { removeAppDomain(appId: $id) }""", new { id })).GetProperty("removeAppDomain").GetBoolean());

        Assert.Equal("CONFLICT", FirstErrorCode(await GraphQLAsync(_mine, """mutation($id: ID!) { purgeApp(id: $id) }""", new { id })));
        Assert.Equal("CONFLICT", FirstErrorCode(await GraphQLAsync(_mine, """mutation($id: ID!) { restoreApp(id: $id) { id } }""", new { id })));
        foreach (var mutation in new[]
        {
            """mutation($id: ID!) { updateApp(id: $id, input: { name: "x" }) { id } }""",
            """mutation($id: ID!) { deleteApp(id: $id) }""",
            """mutation($id: ID!) { setAppEnvVar(appId: $id, name: "A", value: "v") { name } }""",
            """mutation($id: ID!) { setAppDomain(appId: $id, hostname: "x.example.org") { status } }""",
        })
        {
            Assert.Equal("FORBIDDEN", FirstErrorCode(await GraphQLAsync(_readOnly, mutation, new { id })));
            Assert.Equal("NOT_FOUND", FirstErrorCode(await GraphQLAsync(_theirs, mutation, new { id })));
        }

        Assert.True((await GraphQLDataAsync(_mine, """mutation($id: ID!) { deleteApp(id: $id) }""", new { id })).GetProperty("deleteApp").GetBoolean());
        Assert.Equal("CONFLICT", FirstErrorCode(await GraphQLAsync(_mine, """mutation($id: ID!) { updateApp(id: $id, input: { name: "x" }) { id } }""", new { id })));
        var restored = await GraphQLDataAsync(_mine, """mutation($id: ID!) { restoreApp(id: $id) { deletedAt } }""", new { id });
        Assert.Equal(JsonValueKind.Null, restored.GetProperty("restoreApp").GetProperty("deletedAt").ValueKind);
        await GraphQLDataAsync(_mine, """mutation($id: ID!) { deleteApp(id: $id) }""", new { id });
        Assert.True((await GraphQLDataAsync(_mine, """mutation($id: ID!) { purgeApp(id: $id) }""", new { id })).GetProperty("purgeApp").GetBoolean());
        Assert.Equal(JsonValueKind.Null, (await GraphQLDataAsync(_mine, """query($id: ID!) { app(id: $id) { id } }""", new { id })).GetProperty("app").ValueKind);
    }

    [Fact]
    public async Task NodeAndNodesResolveVisibleAppsOnly()
    {
        var mine = (await CreateAppAsync(_mine)).GetProperty("id").GetString()!;
        var theirs = (await CreateAppAsync(_theirs, workspaceId: await WorkspaceOfAsync(_theirs))).GetProperty("id").GetString()!;
        var node = await GraphQLDataAsync(_mine, """query($id: ID!) { node(id: $id) { __typename id ... on App { name } } }""", new { id = mine });
        Assert.Equal("App", node.GetProperty("node").GetProperty("__typename").GetString());
        Assert.Equal(mine, node.GetProperty("node").GetProperty("id").GetString());
        var nodes = await GraphQLDataAsync(_mine, """query($ids: [ID!]!) { nodes(ids: $ids) { id } }""", new { ids = new[] { mine, theirs, "app_garbage", "zzz_01JD0000000000000000000000", mine } });
        var list = nodes.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(5, list.Count);
        Assert.Equal(mine, list[0].GetProperty("id").GetString());
        Assert.All(list.Skip(1).Take(3), n => Assert.Equal(JsonValueKind.Null, n.ValueKind));
        Assert.Equal(mine, list[4].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, (await GraphQLDataAsync(_mine, """query($id: ID!) { app(id: $id) { id } }""", new { id = theirs })).GetProperty("app").ValueKind);
        // A visible app without a read scope is forbidden, not null.
        var noRead = await ExtraKeyAsync(await OrgOfAsync(), _myUser, [Scopes.PreviewRead]);
        Assert.Equal("FORBIDDEN", FirstErrorCode(await GraphQLAsync(noRead, """query($id: ID!) { node(id: $id) { id } }""", new { id = mine })));
    }

    [Fact]
    public void FilterAndOrderByTypesMatchTheQueryDescriptor()
    {
        var schema = CrowNest.Schema.CrowNestSchema.Build();
        var descriptor = AppQueryDescriptor.Instance;
        var filter = Assert.IsType<CrowNest.GraphQL.Types.InputObjectType>(schema.GetType("AppFilter"));
        var expected = descriptor.Fields.Keys.Concat(descriptor.Relations.Keys).Concat(["and", "or", "not"]).Order(StringComparer.Ordinal);
        Assert.Equal(expected, filter.Fields.Select(f => f.Key).Order(StringComparer.Ordinal));
        var orderBy = Assert.IsType<CrowNest.GraphQL.Types.InputObjectType>(schema.GetType("AppOrderBy"));
        Assert.True(orderBy.IsOneOf);
        var toOne = descriptor.Relations.Values.Where(r => !r.IsCollection).ToList();
        Assert.Equal(descriptor.Fields.Keys.Concat(toOne.Select(r => r.Name)).Order(StringComparer.Ordinal), orderBy.Fields.Select(f => f.Key).Order(StringComparer.Ordinal));
        foreach (var relation in toOne)
        {
            var nested = Assert.IsType<CrowNest.GraphQL.Types.InputObjectType>(schema.GetType(relation.Target.EntityName + "OrderBy"));
            Assert.True(nested.IsOneOf);
            Assert.Equal(relation.Target.Fields.Keys.Order(StringComparer.Ordinal), nested.Fields.Select(f => f.Key).Order(StringComparer.Ordinal));
        }

        var directions = Assert.IsType<CrowNest.GraphQL.Types.EnumType>(schema.GetType("OrderDirection"));
        Assert.Equal(["asc", "desc", "asc_nulls_first", "asc_nulls_last", "desc_nulls_first", "desc_nulls_last"], directions.Values.Select(v => v.Key));
        foreach (var relation in descriptor.Relations.Values)
        {
            var target = Assert.IsType<CrowNest.GraphQL.Types.InputObjectType>(schema.GetType(relation.Target.EntityName + "Filter"));
            Assert.Equal(relation.Target.Fields.Keys.Concat(["and", "or", "not"]).Order(StringComparer.Ordinal), target.Fields.Select(f => f.Key).Order(StringComparer.Ordinal));
        }
    }

    private async Task<JsonElement> CreateAppAsync(string secret, string? name = null, string? description = null, string? handle = null, string? workspaceId = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/apps", secret, new { workspaceId = workspaceId ?? _myWorkspace, name = name ?? "app " + Suffix(), description, handle });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await JsonAsync(response);
    }

    private async Task<List<string?>> ListIdsAsync(string query)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/apps" + query, _mine);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("data").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
    }

    private async Task<string> WorkspaceOfAsync(string secret)
    {
        await using var db = AppRows.NewDb(database.ConnectionString);
        var hash = ApiKeySecrets.Hash(secret);
        var key = await db.ApiKeys.SingleAsync(k => k.KeyHash == hash);
        return await db.WorkspaceMembers.Where(m => m.UserId == key.UserId).Select(m => m.WorkspaceId).FirstAsync();
    }

    private async Task<string> OrgOfAsync()
    {
        await using var db = AppRows.NewDb(database.ConnectionString);
        return await db.Users.Where(u => u.Id == _myUser).Join(db.OrganizationMembers, u => u.Id, m => m.UserId, (u, m) => m.OrganizationId).FirstAsync();
    }

    private async Task<JsonElement> GraphQLAsync(string secret, string query, object? variables = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/graphql", secret, new { query, variables });
        return await JsonAsync(response);
    }

    private async Task<JsonElement> GraphQLDataAsync(string secret, string query, object? variables = null)
    {
        var result = await GraphQLAsync(secret, query, variables);
        Assert.False(result.TryGetProperty("errors", out var errors), errors.ToString());
        return result.GetProperty("data");
    }

    private static string? FirstErrorCode(JsonElement result) =>
        result.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("extensions").GetProperty("code").GetString() : null;

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string messagePrefix)
    {
        Assert.Equal(status, response.StatusCode);
        var error = (await JsonAsync(response)).GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.StartsWith(messagePrefix, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static string Suffix() => Guid.NewGuid().ToString("N")[..10];

    private async Task<(string Secret, string WorkspaceId, string OrgId, string UserId)> KeyAsync(string slug, string orgRole, string[] scopes)
    {
        var (org, user, workspaces) = await AppRows.TenancyAsync(database.ConnectionString, $"{slug}-{Guid.NewGuid():N}"[..20], 2);
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = org.Id, UserId = user.Id, Role = orgRole, CreatedAt = DateTimeOffset.UtcNow });
            db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaces[0].Id, UserId = user.Id, Role = WorkspaceRoles.Editor, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        return (await ExtraKeyAsync(org.Id, user.Id, scopes), workspaces[0].Id, org.Id, user.Id);
    }

    private async Task<string> ExtraKeyAsync(string orgId, string userId, string[] scopes)
    {
        var secret = ApiKeySecrets.NewSecret();
        await using var db = AppRows.NewDb(database.ConnectionString);
        db.ApiKeys.Add(new ApiKey
        {
            Id = PrefixedId.New(PrefixedId.ApiKey),
            UserId = userId,
            OrganizationId = orgId,
            Name = "test",
            Prefix = ApiKeySecrets.VisiblePrefix(secret),
            KeyHash = ApiKeySecrets.Hash(secret),
            Scopes = scopes,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return secret;
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
