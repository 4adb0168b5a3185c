using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using CrowNest.Server.Postgres;
using CrowNest.Server.Tests.Infrastructure;

namespace CrowNest.Server.Tests;

/// <summary>The built server as a process: configuration, port conflicts, and ownership of the embedded cluster.</summary>
public sealed class ServerProcessTests(ClassDatabase database) : IClassFixture<ClassDatabase>
{
    [Theory]
    [InlineData("CROWNEST_API_URL", "Api:Url")]
    [InlineData("CROWNEST_EDGE_URL", "Edge:Url")]
    public async Task ATakenPortIsOneLineNamingPortAndSetting(string variable, string setting)
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var taken = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var env = Env(database.ConnectionString);
        env[variable] = $"http://127.0.0.1:{taken}";

        await using var server = ServerProcess.Start(env);
        Assert.NotEqual(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(180)));
        var line = Assert.Single(server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains($"port {taken}", line, StringComparison.Ordinal);
        Assert.Contains(setting, line, StringComparison.Ordinal);
        Assert.Contains(variable, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidSettingsAreOneLineNamingTheKey()
    {
        var env = Env(database.ConnectionString);
        env["CROWNEST_Edge__PublicScheme"] = "wss";
        await using var server = ServerProcess.Start(env);
        Assert.Equal(2, await server.WaitForExitAsync(TimeSpan.FromSeconds(180)));
        var line = Assert.Single(server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("crownest: invalid configuration: ", line, StringComparison.Ordinal);
        Assert.Contains("Edge:PublicScheme", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPostgresBinariesAreOneLineNamingThePackage()
    {
        var root = TempDirs.Create("crownest-nobin");
        try
        {
            var env = Env(null);
            env["CROWNEST_DATA_DIR"] = Path.Combine(root, "pg");
            env["CROWNEST_PG_BIN"] = Path.Combine(root, "no-such-bin");
            await using var server = ServerProcess.Start(env);
            Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(180)));
            var line = Assert.Single(server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Contains("'postgresql'", line, StringComparison.Ordinal);
        }
        finally
        {
            TempDirs.Delete(root);
        }
    }

    /// <summary>
    /// What <c>crownest dev</c> relies on: the server owns the embedded cluster, writes the dev token (mode 600),
    /// reuses data after a crash (stale postmaster.pid), and SIGINT stops PostgreSQL too.
    /// </summary>
    [Fact]
    public async Task DevServerOwnsItsClusterAcrossCrashAndCtrlC()
    {
        var root = TempDirs.Create("crownest-dev");
        try
        {
            var dataDir = Path.Combine(root, "pg");
            var tokenFile = Path.Combine(root, "dev-token");
            var env = Env(null);
            env["CROWNEST_DATA_DIR"] = dataDir;
            env["CROWNEST_PG_PORT"] = ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            env["CROWNEST_DEV"] = "true";
            env["CROWNEST_DEV_TOKEN_FILE"] = tokenFile;
            var resolvedDataDir = EmbeddedPostgres.ResolveDataDir(dataDir, Environment.IsPrivilegedProcess ? "postgres" : null);

            string token;
            int firstPostmaster;
            await using (var first = ServerProcess.Start(env))
            {
                await first.WaitHealthyAsync(env["CROWNEST_API_URL"] + "/healthz", TimeSpan.FromSeconds(240));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
                token = (await File.ReadAllTextAsync(tokenFile)).Trim();
                Assert.Contains(token, first.Output, StringComparison.Ordinal);
                await AssertReadyAsync(env["CROWNEST_API_URL"], token);
                firstPostmaster = EmbeddedPostgres.ReadPostmasterPid(resolvedDataDir)!.Value;

                first.Signal("KILL");
                await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
            }

            Assert.True(EmbeddedPostgres.IsOurPostmaster(firstPostmaster, resolvedDataDir), "the crash leaves PostgreSQL behind");

            await using var second = ServerProcess.Start(env);
            await second.WaitHealthyAsync(env["CROWNEST_API_URL"] + "/healthz", TimeSpan.FromSeconds(240));
            Assert.Equal(token, (await File.ReadAllTextAsync(tokenFile)).Trim());
            await AssertReadyAsync(env["CROWNEST_API_URL"], token);
            var secondPostmaster = EmbeddedPostgres.ReadPostmasterPid(resolvedDataDir)!.Value;
            Assert.False(EmbeddedPostgres.IsOurPostmaster(firstPostmaster, resolvedDataDir));

            second.Signal("INT");
            Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(180)));
            Assert.False(EmbeddedPostgres.IsOurPostmaster(secondPostmaster, resolvedDataDir));
            Assert.False(File.Exists(Path.Combine(resolvedDataDir, "postmaster.pid")));
        }
        finally
        {
            TempDirs.Delete(root);
        }
    }

    private static async Task AssertReadyAsync(string api, string token)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync(api + "/readyz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok","checks":{"database":"ok"}}""", await response.Content.ReadAsStringAsync());
    }

    private static Dictionary<string, string> Env(string? connectionString)
    {
        var env = new Dictionary<string, string>
        {
            ["CROWNEST_API_URL"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
            ["CROWNEST_EDGE_URL"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (connectionString is not null)
        {
            env["CROWNEST_POSTGRES"] = connectionString;
        }

        return env;
    }
}
