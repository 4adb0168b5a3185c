using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Server.Tests.Apps;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Server.Tests.Tenancy;

/// <summary>Organizations, workspaces, members and API keys over GraphQL and REST /api/workspaces, on real PostgreSQL.</summary>
public sealed class TenancyTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private const string AllFields = "id name prefix scopes expiresAt revokedAt lastUsedAt createdAt";
    private CrowNestFactory _factory = null!;
    private HttpClient _client = null!;

    private sealed record Tenant(string OrgId, string UserId, string Secret, string KeyId, List<string> Workspaces);

    public ValueTask InitializeAsync()
    {
        _factory = new CrowNestFactory(database.ConnectionString);
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task ViewerShowsUserOrganizationAndVisibleWorkspaces()
    {
        var owner = await TenantAsync(OrganizationRoles.Owner);
        var member = await UserAsync(owner, OrganizationRoles.Member, [Scopes.AppRead], memberOf: owner.Workspaces[1]);

        var data = await OkAsync(owner.Secret, "{ viewer { apiKeyId userId organizationId scopes user { id email name } organization { id name slug } workspaces { id organizationId name projectId } } }");
        var viewer = data.GetProperty("viewer");
        Assert.Equal(owner.KeyId, viewer.GetProperty("apiKeyId").GetString());
        Assert.Equal(owner.UserId, viewer.GetProperty("user").GetProperty("id").GetString());
        Assert.EndsWith("@test.local", viewer.GetProperty("user").GetProperty("email").GetString(), StringComparison.Ordinal);
        Assert.Equal(owner.OrgId, viewer.GetProperty("organization").GetProperty("id").GetString());
        Assert.Equal(owner.Workspaces.Order(StringComparer.Ordinal), viewer.GetProperty("workspaces").EnumerateArray().Select(w => w.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));

        var memberView = (await OkAsync(member.Secret, "{ viewer { user { id } workspaces { id } } }")).GetProperty("viewer");
        Assert.Equal(member.UserId, memberView.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal([owner.Workspaces[1]], memberView.GetProperty("workspaces").EnumerateArray().Select(w => w.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task WorkspaceAndOrganizationAreNodesVisibleOnlyInTheirTenant()
    {
        var mine = await TenantAsync(OrganizationRoles.Owner);
        var theirs = await TenantAsync(OrganizationRoles.Owner);
        var member = await UserAsync(mine, OrganizationRoles.Member, [Scopes.AppRead], memberOf: mine.Workspaces[0]);
        var query = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Workspace { name } ... on Organization { slug } } }";
        var ids = new[] { mine.Workspaces[0], mine.OrgId, theirs.Workspaces[0], theirs.OrgId, mine.Workspaces[1], "ws_bad" };

        var nodes = (await OkAsync(mine.Secret, query, new { ids })).GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["Workspace", "Organization"], nodes.Take(2).Select(n => n.GetProperty("__typename").GetString()));
        Assert.Equal(JsonValueKind.Null, nodes[2].ValueKind);
        Assert.Equal(JsonValueKind.Null, nodes[3].ValueKind);
        Assert.Equal(mine.Workspaces[1], nodes[4].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, nodes[5].ValueKind);

        // A member sees only their workspace; the other one in their own organization is as absent as a foreign one.
        var memberNodes = (await OkAsync(member.Secret, query, new { ids })).GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(mine.Workspaces[0], memberNodes[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, memberNodes[4].ValueKind);
        var ws = (await OkAsync(member.Secret, "query($id: ID!) { workspace(id: $id) { id } }", new { id = mine.Workspaces[1] })).GetProperty("workspace");
        Assert.Equal(JsonValueKind.Null, ws.ValueKind);
    }

    [Fact]
    public async Task CreateOrganizationMakesTheCallerOwnerAndReturnsAWorkingOwnerKeyOnce()
    {
        var t = await TenantAsync(OrganizationRoles.Member);
        var slug = "acme-" + Guid.NewGuid().ToString("N")[..8];
        var created = (await OkAsync(t.Secret, $"mutation($in: CreateOrganizationInput!) {{ createOrganization(input: $in) {{ organization {{ id name slug }} apiKey {{ {AllFields} }} secret }} }}",
            new { @in = new { name = "  Acme Inc  ", slug } })).GetProperty("createOrganization");
        var org = created.GetProperty("organization");
        Assert.Equal("Acme Inc", org.GetProperty("name").GetString());
        Assert.Equal(slug, org.GetProperty("slug").GetString());
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith(created.GetProperty("apiKey").GetProperty("prefix").GetString()!, secret, StringComparison.Ordinal);
        Assert.Equal(Scopes.All, created.GetProperty("apiKey").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!));

        var viewer = (await OkAsync(secret, "{ viewer { userId organization { id } workspaces { id } } }")).GetProperty("viewer");
        Assert.Equal(t.UserId, viewer.GetProperty("userId").GetString());
        Assert.Equal(org.GetProperty("id").GetString(), viewer.GetProperty("organization").GetProperty("id").GetString());
        await using var db = AppRows.NewDb(database.ConnectionString);
        var orgId = org.GetProperty("id").GetString();
        Assert.Equal(OrganizationRoles.Owner, (await db.OrganizationMembers.SingleAsync(m => m.OrganizationId == orgId)).Role);

        // The generated slug comes from the name.
        var generated = (await OkAsync(t.Secret, "mutation { createOrganization(input: { name: \"  Acme & Co! \" }) { organization { slug } } }"))
            .GetProperty("createOrganization").GetProperty("organization").GetProperty("slug").GetString();
        Assert.StartsWith("acme-co", generated, StringComparison.Ordinal);

        await ErrorAsync(t.Secret, "CONFLICT", "mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { secret } }", new { @in = new { name = "x", slug } });
        await ErrorAsync(t.Secret, "INVALID_REQUEST", "mutation { createOrganization(input: { name: \"   \" }) { secret } }");
        await ErrorAsync(t.Secret, "INVALID_REQUEST", "mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { secret } }", new { @in = new { name = new string('n', 201) } });
        await ErrorAsync(t.Secret, "INVALID_REQUEST", "mutation { createOrganization(input: { name: \"x\", slug: \"-Bad\" }) { secret } }");
        var noAdmin = await UserAsync(t, OrganizationRoles.Owner, [Scopes.AppWrite]);
        await ErrorAsync(noAdmin.Secret, "FORBIDDEN", "mutation { createOrganization(input: { name: \"x\" }) { secret } }");
    }

    [Fact]
    public async Task CreateWorkspaceOverGraphQLCreatesItsProjectAndChecksRoleScopeAndTenant()
    {
        var owner = await TenantAsync(OrganizationRoles.Admin);
        var other = await TenantAsync(OrganizationRoles.Owner);
        const string create = "mutation($in: CreateWorkspaceInput!) { createWorkspace(input: $in) { id organizationId name slug projectId createdAt updatedAt } }";

        var ws = (await OkAsync(owner.Secret, create, new { @in = new { name = "Marketing Site", organizationId = owner.OrgId } })).GetProperty("createWorkspace");
        var id = ws.GetProperty("id").GetString()!;
        Assert.True(PrefixedId.IsValid(id, PrefixedId.Workspace));
        Assert.Equal("marketing-site", ws.GetProperty("slug").GetString());
        Assert.True(PrefixedId.IsValid(ws.GetProperty("projectId").GetString(), PrefixedId.Project));
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            Assert.Equal(ws.GetProperty("projectId").GetString(), (await db.Projects.SingleAsync(p => p.WorkspaceId == id)).Id);
            Assert.Equal(WorkspaceRoles.Admin, (await db.WorkspaceMembers.SingleAsync(m => m.WorkspaceId == id)).Role);
        }

        // Same name again gets a distinct slug.
        var again = (await OkAsync(owner.Secret, create, new { @in = new { name = "Marketing Site" } })).GetProperty("createWorkspace");
        Assert.Equal("marketing-site-2", again.GetProperty("slug").GetString());

        await ErrorAsync(owner.Secret, "NOT_FOUND", create, new { @in = new { name = "x", organizationId = other.OrgId } });
        await ErrorAsync(owner.Secret, "INVALID_REQUEST", create, new { @in = new { name = new string('n', 201) } });
        await ErrorAsync(owner.Secret, "INVALID_REQUEST", create, new { @in = new { name = "" } });
        var member = await UserAsync(owner, OrganizationRoles.Member, [.. Scopes.All], memberOf: owner.Workspaces[0]);
        await ErrorAsync(member.Secret, "FORBIDDEN", create, new { @in = new { name = "x" } });
        var noScope = await UserAsync(owner, OrganizationRoles.Owner, [Scopes.AppRead, Scopes.AppWrite]);
        await ErrorAsync(noScope.Secret, "FORBIDDEN", create, new { @in = new { name = "x" } });
    }

    [Fact]
    public async Task RestWorkspacesListAndCreate()
    {
        var owner = await TenantAsync(OrganizationRoles.Owner);
        var other = await TenantAsync(OrganizationRoles.Owner);
        var member = await UserAsync(owner, OrganizationRoles.Member, [.. Scopes.All], memberOf: owner.Workspaces[0]);

        using var unauthorized = await _client.GetAsync("/api/workspaces");
        await HealthAndAuthTests.AssertUnauthorizedAsync(unauthorized);

        using var created = await SendAsync(HttpMethod.Post, "/api/workspaces", owner.Secret, new { name = "Docs" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var ws = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["id", "organizationId", "name", "projectId", "createdAt"], ws.EnumerateObject().Select(p => p.Name));
        Assert.Equal(owner.OrgId, ws.GetProperty("organizationId").GetString());
        Assert.True(PrefixedId.IsValid(ws.GetProperty("projectId").GetString(), PrefixedId.Project));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", ws.GetProperty("createdAt").GetString());

        using var list = await SendAsync(HttpMethod.Get, "/api/workspaces", owner.Secret);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var body = await list.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["data"], body.EnumerateObject().Select(p => p.Name));
        var ids = body.GetProperty("data").EnumerateArray().Select(w => w.GetProperty("id").GetString()!).ToList();
        Assert.Equal(new[] { owner.Workspaces[0], owner.Workspaces[1], ws.GetProperty("id").GetString()! }.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(other.Workspaces[0], ids);
        Assert.Equal(ws.ToString(), body.GetProperty("data").EnumerateArray().Single(w => w.GetProperty("id").GetString() == ws.GetProperty("id").GetString()).ToString());

        using var memberList = await SendAsync(HttpMethod.Get, "/api/workspaces", member.Secret);
        var memberIds = (await memberList.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray().Select(w => w.GetProperty("id").GetString()!);
        Assert.Equal([owner.Workspaces[0]], memberIds);

        await AssertRestErrorAsync(await SendAsync(HttpMethod.Post, "/api/workspaces", member.Secret, new { name = "x" }), HttpStatusCode.Forbidden, "forbidden");
        var noScope = await UserAsync(owner, OrganizationRoles.Owner, [Scopes.AppRead]);
        await AssertRestErrorAsync(await SendAsync(HttpMethod.Post, "/api/workspaces", noScope.Secret, new { name = "x" }), HttpStatusCode.Forbidden, "forbidden");
        await AssertRestErrorAsync(await SendAsync(HttpMethod.Post, "/api/workspaces", owner.Secret, new { name = new string('n', 201) }), HttpStatusCode.BadRequest, "invalid_request");
        await AssertRestErrorAsync(await SendAsync(HttpMethod.Post, "/api/workspaces", owner.Secret, new { }), HttpStatusCode.BadRequest, "invalid_request");
        using var garbage = new HttpRequestMessage(HttpMethod.Post, "/api/workspaces") { Content = new StringContent("{", System.Text.Encoding.UTF8, "application/json") };
        garbage.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.Secret);
        await AssertRestErrorAsync(await _client.SendAsync(garbage), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task AddOrganizationMember()
    {
        var owner = await TenantAsync(OrganizationRoles.Owner);
        var other = await TenantAsync(OrganizationRoles.Owner);
        const string add = "mutation($in: AddOrganizationMemberInput!) { addOrganizationMember(input: $in) { organizationId role createdAt user { id email name } } }";
        var email = $"New.Person-{Guid.NewGuid():N}@Example.com";

        var member = (await OkAsync(owner.Secret, add, new { @in = new { organizationId = owner.OrgId, email, name = "New Person", role = "admin" } })).GetProperty("addOrganizationMember");
        Assert.Equal(owner.OrgId, member.GetProperty("organizationId").GetString());
        Assert.Equal("admin", member.GetProperty("role").GetString());
        Assert.Equal(email, member.GetProperty("user").GetProperty("email").GetString());
        Assert.True(PrefixedId.IsValid(member.GetProperty("user").GetProperty("id").GetString(), PrefixedId.User));

        // The same user (email compared case-insensitively) joins another organization without a duplicate user.
        var joined = (await OkAsync(other.Secret, add, new { @in = new { organizationId = other.OrgId, email = email.ToUpperInvariant(), role = "member" } })).GetProperty("addOrganizationMember");
        Assert.Equal(member.GetProperty("user").GetProperty("id").GetString(), joined.GetProperty("user").GetProperty("id").GetString());

        await ErrorAsync(owner.Secret, "CONFLICT", add, new { @in = new { organizationId = owner.OrgId, email, role = "member" } });
        await ErrorAsync(owner.Secret, "NOT_FOUND", add, new { @in = new { organizationId = other.OrgId, email = "a@b.c", role = "member" } });
        await ErrorAsync(owner.Secret, "INVALID_REQUEST", add, new { @in = new { organizationId = owner.OrgId, email = "a@b.c", role = "boss" } });
        await ErrorAsync(owner.Secret, "INVALID_REQUEST", add, new { @in = new { organizationId = owner.OrgId, email = "nobody", role = "member" } });
        await ErrorAsync(owner.Secret, "INVALID_REQUEST", add, new { @in = new { organizationId = owner.OrgId, email = "a@b.c", name = new string('n', 201), role = "member" } });
        var plain = await UserAsync(owner, OrganizationRoles.Member, [.. Scopes.All]);
        await ErrorAsync(plain.Secret, "FORBIDDEN", add, new { @in = new { organizationId = owner.OrgId, email = "x@y.z", role = "member" } });
        var admin = await UserAsync(owner, OrganizationRoles.Admin, [.. Scopes.All]);
        await ErrorAsync(admin.Secret, "FORBIDDEN", add, new { @in = new { organizationId = owner.OrgId, email = "x@y.z", role = "owner" } });
        var noScope = await UserAsync(owner, OrganizationRoles.Owner, [Scopes.AppWrite]);
        await ErrorAsync(noScope.Secret, "FORBIDDEN", add, new { @in = new { organizationId = owner.OrgId, email = "x@y.z", role = "member" } });
    }

    [Fact]
    public async Task AddWorkspaceMemberGrantsVisibility()
    {
        var owner = await TenantAsync(OrganizationRoles.Owner);
        var other = await TenantAsync(OrganizationRoles.Owner);
        var wsAdmin = await UserAsync(owner, OrganizationRoles.Member, [.. Scopes.All], memberOf: owner.Workspaces[0], workspaceRole: WorkspaceRoles.Admin);
        var editor = await UserAsync(owner, OrganizationRoles.Member, [.. Scopes.All], memberOf: owner.Workspaces[0], workspaceRole: WorkspaceRoles.Editor);
        var outsider = await UserAsync(owner, OrganizationRoles.Member, [Scopes.AppRead]);
        const string add = "mutation($in: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $in) { workspaceId role createdAt user { id email } } }";

        Assert.Empty((await OkAsync(outsider.Secret, "{ viewer { workspaces { id } } }")).GetProperty("viewer").GetProperty("workspaces").EnumerateArray());
        var added = (await OkAsync(wsAdmin.Secret, add, new { @in = new { workspaceId = owner.Workspaces[0], userId = outsider.UserId, role = "viewer" } })).GetProperty("addWorkspaceMember");
        Assert.Equal(owner.Workspaces[0], added.GetProperty("workspaceId").GetString());
        Assert.Equal("viewer", added.GetProperty("role").GetString());
        Assert.Equal(outsider.UserId, added.GetProperty("user").GetProperty("id").GetString());
        var visible = (await OkAsync(outsider.Secret, "{ viewer { workspaces { id } } }")).GetProperty("viewer").GetProperty("workspaces").EnumerateArray().Select(w => w.GetProperty("id").GetString());
        Assert.Equal([owner.Workspaces[0]], visible);

        // Org owners add by email to any workspace of the organization.
        var byEmail = (await OkAsync(owner.Secret, add, new { @in = new { workspaceId = owner.Workspaces[1], email = outsider.Email.ToUpperInvariant(), role = "editor" } })).GetProperty("addWorkspaceMember");
        Assert.Equal(outsider.UserId, byEmail.GetProperty("user").GetProperty("id").GetString());

        await ErrorAsync(wsAdmin.Secret, "CONFLICT", add, new { @in = new { workspaceId = owner.Workspaces[0], userId = outsider.UserId, role = "viewer" } });
        await ErrorAsync(editor.Secret, "FORBIDDEN", add, new { @in = new { workspaceId = owner.Workspaces[0], userId = owner.UserId, role = "viewer" } });
        // A workspace the workspace admin cannot see, another tenant's workspace and a malformed ID are all absent.
        await ErrorAsync(wsAdmin.Secret, "NOT_FOUND", add, new { @in = new { workspaceId = owner.Workspaces[1], userId = outsider.UserId, role = "viewer" } });
        await ErrorAsync(owner.Secret, "NOT_FOUND", add, new { @in = new { workspaceId = other.Workspaces[0], userId = outsider.UserId, role = "viewer" } });
        await ErrorAsync(owner.Secret, "NOT_FOUND", add, new { @in = new { workspaceId = "ws_nope", userId = outsider.UserId, role = "viewer" } });
        // Another tenant's user cannot be found either.
        await ErrorAsync(owner.Secret, "NOT_FOUND", add, new { @in = new { workspaceId = owner.Workspaces[1], userId = other.UserId, role = "viewer" } });
        await ErrorAsync(owner.Secret, "INVALID_REQUEST", add, new { @in = new { workspaceId = owner.Workspaces[1], userId = outsider.UserId, email = outsider.Email, role = "viewer" } });
        await ErrorAsync(owner.Secret, "INVALID_REQUEST", add, new { @in = new { workspaceId = owner.Workspaces[1], role = "viewer" } });
        await ErrorAsync(owner.Secret, "INVALID_REQUEST", add, new { @in = new { workspaceId = owner.Workspaces[1], userId = outsider.UserId, role = "owner" } });
        var noScope = await UserAsync(owner, OrganizationRoles.Owner, [Scopes.AppWrite]);
        await ErrorAsync(noScope.Secret, "FORBIDDEN", add, new { @in = new { workspaceId = owner.Workspaces[1], userId = wsAdmin.UserId, role = "viewer" } });
    }

    [Fact]
    public async Task CreateApiKeyReturnsTheSecretOnceAndItWorksWithItsScopes()
    {
        var t = await TenantAsync(OrganizationRoles.Member);
        var expiresAt = DateTimeOffset.UtcNow.AddDays(1);
        const string create = $"mutation($in: CreateApiKeyInput!) {{ createApiKey(input: $in) {{ apiKey {{ {AllFields} }} secret }} }}";
        var created = (await OkAsync(t.Secret, create, new { @in = new { name = "ci", scopes = new[] { "app:read", "app:read", "preview:read" }, expiresAt = expiresAt.ToString("O") } }))
            .GetProperty("createApiKey");
        var key = created.GetProperty("apiKey");
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("cn_", secret, StringComparison.Ordinal);
        Assert.Equal(ApiKeySecrets.VisiblePrefix(secret), key.GetProperty("prefix").GetString());
        Assert.Equal(["app:read", "preview:read"], key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!));
        Assert.Equal(JsonValueKind.Null, key.GetProperty("revokedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, key.GetProperty("lastUsedAt").ValueKind);
        Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), key.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeMilliseconds());

        var viewer = (await OkAsync(secret, "{ viewer { apiKeyId scopes } }")).GetProperty("viewer");
        Assert.Equal(key.GetProperty("id").GetString(), viewer.GetProperty("apiKeyId").GetString());
        // The new key lacks admin, so it may not mint keys itself.
        await ErrorAsync(secret, "FORBIDDEN", create, new { @in = new { name = "x", scopes = new[] { "app:read" } } });

        // Never again: not in listings, and the ApiKey type has no secret field at all.
        using var listing = await PostGraphQLAsync(t.Secret, $"{{ apiKeys {{ {AllFields} }} }}");
        var raw = await listing.Content.ReadAsStringAsync();
        Assert.Contains(key.GetProperty("id").GetString()!, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        await ErrorAsync(t.Secret, "GRAPHQL_VALIDATION_FAILED", "{ apiKeys { secret } }", allowAnyCode: true);
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            var stored = await db.ApiKeys.SingleAsync(k => k.Id == key.GetProperty("id").GetString());
            Assert.Equal(ApiKeySecrets.Hash(secret), stored.KeyHash);
        }

        await ErrorAsync(t.Secret, "INVALID_REQUEST", create, new { @in = new { name = "x", scopes = new[] { "app:read", "*" } } });
        await ErrorAsync(t.Secret, "INVALID_REQUEST", create, new { @in = new { name = "x", scopes = Array.Empty<string>() } });
        await ErrorAsync(t.Secret, "INVALID_REQUEST", create, new { @in = new { name = "x", scopes = new[] { "app:read" }, expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O") } });
        await ErrorAsync(t.Secret, "INVALID_REQUEST", create, new { @in = new { name = new string('n', 201), scopes = new[] { "app:read" } } });
        await ErrorAsync(t.Secret, "INVALID_REQUEST", create, new { @in = new { name = " ", scopes = new[] { "app:read" } } });
    }

    [Fact]
    public async Task ApiKeysListsOwnKeysForMembersAndAllForOwners()
    {
        var owner = await TenantAsync(OrganizationRoles.Owner);
        var other = await TenantAsync(OrganizationRoles.Owner);
        var member = await UserAsync(owner, OrganizationRoles.Member, [.. Scopes.All]);
        var limited = await UserAsync(owner, OrganizationRoles.Owner, [Scopes.AppRead]);

        var ownerKeys = (await OkAsync(owner.Secret, "{ apiKeys { id } }")).GetProperty("apiKeys").EnumerateArray().Select(k => k.GetProperty("id").GetString()).ToList();
        Assert.Equal(new[] { owner.KeyId, member.KeyId, limited.KeyId }.Order(StringComparer.Ordinal), ownerKeys.Order(StringComparer.Ordinal));
        var memberKeys = (await OkAsync(member.Secret, "{ apiKeys { id } }")).GetProperty("apiKeys").EnumerateArray().Select(k => k.GetProperty("id").GetString());
        Assert.Equal([member.KeyId], memberKeys);
        Assert.DoesNotContain(other.KeyId, ownerKeys);
        await ErrorAsync(limited.Secret, "FORBIDDEN", "{ apiKeys { id } }");
    }

    [Fact]
    public async Task RevokedKeysStopWorkingAndRevocationIsScoped()
    {
        var owner = await TenantAsync(OrganizationRoles.Owner);
        var other = await TenantAsync(OrganizationRoles.Owner);
        var member = await UserAsync(owner, OrganizationRoles.Member, [.. Scopes.All]);
        var victim = await UserAsync(owner, OrganizationRoles.Member, [Scopes.AppRead]);
        const string revoke = "mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }";

        await ErrorAsync(member.Secret, "NOT_FOUND", revoke, new { id = victim.KeyId });
        await ErrorAsync(owner.Secret, "NOT_FOUND", revoke, new { id = other.KeyId });
        await ErrorAsync(owner.Secret, "NOT_FOUND", revoke, new { id = "key_malformed" });
        await ErrorAsync(victim.Secret, "FORBIDDEN", revoke, new { id = victim.KeyId });

        var revoked = (await OkAsync(owner.Secret, revoke, new { id = victim.KeyId })).GetProperty("revokeApiKey");
        var revokedAt = revoked.GetProperty("revokedAt").GetString();
        Assert.NotNull(revokedAt);
        var again = (await OkAsync(owner.Secret, revoke, new { id = victim.KeyId })).GetProperty("revokeApiKey");
        Assert.Equal(revokedAt, again.GetProperty("revokedAt").GetString());

        // The key was just used, so it sits in the API-key cache: the revoke's NOTIFY must evict it promptly.
        await HealthAndAuthTests.AssertUnauthorizedAsync(await PromptlyUnauthorizedAsync(() => SendAsync(HttpMethod.Get, "/api/workspaces", victim.Secret)));
        using var gql = await PostGraphQLAsync(victim.Secret, "{ viewer { userId } }");
        Assert.Equal(HttpStatusCode.Unauthorized, gql.StatusCode);

        // A key may revoke itself.
        Assert.NotNull((await OkAsync(member.Secret, revoke, new { id = member.KeyId })).GetProperty("revokeApiKey").GetProperty("revokedAt").GetString());
        await HealthAndAuthTests.AssertUnauthorizedAsync(await PromptlyUnauthorizedAsync(() => SendAsync(HttpMethod.Get, "/api/workspaces", member.Secret)));
    }

    [Fact]
    public async Task ARevokedKeyStopsWorkingPromptlyThoughItWasCached()
    {
        var owner = await TenantAsync(OrganizationRoles.Owner);
        var victim = await UserAsync(owner, OrganizationRoles.Owner, [.. Scopes.All]);
        for (var i = 0; i < 3; i++)
        {
            using var ok = await SendAsync(HttpMethod.Get, "/api/workspaces", victim.Secret);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // Revoked behind the server's back (plain SQL): the database trigger's NOTIFY alone must evict the cached key,
        // well before the cache lifetime would.
        var revokedAt = DateTimeOffset.UtcNow;
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            await db.ApiKeys.Where(k => k.Id == victim.KeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTimeOffset.UtcNow));
        }

        await HealthAndAuthTests.AssertUnauthorizedAsync(await PromptlyUnauthorizedAsync(() => SendAsync(HttpMethod.Get, "/api/workspaces", victim.Secret)));
        Assert.True(DateTimeOffset.UtcNow - revokedAt < CrowNest.Server.Auth.ApiKeyCache.Lifetime, "revocation took as long as the cache lifetime");
    }

    /// <summary>
    /// The first 401 within a few seconds: a revoked key is cached until the database's NOTIFY reaches the server
    /// (milliseconds), so the request right after the revoke may still pass.
    /// </summary>
    private static async Task<HttpResponseMessage> PromptlyUnauthorizedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(5);
        while (true)
        {
            var response = await send();
            if (response.StatusCode == HttpStatusCode.Unauthorized || DateTimeOffset.UtcNow > deadline)
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task ExpiredKeysAreUnauthorized()
    {
        var owner = await TenantAsync(OrganizationRoles.Owner);
        var soon = await UserAsync(owner, OrganizationRoles.Owner, [.. Scopes.All], expiresAt: DateTimeOffset.UtcNow.AddMinutes(10));
        using var ok = await SendAsync(HttpMethod.Get, "/api/workspaces", soon.Secret);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            await db.ApiKeys.Where(k => k.Id == soon.KeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        await HealthAndAuthTests.AssertUnauthorizedAsync(await PromptlyUnauthorizedAsync(() => SendAsync(HttpMethod.Get, "/api/workspaces", soon.Secret)));
        using var gql = await PostGraphQLAsync(soon.Secret, "{ version }");
        Assert.Equal(HttpStatusCode.Unauthorized, gql.StatusCode);
    }

    [Fact]
    public async Task LastUsedAtIsWrittenAtMostOnceAMinute()
    {
        var t = await TenantAsync(OrganizationRoles.Owner);
        using (var first = await SendAsync(HttpMethod.Get, "/api/workspaces", t.Secret))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var firstUse = await LastUsedAsync(t.KeyId);
        Assert.NotNull(firstUse);
        Assert.InRange(firstUse.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        using (var second = await SendAsync(HttpMethod.Get, "/api/workspaces", t.Secret))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        Assert.Equal(firstUse, await LastUsedAsync(t.KeyId));

        // Once the last write is over a minute old, the next request records the use again.
        var old = DateTimeOffset.UtcNow.AddMinutes(-2);
        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            await db.ApiKeys.Where(k => k.Id == t.KeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, old));
        }

        // The key is cached; the row change NOTIFYs the server, which then reads the row again and records the use.
        JsonElement listed;
        DateTimeOffset? third;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(5);
        do
        {
            listed = (await OkAsync(t.Secret, "{ apiKeys { id lastUsedAt } }")).GetProperty("apiKeys").EnumerateArray().Single();
            third = await LastUsedAsync(t.KeyId);
        }
        while (!(third > old.AddMinutes(1)) && DateTimeOffset.UtcNow < deadline);

        Assert.True(third > old.AddMinutes(1));
        Assert.Equal(third!.Value.ToUnixTimeMilliseconds(), listed.GetProperty("lastUsedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task LegacyWildcardScopesMigrateToTheNamedList()
    {
        var t = await TenantAsync(OrganizationRoles.Owner);
        await using var db = AppRows.NewDb(database.ConnectionString);
        await db.ApiKeys.Where(k => k.Id == t.KeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.Scopes, new[] { "*" }));
        var assembly = typeof(CrowNestDbContext).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith("0003_api_key_scopes.sql", StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
        await db.Database.ExecuteSqlRawAsync(await reader.ReadToEndAsync());
        Assert.Equal(Scopes.All, (await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == t.KeyId)).Scopes);
    }

    [Fact]
    public async Task BootstrapKeyIsAnOrganizationAdminWithEveryScope()
    {
        var token = "cn_tenancy_bootstrap_" + Guid.NewGuid().ToString("N");
        await using (var factory = new CrowNestFactory(database.ConnectionString, new Dictionary<string, string?> { ["Bootstrap:Token"] = token }))
        {
            using var client = factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var r = await client.GetAsync("/api/workspaces");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        await using var db = AppRows.NewDb(database.ConnectionString);
        var hash = ApiKeySecrets.Hash(token);
        var key = await db.ApiKeys.SingleAsync(k => k.KeyHash == hash);
        Assert.Equal(Scopes.All, key.Scopes);
        // Tampering (fewer scopes, demoted user) is undone at the next start.
        await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.Scopes, new[] { Scopes.AppRead }));
        await db.OrganizationMembers.Where(m => m.UserId == key.UserId && m.OrganizationId == key.OrganizationId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, OrganizationRoles.Member));
        await using (var factory = new CrowNestFactory(database.ConnectionString, new Dictionary<string, string?> { ["Bootstrap:Token"] = token }))
        {
            using var client = factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var created = await client.PostAsJsonAsync("/api/workspaces", new { name = "from bootstrap" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Equal(Scopes.All, (await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == key.Id)).Scopes);
        Assert.Equal(OrganizationRoles.Admin, (await db.OrganizationMembers.AsNoTracking().SingleAsync(m => m.UserId == key.UserId && m.OrganizationId == key.OrganizationId)).Role);
    }

    private async Task<DateTimeOffset?> LastUsedAsync(string keyId)
    {
        await using var db = AppRows.NewDb(database.ConnectionString);
        return (await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == keyId)).LastUsedAt;
    }

    /// <summary>A new organization with two workspaces; the user has <paramref name="orgRole"/> and an all-scopes key.</summary>
    private async Task<Tenant> TenantAsync(string orgRole)
    {
        var (org, user, workspaces) = await AppRows.TenancyAsync(database.ConnectionString, $"t-{Guid.NewGuid():N}"[..20], 2);
        await using var db = AppRows.NewDb(database.ConnectionString);
        db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = org.Id, UserId = user.Id, Role = orgRole, CreatedAt = DateTimeOffset.UtcNow });
        var (secret, key) = NewKey(user.Id, org.Id, [.. Scopes.All], null);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync();
        return new Tenant(org.Id, user.Id, secret, key.Id, [.. workspaces.Select(w => w.Id)]);
    }

    private sealed record Member(string UserId, string Email, string Secret, string KeyId);

    /// <summary>Another user of <paramref name="tenant"/>'s organization with a key of <paramref name="scopes"/>.</summary>
    private async Task<Member> UserAsync(Tenant tenant, string orgRole, string[] scopes, string? memberOf = null, string workspaceRole = WorkspaceRoles.Editor, DateTimeOffset? expiresAt = null)
    {
        await using var db = AppRows.NewDb(database.ConnectionString);
        var now = DateTimeOffset.UtcNow;
        var user = new User { Id = PrefixedId.New(PrefixedId.User), Email = $"u-{Guid.NewGuid():N}@test.local", Name = "u", CreatedAt = now, UpdatedAt = now };
        db.Users.Add(user);
        db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = tenant.OrgId, UserId = user.Id, Role = orgRole, CreatedAt = now });
        if (memberOf is not null)
        {
            db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = memberOf, UserId = user.Id, Role = workspaceRole, CreatedAt = now });
        }

        var (secret, key) = NewKey(user.Id, tenant.OrgId, scopes, expiresAt);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync();
        return new Member(user.Id, user.Email, secret, key.Id);
    }

    private static (string Secret, ApiKey Key) NewKey(string userId, string orgId, string[] scopes, DateTimeOffset? expiresAt)
    {
        var secret = ApiKeySecrets.NewSecret();
        return (secret, new ApiKey
        {
            Id = PrefixedId.New(PrefixedId.ApiKey),
            UserId = userId,
            OrganizationId = orgId,
            Name = "test",
            Prefix = ApiKeySecrets.VisiblePrefix(secret),
            KeyHash = ApiKeySecrets.Hash(secret),
            Scopes = scopes,
            ExpiresAt = expiresAt,
            CreatedAt = DateTimeOffset.UtcNow,
        });
    }

    private async Task<HttpResponseMessage> PostGraphQLAsync(string secret, string query, object? variables = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return await _client.SendAsync(request);
    }

    private async Task<JsonElement> OkAsync(string secret, string query, object? variables = null)
    {
        using var response = await PostGraphQLAsync(secret, query, variables);
        var root = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(root.TryGetProperty("errors", out var errors), errors.ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return root.GetProperty("data");
    }

    private async Task ErrorAsync(string secret, string code, string query, object? variables = null, bool allowAnyCode = false)
    {
        using var response = await PostGraphQLAsync(secret, query, variables);
        var root = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(root.TryGetProperty("errors", out var errors), $"expected {code}: {root}");
        if (!allowAnyCode)
        {
            Assert.Equal(code, errors[0].GetProperty("extensions").GetProperty("code").GetString());
        }
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

    private static async Task AssertRestErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
            Assert.Equal(code, error.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        }
    }
}
