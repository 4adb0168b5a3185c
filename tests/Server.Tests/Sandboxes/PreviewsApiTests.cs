using System.Net;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Previews;
using CrowNest.Sandboxes;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>REST previews (previews-rest.md) over the real pipeline, PostgreSQL and the bubblewrap runtime.</summary>
public sealed class PreviewsApiTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "crownest-prvapi-" + Guid.NewGuid().ToString("N")[..8]);
    private CrowNestFactory _factory = null!;
    private HttpClient _client = null!;
    private string _mine = "";
    private string _theirs = "";
    private string _myOrg = "";
    private string _myUser = "";

    public async ValueTask InitializeAsync()
    {
        SandboxTestSupport.SkipWithoutBubblewrap();
        _factory = new CrowNestFactory(database.ConnectionString, SandboxTestSupport.Settings(_root));
        _client = _factory.CreateClient();
        (_mine, _myOrg, _myUser, _) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "mine");
        (_theirs, _, _, _) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "theirs");
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is null)
        {
            return;
        }

        var runtime = _factory.Services.GetRequiredService<ISandboxRuntime>();
        foreach (var info in await runtime.ListAsync())
        {
            await runtime.DestroyAsync(info.Id);
        }

        _client.Dispose();
        await _factory.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, true);
        }
    }

    [Fact]
    public async Task CreateReuseListPageRevokeAndNotify()
    {
        var (projectId, sandboxId) = await NewSandboxAsync();
        await using var listener = new NpgsqlConnection(database.ConnectionString);
        await listener.OpenAsync();
        var notified = new List<string>();
        listener.Notification += (_, e) =>
        {
            lock (notified)
            {
                notified.Add(e.Payload);
            }
        };
        await using (var listen = new NpgsqlCommand("LISTEN " + PreviewService.NotifyChannel, listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        using var created = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 3000 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var preview = (await created.JsonAsync()).GetProperty("preview");
        Assert.Equal(["id", "slug", "url", "orgId", "projectId", "sandboxId", "port", "authMode", "createdAt", "expiresAt", "revokedAt"], preview.EnumerateObject().Select(p => p.Name));
        var id = preview.GetProperty("id").GetString()!;
        var slug = preview.GetProperty("slug").GetString()!;
        Assert.True(PrefixedId.IsValid(id, PrefixedId.Preview));
        Assert.Matches("^p-[a-z0-9]{6}$", slug);
        Assert.Equal($"http://{slug}.preview.localhost:5081", preview.GetProperty("url").GetString());
        Assert.Equal(_myOrg, preview.GetProperty("orgId").GetString());
        Assert.Equal(projectId, preview.GetProperty("projectId").GetString());
        Assert.Equal(sandboxId, preview.GetProperty("sandboxId").GetString());
        Assert.Equal(3000, preview.GetProperty("port").GetInt32());
        Assert.Equal("authenticated", preview.GetProperty("authMode").GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("revokedAt").ValueKind);

        // Same sandbox and port while active: the existing preview.
        using var reused = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 3000, authMode = "authenticated" });
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Equal(preview.ToString(), (await reused.JsonAsync()).GetProperty("preview").ToString());

        using var second = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 3001 });
        var secondId = (await second.JsonAsync()).GetProperty("preview").GetProperty("id").GetString();

        using var page1 = await _client.SendAsync(HttpMethod.Get, $"/v1/sandboxes/{sandboxId}/previews?limit=1", _mine);
        var body1 = await page1.JsonAsync();
        Assert.True(body1.GetProperty("hasMore").GetBoolean());
        Assert.Equal(secondId, Assert.Single(body1.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
        using var page2 = await _client.SendAsync(HttpMethod.Get, $"/v1/sandboxes/{sandboxId}/previews?limit=1&cursor={body1.GetProperty("nextCursor").GetString()}", _mine);
        var body2 = await page2.JsonAsync();
        Assert.False(body2.GetProperty("hasMore").GetBoolean());
        Assert.Equal(id, Assert.Single(body2.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());

        using var get = await _client.SendAsync(HttpMethod.Get, "/v1/previews/" + id, _mine);
        Assert.Equal(preview.ToString(), (await get.JsonAsync()).GetProperty("preview").ToString());

        using var revoked = await _client.SendAsync(HttpMethod.Delete, "/v1/previews/" + id, _mine);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var revokedPreview = (await revoked.JsonAsync()).GetProperty("preview");
        Assert.NotEqual(JsonValueKind.Null, revokedPreview.GetProperty("revokedAt").ValueKind);
        using var revokedAgain = await _client.SendAsync(HttpMethod.Delete, "/v1/previews/" + id, _mine);
        Assert.Equal(revokedPreview.ToString(), (await revokedAgain.JsonAsync()).GetProperty("preview").ToString());

        // After revocation the port can be exposed again, under a new preview.
        using var fresh = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 3000 });
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.NotEqual(id, (await fresh.JsonAsync()).GetProperty("preview").GetProperty("id").GetString());

        // The edge's lookup sees the revoked route by slug.
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var route = await scope.ServiceProvider.GetRequiredService<PreviewRouteLookup>().FindBySlugAsync(slug);
            Assert.NotNull(route);
            Assert.Equal(id, route.PreviewId);
            Assert.Equal(3000, route.Port);
            Assert.NotNull(route.RevokedAt);
            Assert.Null(await scope.ServiceProvider.GetRequiredService<PreviewRouteLookup>().FindBySlugAsync("p-zzzzzz"));
        }

        // Npgsql delivers notifications while the connection reads, hence WaitAsync.
        await SandboxTestSupport.EventuallyAsync(async () =>
        {
            await listener.WaitAsync(TimeSpan.FromMilliseconds(200));
            lock (notified)
            {
                return notified.Count(s => s == slug) >= 2;
            }
        }, "create and revoke NOTIFY the slug");
    }

    [Fact]
    public async Task QuotaOfActivePreviewsPerProject()
    {
        var (_, sandboxId) = await NewSandboxAsync();
        for (var port = 5000; port < 5003; port++)
        {
            using var ok = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port });
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        await (await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 5003 })).AssertErrorAsync(429, "quota_exceeded");
        // Reusing an existing one is not a new preview.
        using var reuse = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 5000 });
        Assert.Equal(HttpStatusCode.OK, reuse.StatusCode);
        var id = (await reuse.JsonAsync()).GetProperty("preview").GetProperty("id").GetString();
        using var revoke = await _client.SendAsync(HttpMethod.Delete, "/v1/previews/" + id, _mine);
        using var now = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", _mine, new { port = 5003 });
        Assert.Equal(HttpStatusCode.Created, now.StatusCode);
    }

    [Fact]
    public async Task ErrorsScopesAndTenancy()
    {
        var (_, sandboxId) = await NewSandboxAsync();
        var path = $"/v1/sandboxes/{sandboxId}/previews";
        foreach (var body in new object[] { new { port = 0 }, new { port = 65536 }, new { }, new { port = -1 } })
        {
            await (await _client.SendAsync(HttpMethod.Post, path, _mine, body)).AssertErrorAsync(400, "invalid_request");
        }

        await (await _client.SendAsync(HttpMethod.Post, path, _mine, "{\"port\":\"abc\"}")).AssertErrorAsync(400, "invalid_request");
        await (await _client.SendAsync(HttpMethod.Post, path, _mine, "{\"port\":")).AssertErrorAsync(400, "invalid_request");
        await (await _client.SendAsync(HttpMethod.Post, path, _mine, new { port = 3000, sourceCommandId = "cmd_nope" })).AssertErrorAsync(400, "invalid_request");
        await (await _client.SendAsync(HttpMethod.Post, path, _mine, new { port = 3000, authMode = "public" })).AssertErrorAsync(400, "unsupported_preview_auth_mode");
        await (await _client.SendAsync(HttpMethod.Post, "/v1/sandboxes/sbx_nope/previews", _mine, new { port = 3000 })).AssertErrorAsync(404, "not_found");
        await (await _client.SendAsync(HttpMethod.Post, path, _theirs, new { port = 3000 })).AssertErrorAsync(404, "not_found");
        await (await _client.SendAsync(HttpMethod.Get, path, _theirs)).AssertErrorAsync(404, "not_found");
        await (await _client.SendAsync(HttpMethod.Get, path + "?limit=0", _mine)).AssertErrorAsync(400, "invalid_request");
        await (await _client.SendAsync(HttpMethod.Get, path + "?cursor=nope", _mine)).AssertErrorAsync(400, "invalid_request");

        using var run = await _client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", _mine, new { command = "sleep 30" });
        var commandId = (await run.JsonAsync()).GetProperty("command").GetProperty("id").GetString();
        using var created = await _client.SendAsync(HttpMethod.Post, path, _mine, new { port = 3000, sourceCommandId = commandId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("preview").GetProperty("id").GetString()!;
        await (await _client.SendAsync(HttpMethod.Get, "/v1/previews/" + id, _theirs)).AssertErrorAsync(404, "not_found");
        await (await _client.SendAsync(HttpMethod.Delete, "/v1/previews/" + id, _theirs)).AssertErrorAsync(404, "not_found");
        await (await _client.SendAsync(HttpMethod.Get, "/v1/previews/prv_nope", _mine)).AssertErrorAsync(404, "not_found");
        await (await _client.SendAsync(HttpMethod.Delete, "/v1/previews/prv_nope", _mine)).AssertErrorAsync(404, "not_found");

        var readOnly = await SandboxTestSupport.KeyAsync(database.ConnectionString, _myOrg, _myUser, [Scopes.PreviewRead]);
        await (await _client.SendAsync(HttpMethod.Post, path, readOnly, new { port = 3002 })).AssertErrorAsync(403, "forbidden");
        await (await _client.SendAsync(HttpMethod.Delete, "/v1/previews/" + id, readOnly)).AssertErrorAsync(403, "forbidden");
        using var readable = await _client.SendAsync(HttpMethod.Get, "/v1/previews/" + id, readOnly);
        Assert.Equal(HttpStatusCode.OK, readable.StatusCode);
        var createOnly = await SandboxTestSupport.KeyAsync(database.ConnectionString, _myOrg, _myUser, [Scopes.PreviewCreate]);
        await (await _client.SendAsync(HttpMethod.Get, "/v1/previews/" + id, createOnly)).AssertErrorAsync(403, "forbidden");
        await (await _client.SendAsync(HttpMethod.Get, path, createOnly)).AssertErrorAsync(403, "forbidden");

        await using var scope = _factory.Services.CreateAsyncScope();
        var lookup = scope.ServiceProvider.GetRequiredService<PreviewRouteLookup>();
        var route = (await lookup.FindBySlugAsync((await (await _client.SendAsync(HttpMethod.Get, "/v1/previews/" + id, _mine)).JsonAsync()).GetProperty("preview").GetProperty("slug").GetString()!))!;
        Assert.True(await lookup.CanReadPreviewAsync(new Caller { ApiKeyId = "k", UserId = _myUser, OrganizationId = _myOrg, Scopes = [Scopes.PreviewRead] }, route.ProjectId));
        Assert.False(await lookup.CanReadPreviewAsync(new Caller { ApiKeyId = "k", UserId = _myUser, OrganizationId = _myOrg, Scopes = [Scopes.SandboxRead] }, route.ProjectId));
    }

    private async Task<(string ProjectId, string SandboxId)> NewSandboxAsync()
    {
        using var project = await _client.SendAsync(HttpMethod.Post, "/v1/projects", _mine, new { name = "p" });
        var projectId = (await project.JsonAsync()).GetProperty("project").GetProperty("id").GetString()!;
        using var sandbox = await _client.SendAsync(HttpMethod.Post, "/v1/sandboxes", _mine, new { projectId });
        Assert.Equal(HttpStatusCode.Created, sandbox.StatusCode);
        return (projectId, (await sandbox.JsonAsync()).GetProperty("sandbox").GetProperty("id").GetString()!);
    }
}
