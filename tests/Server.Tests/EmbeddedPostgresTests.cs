using System.Diagnostics;
using System.Globalization;
using CrowNest.Server.Postgres;
using CrowNest.Server.Tests.Infrastructure;
using Npgsql;

namespace CrowNest.Server.Tests;

/// <summary>One throw-away cluster directory for the class; each test starts and stops clusters on it.</summary>
public sealed class EmbeddedClusterDir : IDisposable
{
    public string Root { get; } = TempDirs.Create("crownest-embedded");

    public string DataDir => Path.Combine(Root, "pg");

    public void Dispose() => TempDirs.Delete(Root);
}

public sealed class EmbeddedPostgresTests(EmbeddedClusterDir dir) : IClassFixture<EmbeddedClusterDir>
{
    private EmbeddedPostgres NewCluster() => new(new EmbeddedPostgresOptions { DataDir = dir.DataDir, Port = 0, Durable = false });

    [Fact]
    public async Task StartsStopsAndKeepsDataAcrossRestarts()
    {
        await using (var first = NewCluster())
        {
            await first.StartAsync();
            await ExecAsync(first, "CREATE TABLE IF NOT EXISTS kept (v int); INSERT INTO kept VALUES (42)");
            var pid = EmbeddedPostgres.ReadPostmasterPid(first.DataDir)!.Value;
            await first.StopAsync();
            Assert.False(File.Exists(Path.Combine(first.DataDir, "postmaster.pid")));
            Assert.False(IsAlive(pid));
        }

        await using var second = NewCluster();
        await second.StartAsync();
        Assert.Equal(42, await ScalarAsync(second, "SELECT v FROM kept LIMIT 1"));
        await second.StopAsync();
    }

    [Fact]
    public async Task AStalePidFileOfADeadProcessIsRemoved()
    {
        await using var cluster = NewCluster();
        await cluster.StartAsync();
        await cluster.StopAsync();
        var pidFile = Path.Combine(cluster.DataDir, "postmaster.pid");
        await File.WriteAllTextAsync(pidFile, $"{DeadPid()}\n{cluster.DataDir}\n");

        await cluster.StartAsync();
        Assert.Equal(1, await ScalarAsync(cluster, "SELECT 1"));
        await cluster.StopAsync();
    }

    [Fact]
    public async Task APidFileNamingAnotherLiveProgramIsStale()
    {
        await using var cluster = NewCluster();
        await cluster.StartAsync();
        await cluster.StopAsync();
        // This test process is alive but is not a postmaster of this cluster.
        await File.WriteAllTextAsync(Path.Combine(cluster.DataDir, "postmaster.pid"), $"{Environment.ProcessId}\n{cluster.DataDir}\n");

        await cluster.StartAsync();
        Assert.Equal(1, await ScalarAsync(cluster, "SELECT 1"));
        await cluster.StopAsync();
    }

    [Fact]
    public async Task AClusterLeftRunningByACrashedOwnerIsTakenOver()
    {
        var crashed = NewCluster();
        await crashed.StartAsync();
        var leftoverPid = EmbeddedPostgres.ReadPostmasterPid(crashed.DataDir)!.Value;
        Assert.True(EmbeddedPostgres.IsOurPostmaster(leftoverPid, crashed.DataDir));
        // The owner "crashes": it never calls StopAsync and is abandoned.

        await using var next = NewCluster();
        await next.StartAsync();
        Assert.False(IsAlive(leftoverPid));
        Assert.Equal(1, await ScalarAsync(next, "SELECT 1"));
        var pid = EmbeddedPostgres.ReadPostmasterPid(next.DataDir)!.Value;
        await next.StopAsync();
        Assert.False(IsAlive(pid));
    }

    [Fact]
    public async Task StopIfRunningStopsAClusterItDidNotStart()
    {
        var other = NewCluster();
        await other.StartAsync();
        var pid = EmbeddedPostgres.ReadPostmasterPid(other.DataDir)!.Value;

        await using var stopper = NewCluster();
        Assert.True(await stopper.StopIfRunningAsync());
        Assert.False(IsAlive(pid));
        Assert.False(await stopper.StopIfRunningAsync());
    }

    [Fact]
    public void MissingBinariesNameThePackage()
    {
        var error = Assert.Throws<CrowNest.Server.Hosting.StartupException>(() => EmbeddedPostgres.FindBinDir("/nonexistent/bin"));
        Assert.Contains("'postgresql'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void AsRootADataDirThePostgresUserCannotReachFallsBackUnderVarTmp()
    {
        var closed = TempDirs.Create("crownest-closed");
        try
        {
            File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var wanted = Path.Combine(closed, "pg");
            var resolved = EmbeddedPostgres.ResolveDataDir(wanted, runAsUser: "postgres");
            Assert.StartsWith("/var/tmp/crownest-", resolved, StringComparison.Ordinal);
            Assert.Equal(resolved, EmbeddedPostgres.ResolveDataDir(wanted, runAsUser: "postgres"));
            Assert.Equal(wanted, EmbeddedPostgres.ResolveDataDir(wanted, runAsUser: null));
        }
        finally
        {
            TempDirs.Delete(closed);
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static int DeadPid()
    {
        using var p = Process.Start("true");
        p.WaitForExit();
        return p.Id;
    }

    private static async Task ExecAsync(EmbeddedPostgres pg, string sql)
    {
        await using var conn = new NpgsqlConnection(pg.ConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<int> ScalarAsync(EmbeddedPostgres pg, string sql)
    {
        await using var conn = new NpgsqlConnection(pg.ConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
