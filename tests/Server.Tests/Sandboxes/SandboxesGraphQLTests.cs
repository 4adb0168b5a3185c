using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static CrowNest.Server.Tests.Sandboxes.GraphQLAssert;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>
/// The GraphQL side of the sandbox and previews API through POST /graphql: same services, scopes and error codes as
/// REST /v1, real PostgreSQL, the bubblewrap runtime and the preview edge.
/// </summary>
public sealed class SandboxesGraphQLTests(ClassDatabase database) : SandboxApiTestBase(database, "sbxgql"), IClassFixture<ClassDatabase>
{
    private const string SandboxFields = "id orgId projectId status runtime createdAt expiresAt destroyedAt";
    private const string CommandFields = "id sandboxId command cwd status exitCode startedAt exitedAt";
    private const string PreviewFields = "id slug url orgId projectId sandboxId port authMode createdAt expiresAt revokedAt";

    private WebApplication? _upstream;
    private int _upstreamPort;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // Stands in for a dev server in the sandbox (the process runtime shares the host network).
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _upstream = builder.Build();
        _upstream.Run(context => context.Response.WriteAsync($"upstream path={context.Request.Path};cookie={context.Request.Headers.Cookie}"));
        await _upstream.StartAsync();
        _upstreamPort = new Uri(_upstream.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync();
        }
    }

    [Fact]
    public async Task ProjectsCreateGetListAndNode()
    {
        var created = Data(await Client.GraphQLAsync(Mine, "mutation($n:String!){ createProject(input:{name:$n}) { id workspaceId name createdAt updatedAt } }", new { n = "Site" }))
            .GetProperty("createProject");
        var id = created.GetProperty("id").GetString()!;
        Assert.True(PrefixedId.IsValid(id, PrefixedId.Project));
        Assert.Equal(MyWorkspace, created.GetProperty("workspaceId").GetString());
        Assert.Equal("Site", created.GetProperty("name").GetString());
        Assert.EndsWith("Z", created.GetProperty("createdAt").GetString(), StringComparison.Ordinal);
        var second = Data(await Client.GraphQLAsync(Mine, "mutation{ createProject(input:{name:\"Other\"}) { id } }")).GetProperty("createProject").GetProperty("id").GetString();

        var one = Data(await Client.GraphQLAsync(Mine, "query($id:ID!){ project(id:$id) { id workspaceId name createdAt updatedAt } node(id:$id) { __typename id } }", new { id }));
        Assert.Equal(created.ToString(), one.GetProperty("project").ToString());
        Assert.Equal("Project", one.GetProperty("node").GetProperty("__typename").GetString());

        // Newest first, forward paging with the edge cursor.
        var page1 = Data(await Client.GraphQLAsync(Mine, "{ projects(first:1) { nodes { id } edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }")).GetProperty("projects");
        Assert.Equal(second, Assert.Single(page1.GetProperty("nodes").EnumerateArray()).GetProperty("id").GetString());
        Assert.True(page1.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.False(page1.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        var cursor = page1.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        Assert.Equal(cursor, page1.GetProperty("edges")[0].GetProperty("cursor").GetString());
        var page2 = Data(await Client.GraphQLAsync(Mine, "query($c:String){ projects(first:1, after:$c) { nodes { id } } }", new { c = cursor })).GetProperty("projects");
        Assert.Equal(id, page2.GetProperty("nodes")[0].GetProperty("id").GetString());

        // Another tenant sees nothing; a key without sandbox scopes is refused; bad paging is invalid.
        var theirs = Data(await Client.GraphQLAsync(Theirs, "query($id:ID!){ project(id:$id) { id } node(id:$id) { id } projects { nodes { id } } }", new { id }));
        Assert.Equal(JsonValueKind.Null, theirs.GetProperty("project").ValueKind);
        Assert.Equal(JsonValueKind.Null, theirs.GetProperty("node").ValueKind);
        Assert.DoesNotContain(id, theirs.GetProperty("projects").GetProperty("nodes").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        AssertCode(await Client.GraphQLAsync(Mine, "mutation{ createProject(input:{name:\"\"}) { id } }"), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "{ projects(first:0) { nodes { id } } }"), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "{ projects(first:101) { nodes { id } } }"), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "{ projects(after:\"garbage\") { nodes { id } } }"), "INVALID_CURSOR");
        AssertCode(await Client.GraphQLAsync(Mine, "mutation{ createProject(input:{name:\"x\", workspaceId:\"ws_nope\"}) { id } }"), "NOT_FOUND");

        var readOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.SandboxRead]);
        AssertCode(await Client.GraphQLAsync(readOnly, "mutation{ createProject(input:{name:\"x\"}) { id } }"), "FORBIDDEN");
        Assert.Equal(id, Data(await Client.GraphQLAsync(readOnly, "query($id:ID!){ project(id:$id) { id } }", new { id })).GetProperty("project").GetProperty("id").GetString());
        var appsOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.AppRead]);
        AssertCode(await Client.GraphQLAsync(appsOnly, "query($id:ID!){ project(id:$id) { id } }", new { id }), "FORBIDDEN");
        AssertCode(await Client.GraphQLAsync(appsOnly, "{ projects { nodes { id } } }"), "FORBIDDEN");
        AssertCode(await Client.GraphQLAsync(appsOnly, "query($id:ID!){ node(id:$id) { id } }", new { id }), "FORBIDDEN");
    }

    [Fact]
    public async Task SandboxLifecycleCommandsAndOutput()
    {
        var projectId = await NewProjectAsync();
        var sandbox = Data(await Client.GraphQLAsync(Mine, $"mutation($p:ID!){{ createSandbox(input:{{projectId:$p, timeoutSeconds:600}}) {{ {SandboxFields} project {{ id }} }} }}", new { p = projectId }))
            .GetProperty("createSandbox");
        var sandboxId = sandbox.GetProperty("id").GetString()!;
        Assert.True(PrefixedId.IsValid(sandboxId, PrefixedId.Sandbox));
        Assert.Equal("RUNNING", sandbox.GetProperty("status").GetString());
        Assert.Equal("process", sandbox.GetProperty("runtime").GetString());
        Assert.Equal(MyOrg, sandbox.GetProperty("orgId").GetString());
        Assert.Equal(projectId, sandbox.GetProperty("project").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, sandbox.GetProperty("destroyedAt").ValueKind);
        var expires = DateTimeOffset.Parse(sandbox.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var createdAt = DateTimeOffset.Parse(sandbox.GetProperty("createdAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(600, (expires - createdAt).TotalSeconds, 1);

        // The same object through REST: GraphQL is a view of the same service.
        using (var rest = await Client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + sandboxId, Mine))
        {
            Assert.Equal(sandbox.GetProperty("createdAt").GetString(), (await rest.JsonAsync()).GetProperty("sandbox").GetProperty("createdAt").GetString());
        }

        var listed = Data(await Client.GraphQLAsync(Mine, "query($p:ID!){ sandboxes(projectId:$p) { nodes { id } } project(id:$p) { sandboxes { nodes { id status } } } }", new { p = projectId }));
        Assert.Equal(sandboxId, Assert.Single(listed.GetProperty("sandboxes").GetProperty("nodes").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(sandboxId, Assert.Single(listed.GetProperty("project").GetProperty("sandboxes").GetProperty("nodes").EnumerateArray()).GetProperty("id").GetString());

        // A command with env and cwd; its exit code and its output, in order, paged by afterSeq.
        var command = Data(await Client.GraphQLAsync(Mine, $"mutation($s:ID!, $env:JSON){{ runCommand(input:{{sandboxId:$s, command:\"echo hi; echo err >&2; echo $GREETING; exit 3\", env:$env}}) {{ {CommandFields} sandbox {{ id }} }} }}",
            new { s = sandboxId, env = new Dictionary<string, string> { ["GREETING"] = "hello" } })).GetProperty("runCommand");
        var commandId = command.GetProperty("id").GetString()!;
        Assert.True(PrefixedId.IsValid(commandId, PrefixedId.Command));
        Assert.Equal(sandboxId, command.GetProperty("sandboxId").GetString());
        Assert.Equal(sandboxId, command.GetProperty("sandbox").GetProperty("id").GetString());
        var done = await CommandUntilAsync(commandId, "EXITED");
        Assert.Equal(3, done.GetProperty("exitCode").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, done.GetProperty("exitedAt").ValueKind);

        var chunks = new List<JsonElement>();
        var afterSeq = 0;
        for (var guard = 0; guard < 20; guard++)
        {
            var page = Data(await Client.GraphQLAsync(Mine, "query($id:ID!, $after:Int){ command(id:$id) { output(afterSeq:$after, first:1) { nodes { seq stream data at } edges { cursor } pageInfo { hasNextPage endCursor } } } }", new { id = commandId, after = afterSeq }))
                .GetProperty("command").GetProperty("output");
            chunks.AddRange(page.GetProperty("nodes").EnumerateArray());
            if (!page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean())
            {
                break;
            }

            afterSeq = int.Parse(page.GetProperty("pageInfo").GetProperty("endCursor").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.Equal(chunks.Select(c => c.GetProperty("seq").GetInt32()).Order(), chunks.Select(c => c.GetProperty("seq").GetInt32()));
        Assert.Equal("hi\nhello\n", string.Concat(chunks.Where(c => c.GetProperty("stream").GetString() == "STDOUT").Select(c => c.GetProperty("data").GetString())));
        Assert.Equal("err\n", string.Concat(chunks.Where(c => c.GetProperty("stream").GetString() == "STDERR").Select(c => c.GetProperty("data").GetString())));
        var all = Data(await Client.GraphQLAsync(Mine, "query($id:ID!){ command(id:$id) { output { nodes { seq } pageInfo { hasNextPage } } } }", new { id = commandId })).GetProperty("command").GetProperty("output");
        Assert.Equal(chunks.Count, all.GetProperty("nodes").GetArrayLength());
        AssertCode(await Client.GraphQLAsync(Mine, "query($id:ID!){ command(id:$id) { output(first:1001) { nodes { seq } } } }", new { id = commandId }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "query($id:ID!){ command(id:$id) { output(afterSeq:-1) { nodes { seq } } } }", new { id = commandId }), "INVALID_REQUEST");

        // Kill a long-running command; Sandbox.commands lists both, newest first.
        var sleeper = Data(await Client.GraphQLAsync(Mine, "mutation($s:ID!){ runCommand(input:{sandboxId:$s, command:\"sleep 60\"}) { id status cwd } }", new { s = sandboxId })).GetProperty("runCommand");
        Assert.Equal("RUNNING", sleeper.GetProperty("status").GetString());
        var sleeperId = sleeper.GetProperty("id").GetString()!;
        var killed = Data(await Client.GraphQLAsync(Mine, "mutation($id:ID!){ killCommand(id:$id) { id status exitedAt } }", new { id = sleeperId })).GetProperty("killCommand");
        Assert.Equal("KILLED", killed.GetProperty("status").GetString());
        var again = Data(await Client.GraphQLAsync(Mine, "mutation($id:ID!){ killCommand(id:$id) { status } }", new { id = sleeperId })).GetProperty("killCommand");
        Assert.Equal("KILLED", again.GetProperty("status").GetString());
        var commands = Data(await Client.GraphQLAsync(Mine, "query($s:ID!){ sandbox(id:$s) { commands { nodes { id } } c1: commands(first:1) { nodes { id } pageInfo { hasNextPage } } } }", new { s = sandboxId })).GetProperty("sandbox");
        Assert.Equal([sleeperId, commandId], commands.GetProperty("commands").GetProperty("nodes").EnumerateArray().Select(c => c.GetProperty("id").GetString()!));
        Assert.True(commands.GetProperty("c1").GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var nodes = Data(await Client.GraphQLAsync(Mine, "query($ids:[ID!]!){ nodes(ids:$ids) { __typename id } }", new { ids = new[] { sandboxId, commandId, projectId } })).GetProperty("nodes");
        Assert.Equal(["Sandbox", "Command", "Project"], nodes.EnumerateArray().Select(n => n.GetProperty("__typename").GetString()!));

        // Invalid input, then destroy (idempotent), after which commands are refused.
        AssertCode(await Client.GraphQLAsync(Mine, "mutation($s:ID!){ runCommand(input:{sandboxId:$s, command:\" \"}) { id } }", new { s = sandboxId }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "mutation($s:ID!){ runCommand(input:{sandboxId:$s, command:\"true\", env:[1]}) { id } }", new { s = sandboxId }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "mutation($s:ID!){ runCommand(input:{sandboxId:$s, command:\"true\", env:{A:1}}) { id } }", new { s = sandboxId }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "mutation($p:ID!){ createSandbox(input:{projectId:$p, timeoutSeconds:0}) { id } }", new { p = projectId }), "INVALID_REQUEST");
        var destroyed = Data(await Client.GraphQLAsync(Mine, $"mutation($s:ID!){{ destroySandbox(id:$s) {{ {SandboxFields} }} }}", new { s = sandboxId })).GetProperty("destroySandbox");
        Assert.Equal("DESTROYED", destroyed.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, destroyed.GetProperty("destroyedAt").ValueKind);
        var destroyedAgain = Data(await Client.GraphQLAsync(Mine, $"mutation($s:ID!){{ destroySandbox(id:$s) {{ {SandboxFields} }} }}", new { s = sandboxId })).GetProperty("destroySandbox");
        Assert.Equal(destroyed.ToString(), destroyedAgain.ToString());
        AssertCode(await Client.GraphQLAsync(Mine, "mutation($s:ID!){ runCommand(input:{sandboxId:$s, command:\"true\"}) { id } }", new { s = sandboxId }), "SANDBOX_DESTROYED");
        AssertCode(await Client.GraphQLAsync(Mine, "mutation($s:ID!){ createPreview(input:{sandboxId:$s, port:3000}) { id } }", new { s = sandboxId }), "SANDBOX_DESTROYED");
    }

    [Fact]
    public async Task SandboxErrorsScopesAndTenancy()
    {
        var projectId = await NewProjectAsync();
        var sandboxId = await NewSandboxAsync(projectId);
        var commandId = Data(await Client.GraphQLAsync(Mine, "mutation($s:ID!){ runCommand(input:{sandboxId:$s, command:\"sleep 30\"}) { id } }", new { s = sandboxId }))
            .GetProperty("runCommand").GetProperty("id").GetString()!;

        // Another tenant: reads are null or empty, writes NOT_FOUND; nothing leaks.
        var theirs = Data(await Client.GraphQLAsync(Theirs, "query($s:ID!, $c:ID!, $p:ID!){ sandbox(id:$s) { id } command(id:$c) { id } sandboxes(projectId:$p) { nodes { id } } node(id:$s) { id } }", new { s = sandboxId, c = commandId, p = projectId }));
        Assert.Equal(JsonValueKind.Null, theirs.GetProperty("sandbox").ValueKind);
        Assert.Equal(JsonValueKind.Null, theirs.GetProperty("command").ValueKind);
        Assert.Equal(JsonValueKind.Null, theirs.GetProperty("node").ValueKind);
        Assert.Equal(0, theirs.GetProperty("sandboxes").GetProperty("nodes").GetArrayLength());
        AssertCode(await Client.GraphQLAsync(Theirs, "mutation($p:ID!){ createSandbox(input:{projectId:$p}) { id } }", new { p = projectId }), "NOT_FOUND");
        AssertCode(await Client.GraphQLAsync(Theirs, "mutation($s:ID!){ destroySandbox(id:$s) { id } }", new { s = sandboxId }), "NOT_FOUND");
        AssertCode(await Client.GraphQLAsync(Theirs, "mutation($s:ID!){ runCommand(input:{sandboxId:$s, command:\"true\"}) { id } }", new { s = sandboxId }), "NOT_FOUND");
        AssertCode(await Client.GraphQLAsync(Theirs, "mutation($c:ID!){ killCommand(id:$c) { id } }", new { c = commandId }), "NOT_FOUND");
        AssertCode(await Client.GraphQLAsync(Theirs, "mutation($s:ID!){ createPreview(input:{sandboxId:$s, port:3000}) { id } }", new { s = sandboxId }), "NOT_FOUND");
        AssertCode(await Client.GraphQLAsync(Mine, "mutation{ destroySandbox(id:\"sbx_nope\") { id } }"), "NOT_FOUND");
        AssertCode(await Client.GraphQLAsync(Mine, "mutation{ createSandbox(input:{projectId:\"prj_nope\"}) { id } }"), "NOT_FOUND");
        Assert.Equal(JsonValueKind.Null, Data(await Client.GraphQLAsync(Mine, "{ sandbox(id:\"garbage\") { id } }")).GetProperty("sandbox").ValueKind);

        // Scopes: sandbox:read reads but cannot write; without sandbox scopes nothing.
        var readOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.SandboxRead]);
        Assert.Equal(sandboxId, Data(await Client.GraphQLAsync(readOnly, "query($s:ID!){ sandbox(id:$s) { id commands { nodes { id } } } }", new { s = sandboxId })).GetProperty("sandbox").GetProperty("id").GetString());
        AssertCode(await Client.GraphQLAsync(readOnly, "mutation($p:ID!){ createSandbox(input:{projectId:$p}) { id } }", new { p = projectId }), "FORBIDDEN");
        AssertCode(await Client.GraphQLAsync(readOnly, "mutation($s:ID!){ destroySandbox(id:$s) { id } }", new { s = sandboxId }), "FORBIDDEN");
        AssertCode(await Client.GraphQLAsync(readOnly, "mutation($s:ID!){ runCommand(input:{sandboxId:$s, command:\"true\"}) { id } }", new { s = sandboxId }), "FORBIDDEN");
        AssertCode(await Client.GraphQLAsync(readOnly, "mutation($c:ID!){ killCommand(id:$c) { id } }", new { c = commandId }), "FORBIDDEN");
        var appsOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.AppRead]);
        AssertCode(await Client.GraphQLAsync(appsOnly, "query($s:ID!){ sandbox(id:$s) { id } }", new { s = sandboxId }), "FORBIDDEN");
        AssertCode(await Client.GraphQLAsync(appsOnly, "query($c:ID!){ command(id:$c) { id } }", new { c = commandId }), "FORBIDDEN");
        AssertCode(await Client.GraphQLAsync(appsOnly, "{ sandboxes { nodes { id } } }"), "FORBIDDEN");

        // A key with preview scopes only cannot follow Preview.sandbox: that field alone is null with FORBIDDEN.
        var previewId = await NewPreviewAsync(sandboxId, 4000);
        var previewOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.PreviewRead]);
        var partial = await Client.GraphQLAsync(previewOnly, "query($id:ID!){ preview(id:$id) { id sandbox { id } } }", new { id = previewId });
        Assert.Equal(previewId, partial.GetProperty("data").GetProperty("preview").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, partial.GetProperty("data").GetProperty("preview").GetProperty("sandbox").ValueKind);
        AssertCode(partial, "FORBIDDEN");
    }

    [Fact]
    public async Task PreviewsCreateReuseListRevokeAndAccessLinkAtTheEdge()
    {
        var projectId = await NewProjectAsync();
        var sandboxId = await NewSandboxAsync(projectId);
        var preview = Data(await Client.GraphQLAsync(Mine, $"mutation($s:ID!, $port:Int!){{ createPreview(input:{{sandboxId:$s, port:$port}}) {{ {PreviewFields} sandbox {{ id }} }} }}", new { s = sandboxId, port = _upstreamPort }))
            .GetProperty("createPreview");
        var previewId = preview.GetProperty("id").GetString()!;
        var slug = preview.GetProperty("slug").GetString()!;
        Assert.True(PrefixedId.IsValid(previewId, PrefixedId.Preview));
        Assert.Matches("^p-[a-z0-9]{6}$", slug);
        Assert.Equal($"http://{slug}.preview.localhost:5081", preview.GetProperty("url").GetString());
        Assert.Equal(MyOrg, preview.GetProperty("orgId").GetString());
        Assert.Equal(projectId, preview.GetProperty("projectId").GetString());
        Assert.Equal(sandboxId, preview.GetProperty("sandbox").GetProperty("id").GetString());
        Assert.Equal(_upstreamPort, preview.GetProperty("port").GetInt32());
        Assert.Equal("AUTHENTICATED", preview.GetProperty("authMode").GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("revokedAt").ValueKind);

        // Same sandbox and port while active: the existing preview (also with the explicit auth mode, either spelling).
        foreach (var mode in new[] { "authenticated", "AUTHENTICATED" })
        {
            var reused = Data(await Client.GraphQLAsync(Mine, $"mutation($s:ID!, $port:Int!, $m:String){{ createPreview(input:{{sandboxId:$s, port:$port, authMode:$m}}) {{ {PreviewFields} }} }}", new { s = sandboxId, port = _upstreamPort, m = mode }));
            Assert.Equal(PreviewFieldsOf(preview), PreviewFieldsOf(reused.GetProperty("createPreview")));
        }

        var second = await NewPreviewAsync(sandboxId, 4001);
        var listed = Data(await Client.GraphQLAsync(Mine, "query($s:ID!){ sandbox(id:$s) { previews { nodes { id } } p1: previews(first:1) { nodes { id } pageInfo { hasNextPage endCursor } } } }", new { s = sandboxId })).GetProperty("sandbox");
        Assert.Equal([second, previewId], listed.GetProperty("previews").GetProperty("nodes").EnumerateArray().Select(p => p.GetProperty("id").GetString()!));
        Assert.True(listed.GetProperty("p1").GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        var next = Data(await Client.GraphQLAsync(Mine, "query($s:ID!, $c:String){ sandbox(id:$s) { previews(first:1, after:$c) { nodes { id } pageInfo { hasNextPage } } } }", new { s = sandboxId, c = listed.GetProperty("p1").GetProperty("pageInfo").GetProperty("endCursor").GetString() }));
        Assert.Equal(previewId, next.GetProperty("sandbox").GetProperty("previews").GetProperty("nodes")[0].GetProperty("id").GetString());

        var got = Data(await Client.GraphQLAsync(Mine, $"query($id:ID!){{ preview(id:$id) {{ {PreviewFields} }} node(id:$id) {{ __typename }} }}", new { id = previewId }));
        Assert.Equal(PreviewFieldsOf(preview), PreviewFieldsOf(got.GetProperty("preview")));
        Assert.Equal("Preview", got.GetProperty("node").GetProperty("__typename").GetString());

        // The mutation's access link works at the edge exactly like the REST one: token → cookie → upstream.
        var link = Data(await Client.GraphQLAsync(Mine, "mutation($id:ID!){ createPreviewAccessLink(previewId:$id, expiresInSeconds:60) { url expiresAt } }", new { id = previewId }))
            .GetProperty("createPreviewAccessLink");
        var expiresAt = DateTimeOffset.Parse(link.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange((expiresAt - DateTimeOffset.UtcNow).TotalSeconds, 50, 61);
        var url = new Uri(link.GetProperty("url").GetString()!);
        Assert.Equal($"{slug}.preview.localhost", url.Host);
        Assert.StartsWith("?crownest_access=", url.Query, StringComparison.Ordinal);
        using var edgeClient = Factory.CreateClient(new() { AllowAutoRedirect = false });
        using (var unauthenticated = await ViaEdgeAsync(edgeClient, url.Host, "/page"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        }

        using var exchange = await ViaEdgeAsync(edgeClient, url.Host, url.PathAndQuery);
        Assert.True(exchange.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, exchange.StatusCode.ToString());
        var cookie = Assert.Single(exchange.Headers.GetValues("Set-Cookie"), c => c.StartsWith("crownest_preview=", StringComparison.Ordinal));
        using (var page = await ViaEdgeAsync(edgeClient, url.Host, "/page", cookie.Split(';')[0]))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("upstream path=/page;cookie=", await page.Content.ReadAsStringAsync());
        }

        // The default lifetime is REST's (300 s); out-of-range lifetimes are invalid.
        var defaultLink = Data(await Client.GraphQLAsync(Mine, "mutation($id:ID!){ createPreviewAccessLink(previewId:$id) { expiresAt } }", new { id = previewId })).GetProperty("createPreviewAccessLink");
        Assert.InRange((DateTimeOffset.Parse(defaultLink.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow).TotalSeconds, 290, 301);
        AssertCode(await Client.GraphQLAsync(Mine, "mutation($id:ID!){ createPreviewAccessLink(previewId:$id, expiresInSeconds:0) { url } }", new { id = previewId }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "mutation($id:ID!){ createPreviewAccessLink(previewId:$id, expiresInSeconds:3601) { url } }", new { id = previewId }), "INVALID_REQUEST");

        // Revoke (idempotent); the edge stops serving it and no more links are issued.
        var revoked = Data(await Client.GraphQLAsync(Mine, $"mutation($id:ID!){{ revokePreview(id:$id) {{ {PreviewFields} }} }}", new { id = previewId })).GetProperty("revokePreview");
        Assert.NotEqual(JsonValueKind.Null, revoked.GetProperty("revokedAt").ValueKind);
        var revokedAgain = Data(await Client.GraphQLAsync(Mine, $"mutation($id:ID!){{ revokePreview(id:$id) {{ {PreviewFields} }} }}", new { id = previewId })).GetProperty("revokePreview");
        Assert.Equal(revoked.ToString(), revokedAgain.ToString());
        AssertCode(await Client.GraphQLAsync(Mine, "mutation($id:ID!){ createPreviewAccessLink(previewId:$id) { url } }", new { id = previewId }), "NOT_FOUND");
        await SandboxTestSupport.EventuallyAsync(async () =>
        {
            using var after = await ViaEdgeAsync(edgeClient, url.Host, "/page", cookie.Split(';')[0]);
            return after.StatusCode == HttpStatusCode.NotFound;
        }, "the revoked preview stops routing");
    }

    [Fact]
    public async Task PreviewErrorsLimitsScopesAndTenancy()
    {
        var projectId = await NewProjectAsync();
        var sandboxId = await NewSandboxAsync(projectId);
        const string Create = "mutation($s:ID!, $port:Int!, $m:String, $c:ID){ createPreview(input:{sandboxId:$s, port:$port, authMode:$m, sourceCommandId:$c}) { id } }";
        foreach (var port in new[] { 0, -1, 65536 })
        {
            AssertCode(await Client.GraphQLAsync(Mine, Create, new { s = sandboxId, port }), "INVALID_REQUEST");
        }

        AssertCode(await Client.GraphQLAsync(Mine, Create, new { s = sandboxId, port = 3000, m = "public" }), "UNSUPPORTED_PREVIEW_AUTH_MODE");
        AssertCode(await Client.GraphQLAsync(Mine, Create, new { s = sandboxId, port = 3000, c = "cmd_nope" }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, Create, new { s = "sbx_nope", port = 3000 }), "NOT_FOUND");
        AssertCode(await Client.GraphQLAsync(Mine, "query($s:ID!){ sandbox(id:$s) { previews(first:0) { nodes { id } } } }", new { s = sandboxId }), "INVALID_REQUEST");
        AssertCode(await Client.GraphQLAsync(Mine, "query($s:ID!){ sandbox(id:$s) { previews(after:\"nope\") { nodes { id } } } }", new { s = sandboxId }), "INVALID_CURSOR");

        // The boundary ports are valid; a source command of this sandbox is accepted.
        var commandId = Data(await Client.GraphQLAsync(Mine, "mutation($s:ID!){ runCommand(input:{sandboxId:$s, command:\"sleep 30\"}) { id } }", new { s = sandboxId }))
            .GetProperty("runCommand").GetProperty("id").GetString();
        var low = Data(await Client.GraphQLAsync(Mine, Create, new { s = sandboxId, port = 1, c = commandId })).GetProperty("createPreview").GetProperty("id").GetString()!;
        Data(await Client.GraphQLAsync(Mine, Create, new { s = sandboxId, port = 65535 }));

        // Quota: the test settings allow 3 active previews per project; reuse is not a new one; revoking frees a slot.
        Data(await Client.GraphQLAsync(Mine, Create, new { s = sandboxId, port = 3000 }));
        AssertCode(await Client.GraphQLAsync(Mine, Create, new { s = sandboxId, port = 3001 }), "QUOTA_EXCEEDED");
        Data(await Client.GraphQLAsync(Mine, Create, new { s = sandboxId, port = 3000 }));

        // Another tenant and missing scopes.
        Assert.Equal(JsonValueKind.Null, Data(await Client.GraphQLAsync(Theirs, "query($id:ID!){ preview(id:$id) { id } }", new { id = low })).GetProperty("preview").ValueKind);
        AssertCode(await Client.GraphQLAsync(Theirs, "mutation($id:ID!){ revokePreview(id:$id) { id } }", new { id = low }), "NOT_FOUND");
        AssertCode(await Client.GraphQLAsync(Theirs, "mutation($id:ID!){ createPreviewAccessLink(previewId:$id) { url } }", new { id = low }), "NOT_FOUND");
        AssertCode(await Client.GraphQLAsync(Mine, "mutation{ revokePreview(id:\"prv_nope\") { id } }"), "NOT_FOUND");
        var readOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.PreviewRead, Scopes.SandboxRead]);
        AssertCode(await Client.GraphQLAsync(readOnly, Create, new { s = sandboxId, port = 3002 }), "FORBIDDEN");
        AssertCode(await Client.GraphQLAsync(readOnly, "mutation($id:ID!){ revokePreview(id:$id) { id } }", new { id = low }), "FORBIDDEN");
        Assert.Equal(low, Data(await Client.GraphQLAsync(readOnly, "query($id:ID!){ preview(id:$id) { id } }", new { id = low })).GetProperty("preview").GetProperty("id").GetString());
        var createOnly = await SandboxTestSupport.KeyAsync(ConnectionString, MyOrg, MyUser, [Scopes.PreviewCreate, Scopes.SandboxRead]);
        AssertCode(await Client.GraphQLAsync(createOnly, "query($id:ID!){ preview(id:$id) { id } }", new { id = low }), "FORBIDDEN");
        AssertCode(await Client.GraphQLAsync(createOnly, "mutation($id:ID!){ createPreviewAccessLink(previewId:$id) { url } }", new { id = low }), "FORBIDDEN");
        AssertCode(await Client.GraphQLAsync(createOnly, "query($s:ID!){ sandbox(id:$s) { previews { nodes { id } } } }", new { s = sandboxId }), "FORBIDDEN");

        // Destroying the sandbox revokes its previews.
        Data(await Client.GraphQLAsync(Mine, "mutation($s:ID!){ destroySandbox(id:$s) { id } }", new { s = sandboxId }));
        var after = Data(await Client.GraphQLAsync(Mine, "query($s:ID!){ sandbox(id:$s) { previews { nodes { revokedAt } } } }", new { s = sandboxId }));
        Assert.All(after.GetProperty("sandbox").GetProperty("previews").GetProperty("nodes").EnumerateArray(), p => Assert.NotEqual(JsonValueKind.Null, p.GetProperty("revokedAt").ValueKind));
    }

    private static string PreviewFieldsOf(JsonElement preview) =>
        JsonSerializer.Serialize(preview.EnumerateObject().Where(p => p.Name != "sandbox").ToDictionary(p => p.Name, p => p.Value));

    private async Task<string> NewProjectAsync() =>
        Data(await Client.GraphQLAsync(Mine, "mutation{ createProject(input:{name:\"gql\"}) { id } }")).GetProperty("createProject").GetProperty("id").GetString()!;

    private async Task<string> NewSandboxAsync(string projectId) =>
        Data(await Client.GraphQLAsync(Mine, "mutation($p:ID!){ createSandbox(input:{projectId:$p}) { id } }", new { p = projectId })).GetProperty("createSandbox").GetProperty("id").GetString()!;

    private async Task<string> NewPreviewAsync(string sandboxId, int port) =>
        Data(await Client.GraphQLAsync(Mine, "mutation($s:ID!, $port:Int!){ createPreview(input:{sandboxId:$s, port:$port}) { id } }", new { s = sandboxId, port }))
            .GetProperty("createPreview").GetProperty("id").GetString()!;

    private async Task<JsonElement> CommandUntilAsync(string commandId, string status)
    {
        JsonElement command = default;
        await SandboxTestSupport.EventuallyAsync(async () =>
        {
            command = Data(await Client.GraphQLAsync(Mine, $"query($id:ID!){{ command(id:$id) {{ {CommandFields} }} }}", new { id = commandId })).GetProperty("command");
            return command.GetProperty("status").GetString() == status;
        }, $"command {commandId} becomes {status}");
        return command;
    }

    private static async Task<HttpResponseMessage> ViaEdgeAsync(HttpClient client, string host, string pathAndQuery, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Host = host;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await client.SendAsync(request);
    }
}
