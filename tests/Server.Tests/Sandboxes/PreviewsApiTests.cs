using System.Net;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Previews;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>REST previews (previews-rest.md) over the real pipeline, PostgreSQL and the bubblewrap runtime.</summary>
public sealed class PreviewsApiTests(ClassDatabase database) : SandboxApiTestBase(database, "prvapi"), IClassFixture<ClassDatabase>
{
    [Fact]
    public async Task CreateReuseListPageRevokeAndNotify()
    {
        var (projectId, sandboxId) = await NewSandboxAsync();
        await using var listener = new NpgsqlConnection(ConnectionString);
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

        using var created = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port = 3000 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var preview = (await created.JsonAsync()).GetProperty("preview");
        Assert.Equal(["id", "slug", "url", "orgId", "projectId", "sandboxId", "port", "authMode", "createdAt", "expiresAt", "revokedAt"], preview.EnumerateObject().Select(p => p.Name));
        var id = preview.GetProperty("id").GetString()!;
        var slug = preview.GetProperty("slug").GetString()!;
        Assert.True(PrefixedId.IsValid(id, PrefixedId.Preview));
        Assert.Matches("^p-[a-z0-9]{6}$", slug);
        Assert.Equal($"http://{slug}.preview.localhost:5081", preview.GetProperty("url").GetString());
        Assert.Equal(MyOrg, preview.GetProperty("orgId").GetString());
        Assert.Equal(projectId, preview.GetProperty("projectId").GetString());
        Assert.Equal(sandboxId, preview.GetProperty("sandboxId").GetString());
        Assert.Equal(3000, preview.GetProperty("port").GetInt32());
        Assert.Equal("authenticated", preview.GetProperty("authMode").GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("revokedAt").ValueKind);

        // Same sandbox and port while active: the existing preview.
        using var reused = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port = 3000, authMode = "authenticated" });
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Equal(preview.ToString(), (await reused.JsonAsync()).GetProperty("preview").ToString());

        using var second = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port = 3001 });
        var secondId = (await second.JsonAsync()).GetProperty("preview").GetProperty("id").GetString();

        using var page1 = await Client.SendAsync(HttpMethod.Get, $"/v1/sandboxes/{sandboxId}/previews?limit=1", Mine);
        var body1 = await page1.JsonAsync();
        Assert.True(body1.GetProperty("hasMore").GetBoolean());
        Assert.Equal(secondId, Assert.Single(body1.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
        using var page2 = await Client.SendAsync(HttpMethod.Get, $"/v1/sandboxes/{sandboxId}/previews?limit=1&cursor={body1.GetProperty("nextCursor").GetString()}", Mine);
        var body2 = await page2.JsonAsync();
        Assert.False(body2.GetProperty("hasMore").GetBoolean());
        Assert.Equal(id, Assert.Single(body2.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());

        using var get = await Client.SendAsync(HttpMethod.Get, "/v1/previews/" + id, Mine);
        Assert.Equal(preview.ToString(), (await get.JsonAsync()).GetProperty("preview").ToString());

        using var revoked = await Client.SendAsync(HttpMethod.Delete, "/v1/previews/" + id, Mine);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var revokedPreview = (await revoked.JsonAsync()).GetProperty("preview");
        Assert.NotEqual(JsonValueKind.Null, revokedPreview.GetProperty("revokedAt").ValueKind);
        using var revokedAgain = await Client.SendAsync(HttpMethod.Delete, "/v1/previews/" + id, Mine);
        Assert.Equal(revokedPreview.ToString(), (await revokedAgain.JsonAsync()).GetProperty("preview").ToString());

        // After revocation the port can be exposed again, under a new preview.
        using var fresh = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port = 3000 });
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.NotEqual(id, (await fresh.JsonAsync()).GetProperty("preview").GetProperty("id").GetString());

        // The edge's lookup sees the revoked route by slug.
        await using (var scope = Factory.Services.CreateAsyncScope())
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
            using var ok = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port });
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        await (await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port = 5003 })).AssertErrorAsync(429, "quota_exceeded");
        // Reusing an existing one is not a new preview.
        using var reuse = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port = 5000 });
        Assert.Equal(HttpStatusCode.OK, reuse.StatusCode);
        var id = (await reuse.JsonAsync()).GetProperty("preview").GetProperty("id").GetString();
        using var revoke = await Client.SendAsync(HttpMethod.Delete, "/v1/previews/" + id, Mine);
        using var now = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port = 5003 });
        Assert.Equal(HttpStatusCode.Created, now.StatusCode);
    }

    [Fact]
    public async Task ErrorsScopesAndTenancy()
    {
        var (_, sandboxId) = await NewSandboxAsync();
        var path = $"/v1/sandboxes/{sandboxId}/previews";
        foreach (var body in new object[] { new { port = 0 }, new { port = 65536 }, new { }, new { port = -1 } })
        {
            await (await Client.SendAsync(HttpMethod.Post, path, Mine, body)).AssertErrorAsync(400, "invalid_request");
        }

        await (await Client.SendAsync(HttpMethod.Post, path, Mine, "{\"port\":\"abc\"}")).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Post, path, Mine, "{\"port\":")).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Post, path, Mine, new { port = 3000, sourceCommandId = "cmd_nope" })).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Post, path, Mine, new { port = 3000, authMode = "public" })).AssertErrorAsync(400, "unsupported_preview_auth_mode");
        await (await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes/sbx_nope/previews", Mine, new { port = 3000 })).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Post, path, Theirs, new { port = 3000 })).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Get, path, Theirs)).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Get, path + "?limit=0", Mine)).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Get, path + "?cursor=nope", Mine)).AssertErrorAsync(400, "invalid_request");

        using var run = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "sleep 30" });
        var commandId = (await run.JsonAsync()).GetProperty("command").GetProperty("id").GetString();
        using var created = await Client.SendAsync(HttpMethod.Post, path, Mine, new { port = 3000, sourceCommandId = commandId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("preview").GetProperty("id").GetString()!;
        await (await Client.SendAsync(HttpMethod.Get, "/v1/previews/" + id, Theirs)).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Delete, "/v1/previews/" + id, Theirs)).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Get, "/v1/previews/prv_nope", Mine)).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Delete, "/v1/previews/prv_nope", Mine)).AssertErrorAsync(404, "not_found");

        var readOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.PreviewRead]);
        await (await Client.SendAsync(HttpMethod.Post, path, readOnly, new { port = 3002 })).AssertErrorAsync(403, "forbidden");
        await (await Client.SendAsync(HttpMethod.Delete, "/v1/previews/" + id, readOnly)).AssertErrorAsync(403, "forbidden");
        using var readable = await Client.SendAsync(HttpMethod.Get, "/v1/previews/" + id, readOnly);
        Assert.Equal(HttpStatusCode.OK, readable.StatusCode);
        var createOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.PreviewCreate]);
        await (await Client.SendAsync(HttpMethod.Get, "/v1/previews/" + id, createOnly)).AssertErrorAsync(403, "forbidden");
        await (await Client.SendAsync(HttpMethod.Get, path, createOnly)).AssertErrorAsync(403, "forbidden");

        await using var scope = Factory.Services.CreateAsyncScope();
        var lookup = scope.ServiceProvider.GetRequiredService<PreviewRouteLookup>();
        var route = (await lookup.FindBySlugAsync((await (await Client.SendAsync(HttpMethod.Get, "/v1/previews/" + id, Mine)).JsonAsync()).GetProperty("preview").GetProperty("slug").GetString()!))!;
        Assert.True(await lookup.CanReadPreviewAsync(new Caller { ApiKeyId = "k", UserId = MyUser, OrganizationId = MyOrg, Scopes = [Scopes.PreviewRead] }, route.ProjectId));
        Assert.False(await lookup.CanReadPreviewAsync(new Caller { ApiKeyId = "k", UserId = MyUser, OrganizationId = MyOrg, Scopes = [Scopes.SandboxRead] }, route.ProjectId));
    }

    private async Task<(string ProjectId, string SandboxId)> NewSandboxAsync()
    {
        using var project = await Client.SendAsync(HttpMethod.Post, "/v1/projects", Mine, new { name = "p" });
        var projectId = (await project.JsonAsync()).GetProperty("project").GetProperty("id").GetString()!;
        using var sandbox = await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", Mine, new { projectId });
        Assert.Equal(HttpStatusCode.Created, sandbox.StatusCode);
        return (projectId, (await sandbox.JsonAsync()).GetProperty("sandbox").GetProperty("id").GetString()!);
    }
}
