using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Previews;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.Sandboxes;
using Microsoft.Extensions.DependencyInjection;
using static CrowNest.Server.Tests.Sandboxes.GraphQLAssert;

namespace CrowNest.Server.Tests.Previews;

/// <summary>
/// Spec-compliance audit of the previews API (previews-rest.md, previews-sdk.md, issue #5): the cases the main API
/// tests leave out (quota and reuse under concurrency, access-link bounds and error order, paging edges).
/// </summary>
public sealed class PreviewsAuditTests(ClassDatabase database) : SandboxApiTestBase(database, "prvaudit"), IClassFixture<ClassDatabase>
{
    [Fact]
    public async Task TheActivePreviewQuotaHoldsUnderConcurrentCreates()
    {
        // The test settings allow 3 active previews per project: 8 simultaneous creates on distinct ports.
        var (_, sandboxId) = await NewSandboxAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port = 4000 + i })));
        try
        {
            Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            {
                await refused.AssertErrorAsync(429, "quota_exceeded");
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }

        using var list = await Client.SendAsync(HttpMethod.Get, $"/v1/sandboxes/{sandboxId}/previews", Mine);
        Assert.Equal(3, (await list.JsonAsync()).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task ConcurrentCreatesOfOneSandboxPortYieldOnePreview()
    {
        var (_, sandboxId) = await NewSandboxAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port = 4100 })));
        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            using (response)
            {
                Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, response.StatusCode.ToString());
                ids.Add((await response.JsonAsync()).GetProperty("preview").GetProperty("id").GetString()!);
            }
        }

        Assert.Single(ids);
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
    }

    [Fact]
    public async Task AccessLinkChecksThePreviewBeforeItsLifetimeLikeEveryOtherEndpoint()
    {
        var (_, sandboxId) = await NewSandboxAsync();
        var previewId = await NewPreviewAsync(sandboxId, 4200);
        var path = $"/v1/previews/{previewId}/access-links";
        // Another tenant learns nothing from a bad lifetime: not_found, like without one.
        await (await Client.SendAsync(HttpMethod.Post, path, Theirs, new { expiresInSeconds = 0 })).AssertErrorAsync(404, "not_found");
        await (await Client.SendAsync(HttpMethod.Post, "/v1/previews/prv_nope/access-links", Mine, new { expiresInSeconds = 99999 })).AssertErrorAsync(404, "not_found");
        var noRead = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.PreviewCreate]);
        await (await Client.SendAsync(HttpMethod.Post, path, noRead, new { expiresInSeconds = 0 })).AssertErrorAsync(403, "forbidden");
        await (await Client.SendAsync(HttpMethod.Post, path, noRead)).AssertErrorAsync(403, "forbidden");
        await (await Client.SendAsync(HttpMethod.Post, path, Mine, new { expiresInSeconds = 3601 })).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Post, path, Mine, new { expiresInSeconds = -5 })).AssertErrorAsync(400, "invalid_request");
        await (await Client.SendAsync(HttpMethod.Post, path, Mine, "{\"expiresInSeconds\":")).AssertErrorAsync(400, "invalid_request");
    }

    [Fact]
    public async Task AccessLinkLifetimeBoundsDefaultAndUrlShape()
    {
        var (_, sandboxId) = await NewSandboxAsync();
        var previewId = await NewPreviewAsync(sandboxId, 4300);
        using var get = await Client.SendAsync(HttpMethod.Get, "/v1/previews/" + previewId, Mine);
        var previewUrl = (await get.JsonAsync()).GetProperty("preview").GetProperty("url").GetString()!;
        foreach (var (body, seconds) in new (object?, int)[] { (null, 300), (new { expiresInSeconds = 1 }, 1), (new { expiresInSeconds = 3600 }, 3600), (new { }, 300) })
        {
            var before = DateTimeOffset.UtcNow;
            using var created = await Client.SendAsync(HttpMethod.Post, $"/v1/previews/{previewId}/access-links", Mine, body);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var link = (await created.JsonAsync()).GetProperty("accessLink");
            Assert.Equal(["url", "expiresAt"], link.EnumerateObject().Select(p => p.Name));
            Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(previewUrl)}/\\?crownest_access=[A-Za-z0-9_-]+$", link.GetProperty("url").GetString());
            var expiresAt = DateTimeOffset.Parse(link.GetProperty("expiresAt").GetString()!, CultureInfo.InvariantCulture);
            Assert.InRange(expiresAt, before.AddSeconds(seconds - 1), DateTimeOffset.UtcNow.AddSeconds(seconds + 1));
        }
    }

    [Fact]
    public async Task AnAccessLinkLifetimeInABodyThatIsNotJsonIsRefusedNotIgnored()
    {
        // curl -d sends application/x-www-form-urlencoded: silently minting a 300 s link would ignore what was asked.
        var (_, sandboxId) = await NewSandboxAsync();
        var previewId = await NewPreviewAsync(sandboxId, 4400);
        foreach (var (text, type) in new[] { ("{\"expiresInSeconds\":60}", "application/x-www-form-urlencoded"), ("expiresInSeconds=60", "application/x-www-form-urlencoded"), ("{\"expiresInSeconds\":60}", "text/plain") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/previews/{previewId}/access-links");
            request.Headers.Authorization = new("Bearer", Mine);
            request.Content = new StringContent(text, Encoding.UTF8, type);
            await (await Client.SendAsync(request)).AssertErrorAsync(400, "invalid_request");
        }

        // No body at all stays the documented default.
        using var empty = new HttpRequestMessage(HttpMethod.Post, $"/v1/previews/{previewId}/access-links");
        empty.Headers.Authorization = new("Bearer", Mine);
        empty.Content = new StringContent("", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var ok = await Client.SendAsync(empty);
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
    }

    [Fact]
    public async Task ListPagingEdges()
    {
        var (_, sandboxId) = await NewSandboxAsync();
        var ids = new List<string>();
        for (var port = 4500; port < 4503; port++)
        {
            ids.Add(await NewPreviewAsync(sandboxId, port));
        }

        var path = $"/v1/sandboxes/{sandboxId}/previews";
        foreach (var bad in new[] { "limit=0", "limit=101", "limit=-1", "limit=abc", "limit=1.5", "cursor=nope", "cursor=sbx_01ARZ3NDEKTSV4RRFFQ69G5FAV", "cursor=prv_ZZZZZZZZZZZZZZZZZZZZZZZZZZ" })
        {
            await (await Client.SendAsync(HttpMethod.Get, $"{path}?{bad}", Mine)).AssertErrorAsync(400, "invalid_request");
        }

        using var all = await Client.SendAsync(HttpMethod.Get, path + "?limit=100", Mine);
        var body = await all.JsonAsync();
        Assert.False(body.GetProperty("hasMore").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("nextCursor").ValueKind);
        ids.Reverse();
        Assert.Equal(ids, body.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetString()));

        // Walk one by one: newest first, the last page says no more.
        var seen = new List<string>();
        string? cursor = null;
        for (var i = 0; i < 3; i++)
        {
            using var page = await Client.SendAsync(HttpMethod.Get, $"{path}?limit=1" + (cursor is null ? "" : "&cursor=" + cursor), Mine);
            var json = await page.JsonAsync();
            seen.Add(Assert.Single(json.GetProperty("data").EnumerateArray()).GetProperty("id").GetString()!);
            Assert.Equal(i < 2, json.GetProperty("hasMore").GetBoolean());
            cursor = json.GetProperty("nextCursor").GetString();
        }

        Assert.Equal(ids, seen);
        Assert.Null(cursor);
    }

    [Fact]
    public async Task APreviewExpiresWithItsSandbox()
    {
        // previews-sdk.md: "Previews end with their sandbox"; the Preview object's expiresAt says when.
        using var project = await Client.SendAsync(HttpMethod.Post, "/v1/projects", Mine, new { name = "expiry" });
        var projectId = (await project.JsonAsync()).GetProperty("project").GetProperty("id").GetString()!;
        using var created = await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", Mine, new { projectId, timeoutSeconds = 600 });
        var sandbox = (await created.JsonAsync()).GetProperty("sandbox");
        var sandboxExpiry = sandbox.GetProperty("expiresAt").GetString();
        Assert.NotNull(sandboxExpiry);
        var previewId = await NewPreviewAsync(sandbox.GetProperty("id").GetString()!, 4700);
        using var get = await Client.SendAsync(HttpMethod.Get, "/v1/previews/" + previewId, Mine);
        var preview = (await get.JsonAsync()).GetProperty("preview");
        Assert.Equal(sandboxExpiry, preview.GetProperty("expiresAt").GetString());
        var gql = Data(await Client.GraphQLAsync(Mine, "query($id:ID!){ preview(id:$id) { expiresAt } }", new { id = previewId }));
        Assert.Equal(sandboxExpiry, gql.GetProperty("preview").GetProperty("expiresAt").GetString());

        // The edge's route carries it, so the URL stops at that moment even before the reaper destroys the sandbox.
        await using var scope = Factory.Services.CreateAsyncScope();
        var route = await scope.ServiceProvider.GetRequiredService<PreviewRouteLookup>().FindBySlugAsync(preview.GetProperty("slug").GetString()!);
        // The API prints milliseconds; the row keeps microseconds.
        var expected = DateTimeOffset.Parse(sandboxExpiry, CultureInfo.InvariantCulture);
        Assert.InRange(route!.ExpiresAt!.Value, expected, expected.AddMilliseconds(1));
    }

    [Fact]
    public async Task GraphQLHasTheSameErrorOrderLimitsAndQuota()
    {
        var (_, sandboxId) = await NewSandboxAsync();
        var previewId = await NewPreviewAsync(sandboxId, 4600);
        const string Link = "mutation($id:ID!, $s:Int){ createPreviewAccessLink(previewId:$id, expiresInSeconds:$s) { url expiresAt } }";
        AssertCode(await Client.GraphQLAsync(Theirs, Link, new { id = previewId, s = 0 }), "NOT_FOUND");
        var noRead = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.PreviewCreate]);
        AssertCode(await Client.GraphQLAsync(noRead, Link, new { id = previewId, s = 0 }), "FORBIDDEN");
        AssertCode(await Client.GraphQLAsync(Mine, Link, new { id = previewId, s = 3601 }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, Link, new { id = previewId, s = 0 }), "INVALID_REQUEST");
        var link = Data(await Client.GraphQLAsync(Mine, Link, new { id = previewId, s = 3600 })).GetProperty("createPreviewAccessLink");
        Assert.Contains("/?crownest_access=", link.GetProperty("url").GetString(), StringComparison.Ordinal);

        const string Page = "query($s:ID!, $n:Int, $a:String){ sandbox(id:$s) { previews(first:$n, after:$a) { nodes { id } pageInfo { hasNextPage } } } }";
        AssertCode(await Client.GraphQLAsync(Mine, Page, new { s = sandboxId, n = 101 }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, Page, new { s = sandboxId, n = 0 }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, Page, new { s = sandboxId, n = 10, a = "sbx_01ARZ3NDEKTSV4RRFFQ69G5FAV" }), "INVALID_CURSOR");
        var page = Data(await Client.GraphQLAsync(Mine, Page, new { s = sandboxId, n = 100 })).GetProperty("sandbox").GetProperty("previews");
        Assert.False(page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        // The quota (3 in the test settings) holds for simultaneous GraphQL creates as for REST.
        const string Create = "mutation($s:ID!, $port:Int!){ createPreview(input:{sandboxId:$s, port:$port}) { id } }";
        var results = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => Client.GraphQLAsync(Mine, Create, new { s = sandboxId, port = 4600 + i })));
        Assert.Equal(2, results.Count(r => !r.TryGetProperty("errors", out _)));
        Assert.All(results.Where(r => r.TryGetProperty("errors", out _)), r => AssertCode(r, "QUOTA_EXCEEDED"));
    }

    private async Task<(string ProjectId, string SandboxId)> NewSandboxAsync()
    {
        using var project = await Client.SendAsync(HttpMethod.Post, "/v1/projects", Mine, new { name = "audit" });
        var projectId = (await project.JsonAsync()).GetProperty("project").GetProperty("id").GetString()!;
        using var sandbox = await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", Mine, new { projectId });
        Assert.Equal(HttpStatusCode.Created, sandbox.StatusCode);
        return (projectId, (await sandbox.JsonAsync()).GetProperty("sandbox").GetProperty("id").GetString()!);
    }

    private async Task<string> NewPreviewAsync(string sandboxId, int port)
    {
        using var created = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", Mine, new { port });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.JsonAsync()).GetProperty("preview").GetProperty("id").GetString()!;
    }
}
