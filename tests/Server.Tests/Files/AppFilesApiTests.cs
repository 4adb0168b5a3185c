using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Files;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.Files;

/// <summary>
/// REST /api/app-versions/{id}/files and the GraphQL file surface over the real pipeline and PostgreSQL, with small
/// configured limits (1,000 bytes per file, 2,500 per version) so the 413 paths are cheap to reach.
/// </summary>
public sealed class AppFilesApiTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private const int MaxFile = 1000;
    private const int MaxVersion = 2500;

    private CrowNestFactory _factory = null!;
    private HttpClient _client = null!;
    private Tenant _me = null!;
    private Tenant _them = null!;

    private sealed record Tenant(string Secret, string ReadOnly, string NoAppScope, string WorkspaceId);

    public async ValueTask InitializeAsync()
    {
        _factory = new CrowNestFactory(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Files:MaxFileBytes"] = MaxFile.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Files:MaxVersionBytes"] = MaxVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _client = _factory.CreateClient();
        _me = await TenantAsync("files-me");
        _them = await TenantAsync("files-them");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task CreateReadUpdateListAndDelete()
    {
        var v = await NewVersionAsync(_me);
        using (var created = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "src/./App.tsx", content = "export {}" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("""{"success":true}""", await created.Content.ReadAsStringAsync());
        }

        var read = await ReadJsonAsync(HttpMethod.Get, Files(v) + "/read?path=src/App.tsx", _me.Secret);
        Assert.Equal(["content", "contentType"], read.EnumerateObject().Select(p => p.Name));
        Assert.Equal("export {}", read.GetProperty("content").GetString());
        Assert.Equal("text/typescript", read.GetProperty("contentType").GetString());

        using (var again = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "src/App.tsx", content = "x" }))
        {
            await AssertErrorAsync(again, HttpStatusCode.Conflict, "conflict");
        }

        using (var patched = await SendAsync(HttpMethod.Patch, Files(v), _me.Secret, new { path = "src/App.tsx", content = "export const a = 1;" }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            Assert.Equal("""{"success":true}""", await patched.Content.ReadAsStringAsync());
        }

        Assert.Equal("export const a = 1;", (await ReadJsonAsync(HttpMethod.Get, Files(v) + "/read?path=src%2FApp.tsx", _me.Secret)).GetProperty("content").GetString());

        using (var missing = await SendAsync(HttpMethod.Patch, Files(v), _me.Secret, new { path = "src/Nope.tsx", content = "x" }))
        {
            await AssertErrorAsync(missing, HttpStatusCode.NotFound, "not_found");
        }

        using (var deleted = await SendAsync(HttpMethod.Delete, Files(v) + "?path=src/App.tsx", _me.Secret))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.Equal("""{"success":true}""", await deleted.Content.ReadAsStringAsync());
        }

        using (var gone = await SendAsync(HttpMethod.Get, Files(v) + "/read?path=src/App.tsx", _me.Secret))
        {
            await AssertErrorAsync(gone, HttpStatusCode.NotFound, "not_found");
        }

        using (var deleteAgain = await SendAsync(HttpMethod.Delete, Files(v) + "?path=src/App.tsx", _me.Secret))
        {
            await AssertErrorAsync(deleteAgain, HttpStatusCode.NotFound, "not_found");
        }

        // The directory vanished with its last file.
        using (var list = await SendAsync(HttpMethod.Get, Files(v) + "?path=src", _me.Secret))
        {
            await AssertErrorAsync(list, HttpStatusCode.NotFound, "not_found");
        }
    }

    [Fact]
    public async Task DirectoryListingIsDerivedFromPaths()
    {
        var v = await NewVersionAsync(_me);
        var root = await ReadJsonAsync(HttpMethod.Get, Files(v), _me.Secret);
        Assert.Empty(root.GetProperty("data").EnumerateArray());

        foreach (var (path, content) in new[] { ("index.html", "<html/>"), ("src/main.ts", "12345"), ("src/lib/util.ts", "123"), ("src/lib/b.ts", "1"), ("README.md", "#") })
        {
            using var r = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path, content });
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        var top = await ReadJsonAsync(HttpMethod.Get, Files(v), _me.Secret);
        var entries = top.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["name", "path", "isDirectory", "size"], entries[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["src|src|True|9", "README.md|README.md|False|1", "index.html|index.html|False|7"], entries.Select(Describe));

        var src = await ReadJsonAsync(HttpMethod.Get, Files(v) + "?path=src/", _me.Secret);
        Assert.Equal(["lib|src/lib|True|4", "main.ts|src/main.ts|False|5"], src.GetProperty("data").EnumerateArray().Select(Describe));
        var lib = await ReadJsonAsync(HttpMethod.Get, Files(v) + "?path=./src/lib", _me.Secret);
        Assert.Equal(["b.ts|src/lib/b.ts|False|1", "util.ts|src/lib/util.ts|False|3"], lib.GetProperty("data").EnumerateArray().Select(Describe));
        var slashRoot = await ReadJsonAsync(HttpMethod.Get, Files(v) + "?path=/", _me.Secret);
        Assert.Equal(3, slashRoot.GetProperty("data").GetArrayLength());

        foreach (var missing in new[] { "nope", "src/nope", "sr", "index.html" })
        {
            using var r = await SendAsync(HttpMethod.Get, Files(v) + "?path=" + Uri.EscapeDataString(missing), _me.Secret);
            await AssertErrorAsync(r, HttpStatusCode.NotFound, "not_found");
        }

        // A file cannot shadow a directory, nor live below a file.
        using (var onDir = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "src/lib", content = "x" }))
        {
            await AssertErrorAsync(onDir, HttpStatusCode.Conflict, "conflict");
        }

        using (var belowFile = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "index.html/x.js", content = "x" }))
        {
            await AssertErrorAsync(belowFile, HttpStatusCode.Conflict, "conflict");
        }

        static string Describe(JsonElement e) =>
            $"{e.GetProperty("name").GetString()}|{e.GetProperty("path").GetString()}|{e.GetProperty("isDirectory").GetBoolean()}|{e.GetProperty("size").GetInt64()}";
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../secret")]
    [InlineData("a/../../b")]
    [InlineData("a/..")]
    [InlineData("a\\b")]
    [InlineData("a\0b")]
    [InlineData("a\nb")]
    [InlineData("a\u007fb")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData(".")]
    [InlineData("./.")]
    public async Task InvalidPathsAreRejectedEverywhere(string path)
    {
        var v = await NewVersionAsync(_me);
        var query = "?path=" + Uri.EscapeDataString(path);
        using var post = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path, content = "x" });
        await AssertErrorAsync(post, HttpStatusCode.BadRequest, "invalid_request");
        using var patch = await SendAsync(HttpMethod.Patch, Files(v), _me.Secret, new { path, content = "x" });
        await AssertErrorAsync(patch, HttpStatusCode.BadRequest, "invalid_request");
        using var read = await SendAsync(HttpMethod.Get, Files(v) + "/read" + query, _me.Secret);
        await AssertErrorAsync(read, HttpStatusCode.BadRequest, "invalid_request");
        using var delete = await SendAsync(HttpMethod.Delete, Files(v) + query, _me.Secret);
        await AssertErrorAsync(delete, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task PathLengthIsLimitedTo512Bytes()
    {
        var v = await NewVersionAsync(_me);
        var fits = "d/" + new string('a', 510);
        using (var ok = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "./" + fits, content = "x" }))
        {
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        using (var tooLong = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = fits + "b", content = "x" }))
        {
            await AssertErrorAsync(tooLong, HttpStatusCode.BadRequest, "invalid_request");
        }

        // Bytes, not characters: 257 two-byte characters are 514 bytes.
        using var multiByte = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = new string('é', 257), content = "x" });
        await AssertErrorAsync(multiByte, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task MissingOrMalformedBodiesAreInvalidRequests()
    {
        var v = await NewVersionAsync(_me);
        using var noContent = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "a.txt" });
        await AssertErrorAsync(noContent, HttpStatusCode.BadRequest, "invalid_request");
        using var badBase64 = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "a.bin", content = "!!", encoding = "base64" });
        await AssertErrorAsync(badBase64, HttpStatusCode.BadRequest, "invalid_request");
        using var badEncoding = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "a.bin", content = "x", encoding = "utf16" });
        await AssertErrorAsync(badEncoding, HttpStatusCode.BadRequest, "invalid_request");
        using var badType = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "a.bin", content = "x", contentType = "nonsense" });
        await AssertErrorAsync(badType, HttpStatusCode.BadRequest, "invalid_request");
        using var request = new HttpRequestMessage(HttpMethod.Post, Files(v)) { Content = new StringContent("{", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _me.Secret);
        using var notJson = await _client.SendAsync(request);
        await AssertErrorAsync(notJson, HttpStatusCode.BadRequest, "invalid_request");
        using var noPath = await SendAsync(HttpMethod.Get, Files(v) + "/read", _me.Secret);
        await AssertErrorAsync(noPath, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("index.html", "text/html")]
    [InlineData("a/style.css", "text/css")]
    [InlineData("main.js", "text/javascript")]
    [InlineData("package.json", "application/json")]
    [InlineData("logo.png", "image/png")]
    [InlineData("icon.svg", "image/svg+xml")]
    [InlineData("notes.md", "text/markdown")]
    [InlineData("Makefile", "application/octet-stream")]
    [InlineData("data.unknownext", "application/octet-stream")]
    public async Task ContentTypeIsGuessedFromTheExtension(string path, string expected)
    {
        var v = await NewVersionAsync(_me);
        using var r = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path, content = "x" });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal(expected, (await ReadJsonAsync(HttpMethod.Get, Files(v) + "/read?path=" + path, _me.Secret)).GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task AGivenContentTypeIsKept()
    {
        var v = await NewVersionAsync(_me);
        using var r = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "data.txt", content = "{}", contentType = "application/json; charset=utf-8" });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal("application/json; charset=utf-8", (await ReadJsonAsync(HttpMethod.Get, Files(v) + "/read?path=data.txt", _me.Secret)).GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task BinaryContentRoundTripsAsBase64()
    {
        var v = await NewVersionAsync(_me);
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        using var r = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "img/all.bin", content = Convert.ToBase64String(bytes), encoding = "base64" });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);

        var read = await ReadJsonAsync(HttpMethod.Get, Files(v) + "/read?path=img/all.bin&encoding=base64", _me.Secret);
        Assert.Equal(bytes, Convert.FromBase64String(read.GetProperty("content").GetString()!));
        using var asText = await SendAsync(HttpMethod.Get, Files(v) + "/read?path=img/all.bin", _me.Secret);
        await AssertErrorAsync(asText, HttpStatusCode.BadRequest, "invalid_request");

        // Stored exactly, with size and SHA-256 of the bytes.
        await using var db = NewDb();
        var file = await db.AppFiles.SingleAsync(f => f.VersionId == v);
        Assert.Equal(bytes, file.Content);
        Assert.Equal(256, file.Size);
        Assert.Equal(SHA256.HashData(bytes), file.Sha256);
        Assert.Equal(file.CreatedAt, file.UpdatedAt);

        // Text with multi-byte characters round-trips as text.
        using var text = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "t.txt", content = "héllo ✓ 🐦" });
        Assert.Equal(HttpStatusCode.Created, text.StatusCode);
        Assert.Equal("héllo ✓ 🐦", (await ReadJsonAsync(HttpMethod.Get, Files(v) + "/read?path=t.txt", _me.Secret)).GetProperty("content").GetString());
    }

    [Fact]
    public async Task PerFileLimitIs413QuotaExceeded()
    {
        var v = await NewVersionAsync(_me);
        using (var fits = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "a.txt", content = new string('a', MaxFile) }))
        {
            Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
        }

        using (var tooBig = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "b.txt", content = new string('a', MaxFile + 1) }))
        {
            await AssertErrorAsync(tooBig, HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
        }

        using (var patchTooBig = await SendAsync(HttpMethod.Patch, Files(v), _me.Secret, new { path = "a.txt", content = new string('b', MaxFile + 1) }))
        {
            await AssertErrorAsync(patchTooBig, HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
        }

        Assert.Equal(new string('a', MaxFile), (await ReadJsonAsync(HttpMethod.Get, Files(v) + "/read?path=a.txt", _me.Secret)).GetProperty("content").GetString());
    }

    [Fact]
    public async Task PerVersionLimitIs413QuotaExceeded()
    {
        var v = await NewVersionAsync(_me);
        foreach (var name in new[] { "1", "2" })
        {
            using var r = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = name, content = new string('a', MaxFile) });
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }

        using (var fits = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "3", content = new string('a', MaxVersion - (2 * MaxFile)) }))
        {
            Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
        }

        using (var over = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "4", content = "x" }))
        {
            await AssertErrorAsync(over, HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
        }

        // Replacing counts the new size instead of the old one.
        using (var grow = await SendAsync(HttpMethod.Patch, Files(v), _me.Secret, new { path = "3", content = new string('b', MaxVersion - (2 * MaxFile) + 1) }))
        {
            await AssertErrorAsync(grow, HttpStatusCode.RequestEntityTooLarge, "quota_exceeded");
        }

        using (var shrink = await SendAsync(HttpMethod.Patch, Files(v), _me.Secret, new { path = "3", content = "c" }))
        {
            Assert.Equal(HttpStatusCode.OK, shrink.StatusCode);
        }

        using var nowFits = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "4", content = "x" });
        Assert.Equal(HttpStatusCode.Created, nowFits.StatusCode);
    }

    [Fact]
    public async Task ConcurrentLimitChecksCannotOvershootTheVersionTotal()
    {
        var v = await NewVersionAsync(_me);
        // Ten writers of 400 bytes race for 2,500 bytes: exactly six may win.
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = $"f{i}", content = new string('a', 400) })));
        Assert.Equal(6, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.RequestEntityTooLarge));
        foreach (var r in responses)
        {
            r.Dispose();
        }

        await using var db = NewDb();
        Assert.Equal(2400, await db.AppFiles.Where(f => f.VersionId == v).SumAsync(f => f.Size));
    }

    [Fact]
    public async Task ConcurrentWritersToOnePathLeaveOneCompleteFile()
    {
        var v = await NewVersionAsync(_me);
        using (var seed = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "race.txt", content = "seed" }))
        {
            Assert.Equal(HttpStatusCode.Created, seed.StatusCode);
        }

        var contents = Enumerable.Range(0, 12).Select(i => new string((char)('a' + i), 900)).ToList();
        var responses = await Task.WhenAll(contents.Select(c => SendAsync(HttpMethod.Patch, Files(v), _me.Secret, new { path = "race.txt", content = c })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var r in responses)
        {
            r.Dispose();
        }

        var final = (await ReadJsonAsync(HttpMethod.Get, Files(v) + "/read?path=race.txt", _me.Secret)).GetProperty("content").GetString();
        Assert.Contains(final, contents);
        await using var db = NewDb();
        var row = await db.AppFiles.SingleAsync(f => f.VersionId == v);
        Assert.Equal(900, row.Size);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(final!)), row.Sha256);
    }

    [Fact]
    public async Task AnotherTenantsVersionIsNotFound()
    {
        var theirs = await NewVersionAsync(_them);
        using (var seed = await SendAsync(HttpMethod.Post, Files(theirs), _them.Secret, new { path = "secret.txt", content = "s" }))
        {
            Assert.Equal(HttpStatusCode.Created, seed.StatusCode);
        }

        foreach (var (method, url, body) in AllEndpoints(theirs, "secret.txt"))
        {
            using var r = await SendAsync(method, url, _me.Secret, body);
            await AssertErrorAsync(r, HttpStatusCode.NotFound, "not_found");
        }

        foreach (var id in new[] { "appver_nope", "app_123", "garbage" })
        {
            using var r = await SendAsync(HttpMethod.Get, Files(id), _me.Secret);
            await AssertErrorAsync(r, HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal("s", (await ReadJsonAsync(HttpMethod.Get, Files(theirs) + "/read?path=secret.txt", _them.Secret)).GetProperty("content").GetString());
    }

    [Fact]
    public async Task ScopesAreEnforced()
    {
        var v = await NewVersionAsync(_me);
        using (var seed = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "a.txt", content = "a" }))
        {
            Assert.Equal(HttpStatusCode.Created, seed.StatusCode);
        }

        // app:read reads but cannot write.
        Assert.Equal("a", (await ReadJsonAsync(HttpMethod.Get, Files(v) + "/read?path=a.txt", _me.ReadOnly)).GetProperty("content").GetString());
        Assert.Single((await ReadJsonAsync(HttpMethod.Get, Files(v), _me.ReadOnly)).GetProperty("data").EnumerateArray());
        foreach (var (method, url, body) in AllEndpoints(v, "a.txt").Where(e => e.Method != HttpMethod.Get))
        {
            using var r = await SendAsync(method, url, _me.ReadOnly, body);
            await AssertErrorAsync(r, HttpStatusCode.Forbidden, "forbidden");
        }

        // Without any app scope nothing works.
        foreach (var (method, url, body) in AllEndpoints(v, "a.txt"))
        {
            using var r = await SendAsync(method, url, _me.NoAppScope, body);
            await AssertErrorAsync(r, HttpStatusCode.Forbidden, "forbidden");
        }

        using var anonymous = await _client.GetAsync(Files(v));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task WritesAndDeletesPublishChangeEvents()
    {
        var v = await NewVersionAsync(_me);
        var receiver = _factory.Services.GetRequiredService<ITopicEventReceiver>();
        Assert.Equal($"appversion:{v}:files", AppFileChanged.Topic(v));
        await using var stream = await receiver.SubscribeAsync<AppFileChanged>(AppFileChanged.Topic(v), TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await using var events = stream.ReadEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        using (var created = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "./src/a.ts", content = "one" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var patched = await SendAsync(HttpMethod.Patch, Files(v), _me.Secret, new { path = "src/a.ts", content = "two" }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        // A refused write publishes nothing.
        using (var refused = await SendAsync(HttpMethod.Post, Files(v), _me.Secret, new { path = "src/a.ts", content = "three" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        using (var deleted = await SendAsync(HttpMethod.Delete, Files(v) + "?path=src/a.ts", _me.Secret))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        var expected = new[]
        {
            new AppFileChanged(v, "src/a.ts", "written", Convert.ToHexStringLower(SHA256.HashData("one"u8))),
            new AppFileChanged(v, "src/a.ts", "written", Convert.ToHexStringLower(SHA256.HashData("two"u8))),
            new AppFileChanged(v, "src/a.ts", "deleted", null),
        };
        foreach (var want in expected)
        {
            Assert.True(await events.MoveNextAsync());
            Assert.Equal(want, events.Current.Message);
        }
    }

    [Fact]
    public async Task GraphQLReadsAndWritesFiles()
    {
        var v = await NewVersionAsync(_me);
        var write = await GraphQLAsync(_me.Secret, """
            mutation($v: ID!) {
              a: writeAppFile(input: { versionId: $v, path: "src/./main.ts", content: "let x = 1;" }) { path name contentType size sha256 encoding content }
              b: writeAppFile(input: { versionId: $v, path: "bin/blob", content: "AAEC/w==", encoding: BASE64, contentType: "application/x-blob" }) { path encoding content size }
            }
            """, new { v });
        Assert.False(write.TryGetProperty("errors", out _), write.ToString());
        var a = write.GetProperty("data").GetProperty("a");
        Assert.Equal("src/main.ts", a.GetProperty("path").GetString());
        Assert.Equal("main.ts", a.GetProperty("name").GetString());
        Assert.Equal("text/typescript", a.GetProperty("contentType").GetString());
        Assert.Equal(10, a.GetProperty("size").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("let x = 1;"u8)), a.GetProperty("sha256").GetString());
        Assert.Equal("UTF8", a.GetProperty("encoding").GetString());
        Assert.Equal("BASE64", write.GetProperty("data").GetProperty("b").GetProperty("encoding").GetString());
        Assert.Equal("AAEC/w==", write.GetProperty("data").GetProperty("b").GetProperty("content").GetString());

        var read = await GraphQLAsync(_me.Secret, """
            query($v: ID!) {
              appVersion(id: $v) {
                id number
                files { name path isDirectory size }
                src: files(path: "src") { name size }
                file(path: "src/main.ts") { content encoding updatedAt }
                b64: file(path: "src/main.ts", encoding: BASE64) { content encoding }
                blob: file(path: "bin/blob") { content encoding contentType }
                missing: file(path: "nope.txt") { content }
              }
              node(id: $v) { ... on AppVersion { id } }
            }
            """, new { v });
        Assert.False(read.TryGetProperty("errors", out _), read.ToString());
        var version = read.GetProperty("data").GetProperty("appVersion");
        Assert.Equal(v, version.GetProperty("id").GetString());
        Assert.Equal(1, version.GetProperty("number").GetInt32());
        Assert.Equal(
            """[{"name":"bin","path":"bin","isDirectory":true,"size":4},{"name":"src","path":"src","isDirectory":true,"size":10}]""",
            version.GetProperty("files").GetRawText());
        Assert.Equal("""[{"name":"main.ts","size":10}]""", version.GetProperty("src").GetRawText());
        Assert.Equal("let x = 1;", version.GetProperty("file").GetProperty("content").GetString());
        Assert.Equal(Convert.ToBase64String("let x = 1;"u8), version.GetProperty("b64").GetProperty("content").GetString());
        Assert.Equal("application/x-blob", version.GetProperty("blob").GetProperty("contentType").GetString());
        Assert.Equal(JsonValueKind.Null, version.GetProperty("missing").ValueKind);
        Assert.Equal(v, read.GetProperty("data").GetProperty("node").GetProperty("id").GetString());

        var delete = await GraphQLAsync(_me.Secret, """mutation($v: ID!) { deleteAppFile(input: { versionId: $v, path: "bin/blob" }) }""", new { v });
        Assert.True(delete.GetProperty("data").GetProperty("deleteAppFile").GetBoolean());
        var again = await GraphQLAsync(_me.Secret, """mutation($v: ID!) { deleteAppFile(input: { versionId: $v, path: "bin/blob" }) }""", new { v });
        Assert.Equal("NOT_FOUND", ErrorCode(again));
    }

    [Fact]
    public async Task GraphQLErrorsCarryStableCodes()
    {
        var v = await NewVersionAsync(_me);
        var theirs = await NewVersionAsync(_them);
        const string Write = """mutation($v: ID!, $p: String!, $c: String!) { writeAppFile(input: { versionId: $v, path: $p, content: $c }) { path } }""";
        Assert.Equal("INVALID_REQUEST", ErrorCode(await GraphQLAsync(_me.Secret, Write, new { v, p = "../x", c = "x" })));
        Assert.Equal("QUOTA_EXCEEDED", ErrorCode(await GraphQLAsync(_me.Secret, Write, new { v, p = "big", c = new string('x', MaxFile + 1) })));
        Assert.Equal("FORBIDDEN", ErrorCode(await GraphQLAsync(_me.ReadOnly, Write, new { v, p = "x", c = "x" })));
        Assert.Equal("NOT_FOUND", ErrorCode(await GraphQLAsync(_me.Secret, Write, new { v = theirs, p = "x", c = "x" })));
        Assert.Equal("NOT_FOUND", ErrorCode(await GraphQLAsync(_me.Secret, """query($v: ID!) { appVersion(id: $v) { files(path: "nope") { name } } }""", new { v })));
        Assert.Equal("INVALID_REQUEST", ErrorCode(await GraphQLAsync(_me.Secret, """query($v: ID!) { appVersion(id: $v) { file(path: "/abs") { name } } }""", new { v })));

        var invisible = await GraphQLAsync(_me.Secret, """query($v: ID!) { appVersion(id: $v) { id } node(id: $v) { id } }""", new { v = theirs });
        Assert.Equal(JsonValueKind.Null, invisible.GetProperty("data").GetProperty("appVersion").ValueKind);
        Assert.Equal(JsonValueKind.Null, invisible.GetProperty("data").GetProperty("node").ValueKind);
    }

    [Fact]
    public async Task AppExposesItsVersions()
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/apps", _me.Secret, new { workspaceId = _me.WorkspaceId, name = "versions" });
        var app = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = app.GetProperty("id").GetString();
        var result = await GraphQLAsync(_me.Secret, """query($id: ID!) { app(id: $id) { defaultVersion { id appId number } versions { id number } } }""", new { id });
        Assert.False(result.TryGetProperty("errors", out _), result.ToString());
        var data = result.GetProperty("data").GetProperty("app");
        Assert.Equal(app.GetProperty("defaultVersionId").GetString(), data.GetProperty("defaultVersion").GetProperty("id").GetString());
        Assert.Equal(id, data.GetProperty("defaultVersion").GetProperty("appId").GetString());
        Assert.Equal(app.GetProperty("defaultVersionId").GetString(), Assert.Single(data.GetProperty("versions").EnumerateArray()).GetProperty("id").GetString());
    }

    private static IEnumerable<(HttpMethod Method, string Url, object? Body)> AllEndpoints(string version, string path) =>
    [
        (HttpMethod.Get, Files(version), null),
        (HttpMethod.Get, Files(version) + "/read?path=" + path, null),
        (HttpMethod.Post, Files(version), new { path = "new.txt", content = "x" }),
        (HttpMethod.Patch, Files(version), new { path, content = "x" }),
        (HttpMethod.Delete, Files(version) + "?path=" + path, null),
    ];

    private static string Files(string versionId) => $"/api/app-versions/{versionId}/files";

    private static string? ErrorCode(JsonElement response) =>
        response.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("extensions").GetProperty("code").GetString() : null;

    private async Task<string> NewVersionAsync(Tenant tenant)
    {
        using var created = await SendAsync(HttpMethod.Post, "/api/apps", tenant.Secret, new { workspaceId = tenant.WorkspaceId, name = "files" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("defaultVersionId").GetString()!;
    }

    private async Task<Tenant> TenantAsync(string slug)
    {
        slug = $"{slug}-{Guid.NewGuid():N}"[..20];
        await using var db = NewDb();
        var now = DateTimeOffset.UtcNow;
        var org = new Organization { Id = PrefixedId.New(PrefixedId.Organization), Slug = slug, Name = slug, CreatedAt = now, UpdatedAt = now };
        var user = new User { Id = PrefixedId.New(PrefixedId.User), Email = $"{slug}@test.local", Name = slug, CreatedAt = now, UpdatedAt = now };
        var workspace = new Workspace { Id = PrefixedId.New(PrefixedId.Workspace), OrganizationId = org.Id, Slug = "ws", Name = "ws", CreatedAt = now, UpdatedAt = now };
        db.AddRange(org, user, workspace);
        db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspace.Id, UserId = user.Id, Role = WorkspaceRoles.Editor, CreatedAt = now });
        var secrets = new List<string>();
        foreach (var scopes in new[] { new[] { Scopes.AppRead, Scopes.AppWrite }, [Scopes.AppRead], [Scopes.PreviewRead] })
        {
            var secret = ApiKeySecrets.NewSecret();
            secrets.Add(secret);
            db.ApiKeys.Add(new ApiKey
            {
                Id = PrefixedId.New(PrefixedId.ApiKey),
                UserId = user.Id,
                OrganizationId = org.Id,
                Name = slug,
                Prefix = ApiKeySecrets.VisiblePrefix(secret),
                KeyHash = ApiKeySecrets.Hash(secret),
                Scopes = scopes,
                CreatedAt = now,
            });
        }

        await db.SaveChangesAsync();
        return new Tenant(secrets[0], secrets[1], secrets[2], workspace.Id);
    }

    private CrowNestDbContext NewDb() =>
        new(new DbContextOptionsBuilder<CrowNestDbContext>().UseNpgsql(database.ConnectionString).Options);

    private async Task<JsonElement> GraphQLAsync(string secret, string query, object variables)
    {
        using var response = await SendAsync(HttpMethod.Post, "/graphql", secret, new { query, variables });
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> ReadJsonAsync(HttpMethod method, string path, string secret)
    {
        using var response = await SendAsync(method, path, secret);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {body}");
        return body;
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var doc = JsonDocument.Parse(body);
        Assert.Equal(code, doc.RootElement.GetProperty("error").GetProperty("code").GetString());
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
