using CrowNest.Platform.Migrations;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CrowNest.Server.Tests;

public sealed class MigrationTests(PostgresFixture postgres)
{
    [Fact]
    public void EmbeddedMigrationsAreOrderedAndNamed()
    {
        var migrations = MigrationRunner.Embedded;
        Assert.NotEmpty(migrations);
        Assert.Equal(1, migrations[0].Version);
        Assert.Equal("tenancy", migrations[0].Name);
        Assert.Equal(migrations.Select(m => m.Version).Order(), migrations.Select(m => m.Version));
    }

    [Fact]
    public async Task ConcurrentRunnersApplyEachMigrationExactlyOnce()
    {
        var db = await postgres.CreateDatabaseAsync(migrated: false);
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var runners = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync()))
            .ToArray();
        var results = await Task.WhenAll(runners);

        Assert.Equal(MigrationRunner.Embedded.Count, results.Sum(r => r.Count));
        Assert.Equal(3, results.Count(r => r.Count == 0));
        Assert.Equal(MigrationRunner.Embedded.Count, await CountAsync(dataSource, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task ReapplyingIsANoOp()
    {
        var db = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var applied = await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync();
        Assert.Empty(applied);
    }

    [Fact]
    public async Task AFailingMigrationRollsBackEverythingInItsRun()
    {
        var db = await postgres.CreateDatabaseAsync(migrated: false);
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        Migration[] migrations = [new(1, "good", "CREATE TABLE good (id int)"), new(2, "bad", "CREATE TABLE bad (id no_such_type)")];

        await Assert.ThrowsAsync<PostgresException>(() => runner.ApplyAsync(migrations, CancellationToken.None));

        Assert.Equal(0, await CountAsync(dataSource, "SELECT count(*) FROM pg_tables WHERE tablename IN ('good', 'schema_migrations')"));
    }

    [Fact]
    public async Task AnEditedMigrationIsRefused()
    {
        var db = await postgres.CreateDatabaseAsync(migrated: false);
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        await runner.ApplyAsync([new Migration(1, "one", "CREATE TABLE one (id int)")], CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => runner.ApplyAsync([new Migration(1, "one", "CREATE TABLE one (id bigint)")], CancellationToken.None));
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Done means 3: two real server processes start at once against one fresh database.</summary>
    [Fact]
    public async Task TwoServersStartingTogetherApplyTheSchemaOnce()
    {
        var db = await postgres.CreateDatabaseAsync(migrated: false);
        const string token = "cn_test_two_servers_token_0123456789";
        var servers = Enumerable.Range(0, 2).Select(_ =>
        {
            var api = $"http://127.0.0.1:{ServerProcess.FreePort()}";
            var env = new Dictionary<string, string>
            {
                ["CROWNEST_POSTGRES"] = db.ConnectionString,
                ["CROWNEST_API_URL"] = api,
                ["CROWNEST_EDGE_URL"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
                ["CROWNEST_BOOTSTRAP_TOKEN"] = token,
            };
            return (Api: api, Process: ServerProcess.Start(env));
        }).ToList();

        try
        {
            await Task.WhenAll(servers.Select(s => s.Process.WaitHealthyAsync(s.Api + "/healthz", TimeSpan.FromSeconds(240))));

            using var http = new HttpClient();
            foreach (var (api, _) in servers)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, api + "/readyz");
                request.Headers.Authorization = new("Bearer", token);
                using var response = await http.SendAsync(request);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }

            await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
            Assert.Equal(MigrationRunner.Embedded.Count, await CountAsync(dataSource, "SELECT count(*) FROM schema_migrations"));
            Assert.Equal(1, await CountAsync(dataSource, "SELECT count(*) FROM api_keys"));
            var applyLogs = servers.Sum(s => CountOccurrences(s.Process.Output, "Applying migration 0001_tenancy"));
            Assert.Equal(1, applyLogs);
        }
        finally
        {
            foreach (var (_, process) in servers)
            {
                await process.DisposeAsync();
            }
        }
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
