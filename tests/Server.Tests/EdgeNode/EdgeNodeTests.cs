using System.Net;
using CrowNest.Sandboxes;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.Sandboxes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CrowNest.Server.Tests.EdgeNode;

/// <summary>
/// <c>CrowNest.Server edge</c> as a real second process beside the control plane, sharing only the database and the
/// access key: routes, keys, revocations (NOTIFY), access links signed by the control plane, and edge traffic written
/// back as session heartbeats.
/// </summary>
public sealed class EdgeNodeTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private static readonly string AccessKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly string _root = Path.Combine(Path.GetTempPath(), "crownest-edgenode-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int _nodePort = ServerProcess.FreePort();
    private CrowNestFactory _factory = null!;
    private HttpClient _api = null!;
    private EchoUpstream _upstream = null!;
    private ServerProcess? _node;
    private string _mine = "";
    private string _theirs = "";
    private string _workspace = "";

    public async ValueTask InitializeAsync()
    {
        SandboxTestSupport.SkipWithoutBubblewrap();
        var settings = SandboxTestSupport.Settings(_root);
        settings["Edge:AccessKey"] = AccessKey;
        settings["Previews:BaseDomain"] = $"preview.localhost:{_nodePort}";
        settings["PreviewSessions:IdleTimeout"] = "01:00:00";
        // The platform serves no previews itself: everything below goes through the node.
        settings["Edge:InProcess"] = "false";
        _factory = new CrowNestFactory(database.ConnectionString, settings);
        _api = _factory.CreateClient(new() { AllowAutoRedirect = false });
        (_mine, _, _, _workspace) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "node-mine");
        (_theirs, _, _, _) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "node-theirs");

        _upstream = await EchoUpstream.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_factory is null)
        {
            return;
        }

        var runtime = _factory.Services.GetRequiredService<ISandboxRuntime>();
        foreach (var info in await runtime.ListAsync())
        {
            await runtime.DestroyAsync(info.Id);
        }

        _api.Dispose();
        await _factory.DisposeAsync();
        await _upstream.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, true);
        }
    }

    [Fact]
    public async Task AStandaloneEdge_ServesPreviews_FromTheControlPlanesDatabase()
    {
        var (previewId, sandboxId, host) = await NewPreviewAsync();
        await StartNodeAsync();

        using (var health = await NodeAsync("127.0.0.1", "/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Contains("\"role\":\"edge\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // On a preview host /healthz is the app's path like any other.
        using (var appHealth = await NodeAsync(host, "/healthz", _mine))
        {
            Assert.Equal("path=/healthz;auth=;cookie=", await appHealth.Content.ReadAsStringAsync());
        }

        // With Edge:InProcess=false the platform does not answer preview hosts (the node does).
        using (var onPlatform = await _api.SendAsync(PreviewRig.EdgeRequest(host, "/hello", _mine)))
        {
            Assert.Equal(HttpStatusCode.NotFound, onPlatform.StatusCode);
            Assert.DoesNotContain("path=", await onPlatform.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var anonymous = await NodeAsync(host, "/x"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var foreign = await NodeAsync(host, "/", _theirs))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        using (var ok = await NodeAsync(host, "/hello?q=1", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("path=/hello?q=1;auth=;cookie=", await ok.Content.ReadAsStringAsync());
        }

        // An access link signed by the control plane is accepted by the node (shared Edge:AccessKey).
        using var link = await _api.SendAsync(HttpMethod.Post, $"/v1/previews/{previewId}/access-links", _mine, new { expiresInSeconds = 60 });
        var url = new Uri((await link.JsonAsync()).GetProperty("accessLink").GetProperty("url").GetString()!);
        Assert.Equal(_nodePort, url.Port);
        using var exchange = await NodeAsync(host, url.PathAndQuery);
        Assert.True(exchange.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, exchange.StatusCode.ToString());
        var cookie = Assert.Single(exchange.Headers.GetValues("Set-Cookie"), c => c.StartsWith("crownest_preview=", StringComparison.Ordinal)).Split(';')[0];
        using (var withCookie = await NodeAsync(host, "/page", cookie: cookie + "; theme=dark"))
        {
            Assert.Equal("path=/page;auth=;cookie=theme=dark", await withCookie.Content.ReadAsStringAsync());
        }

        // Traffic through the node is written back as the heartbeat of the sandbox's session.
        var sessionId = await SessionForSandboxAsync(sandboxId);
        var before = await HeartbeatAsync(sessionId);
        using (await NodeAsync(host, "/again", _mine))
        {
        }

        await SandboxTestSupport.EventuallyAsync(async () => await HeartbeatAsync(sessionId) > before, "the node writes its edge activity as the session's heartbeat");

        // A revoke on the control plane reaches the node's route cache through NOTIFY.
        using (var revoke = await _api.SendAsync(HttpMethod.Delete, "/v1/previews/" + previewId, _mine))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        await SandboxTestSupport.EventuallyAsync(async () =>
        {
            using var after = await NodeAsync(host, "/", _mine);
            return after.StatusCode == HttpStatusCode.NotFound;
        }, "a revoked preview stops answering on the node");

        // So does revoking the key itself (api_keys NOTIFY → the node's key cache).
        var (_, _, second) = await NewPreviewAsync();
        using (var cached = await NodeAsync(second, "/", _mine))
        {
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        }

        await using (var conn = new NpgsqlConnection(database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1", conn);
            cmd.Parameters.AddWithValue(CrowNest.Platform.Auth.ApiKeySecrets.Hash(_mine));
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        await SandboxTestSupport.EventuallyAsync(async () =>
        {
            using var after = await NodeAsync(second, "/", _mine);
            return after.StatusCode == HttpStatusCode.Unauthorized;
        }, "a revoked key stops opening previews on the node");

    }

    [Fact]
    public async Task WithInlineScheduling_TheNodeStillForwardsAndChecksKeys()
    {
        var (_, _, host) = await NewPreviewAsync();
        await StartNodeAsync(("CROWNEST_EdgeNode__InlineScheduling", "true"));
        using (var ok = await NodeAsync(host, "/inline?x=1", _mine))
        {
            Assert.Equal("path=/inline?x=1;auth=;cookie=", await ok.Content.ReadAsStringAsync());
        }

        using var foreign = await NodeAsync(host, "/", _theirs);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task BehindATlsProxy_PreviewsSchemeHttps_MakesTheNodesSessionCookieSecureSameSiteNone()
    {
        var (previewId, _, host) = await NewPreviewAsync();
        // Only Previews:Scheme, as on the control plane: Edge:PublicScheme follows it.
        await StartNodeAsync(("CROWNEST_Previews__Scheme", "https"));
        using var link = await _api.SendAsync(HttpMethod.Post, $"/v1/previews/{previewId}/access-links", _mine, new { expiresInSeconds = 60 });
        var url = new Uri((await link.JsonAsync()).GetProperty("accessLink").GetProperty("url").GetString()!);
        using var exchange = await NodeAsync(host, url.PathAndQuery);
        Assert.Equal(HttpStatusCode.SeeOther, exchange.StatusCode);
        var attributes = Assert.Single(exchange.Headers.GetValues("Set-Cookie")).Split(';', StringSplitOptions.TrimEntries);
        Assert.Contains("secure", attributes, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("samesite=none", attributes, StringComparer.OrdinalIgnoreCase);
        using var page = await NodeAsync(host, "/p", cookie: attributes[0]);
        Assert.Equal("path=/p;auth=;cookie=", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithAnInvalidPublicScheme_TheNodeRefusesToStart()
    {
        await using var node = ServerProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["CROWNEST_EDGE_URL"] = $"http://127.0.0.1:{_nodePort}",
            ["CROWNEST_EDGE_ACCESS_KEY"] = AccessKey,
            ["CROWNEST_Edge__PublicScheme"] = "ftp",
        }, null, "edge");
        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("crownest edge: Edge:PublicScheme must be 'http' or 'https'", node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APlatformWithoutItsOwnEdge_LeavesTheEdgePortFree()
    {
        var apiUrl = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        await using var platform = ServerProcess.Start(new Dictionary<string, string>
        {
            ["CROWNEST_POSTGRES"] = database.ConnectionString,
            ["CROWNEST_API_URL"] = apiUrl,
            ["CROWNEST_EDGE_URL"] = $"http://127.0.0.1:{_nodePort}",
            ["CROWNEST_Edge__InProcess"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await platform.WaitHealthyAsync(apiUrl + "/healthz", TimeSpan.FromSeconds(120));

        // The node can take the port the platform would otherwise have bound.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, _nodePort);
        listener.Start();
        listener.Stop();
    }

    [Theory]
    [InlineData(null, "set Edge:AccessKey (CROWNEST_EDGE_ACCESS_KEY) to the control plane's key")]
    [InlineData("not base64!", "Edge:AccessKey must be base64")]
    [InlineData("c2hvcnQ=", "Edge:AccessKey must decode to at least 32 bytes")]
    public async Task WithoutAUsableAccessKey_TheNodeRefusesToStart(string? key, string message)
    {
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["CROWNEST_EDGE_URL"] = $"http://127.0.0.1:{_nodePort}",
        };
        if (key is not null)
        {
            env["CROWNEST_EDGE_ACCESS_KEY"] = key;
        }

        await using var node = ServerProcess.Start(env, null, "edge");
        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("crownest edge: " + message, node.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutADatabase_TheNodeSaysSo_AndExits()
    {
        await using var node = ServerProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={ServerProcess.FreePort()};Username=nobody;Database=none;Timeout=2",
            ["CROWNEST_EDGE_URL"] = $"http://127.0.0.1:{_nodePort}",
            ["CROWNEST_EDGE_ACCESS_KEY"] = AccessKey,
            ["CROWNEST_EdgeNode__StartupTimeout"] = "00:00:03",
        }, null, "edge");
        Assert.Equal(1, await node.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("crownest edge: cannot reach PostgreSQL", node.Output, StringComparison.Ordinal);
    }

    private async Task StartNodeAsync(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database.ConnectionString,
            ["CROWNEST_EDGE_URL"] = $"http://127.0.0.1:{_nodePort}",
            ["CROWNEST_EDGE_ACCESS_KEY"] = AccessKey,
            ["CROWNEST_Sandboxes__Runtime"] = "process",
            ["CROWNEST_Sandboxes__Process__RootDirectory"] = _root,
            ["CROWNEST_PreviewSessions__ActivityDebounce"] = "00:00:00.200",
        };
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }

        _node = ServerProcess.Start(env, null, "edge");
        await _node.WaitHealthyAsync($"http://127.0.0.1:{_nodePort}/healthz", TimeSpan.FromSeconds(90));
    }

    private Task<(string PreviewId, string SandboxId, string Host)> NewPreviewAsync() => _api.CreatePreviewAsync(_mine, _upstream.Port);

    /// <summary>A live session row for the sandbox (what a preview session's edge traffic keeps alive), heartbeat 10 min old.</summary>
    private async Task<string> SessionForSandboxAsync(string sandboxId)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        await using var conn = new NpgsqlConnection(database.ConnectionString);
        await conn.OpenAsync();
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new($"INSERT INTO apps (id, workspace_id, name, handle) VALUES ('app_{suffix}', $1, 'node', 'node-{suffix}')") { Parameters = { new() { Value = _workspace } } },
                new($"INSERT INTO app_versions (id, app_id, number) VALUES ('appver_{suffix}', 'app_{suffix}', 1)"),
                new($"""
                    INSERT INTO app_preview_sessions (id, workspace_id, app_id, version_id, status, last_heartbeat_at, sandbox_id)
                    VALUES ('appprv_{suffix}', $1, 'app_{suffix}', 'appver_{suffix}', 'ready', now() - interval '10 minutes', $2)
                    """) { Parameters = { new() { Value = _workspace }, new() { Value = sandboxId } } },
            },
        };
        await batch.ExecuteNonQueryAsync();
        return "appprv_" + suffix;
    }

    private async Task<DateTime> HeartbeatAsync(string sessionId)
    {
        await using var conn = new NpgsqlConnection(database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT last_heartbeat_at FROM app_preview_sessions WHERE id = $1", conn);
        cmd.Parameters.AddWithValue(sessionId);
        return (DateTime)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<HttpResponseMessage> NodeAsync(string host, string pathAndQuery, string? key = null, string? cookie = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        using var request = PreviewRig.EdgeRequest(host, $"http://127.0.0.1:{_nodePort}{pathAndQuery}", key, cookie);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
