using CrowNest.Platform.Migrations;
using CrowNest.Server.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

[assembly: AssemblyFixture(typeof(CrowNest.Server.Tests.Infrastructure.PostgresFixture))]

namespace CrowNest.Server.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL per test run: the server given by CROWNEST_POSTGRES (as <c>./crownest test</c> does), otherwise an
/// embedded cluster in a temp directory. A migrated template database is built once; each test class clones it.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly List<string> _created = [];
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private EmbeddedPostgres? _embedded;
    private string? _tempDir;
    private string _template = "";

    /// <summary>Connection to the server's maintenance database (used for CREATE/DROP DATABASE).</summary>
    public string AdminConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable("CROWNEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            AdminConnectionString = external;
        }
        else
        {
            _tempDir = TempDirs.Create("crownest-tests");
            _embedded = new EmbeddedPostgres(new EmbeddedPostgresOptions { DataDir = Path.Combine(_tempDir, "pg"), Port = 0, Durable = false });
            await _embedded.StartAsync();
            AdminConnectionString = _embedded.ConnectionString("postgres");
        }

        _template = $"crownest_tpl_{Guid.NewGuid():N}"[..28];
        await ExecuteAdminAsync($"CREATE DATABASE {_template}");
        _created.Add(_template);
        await using (var dataSource = NpgsqlDataSource.Create(ConnectionStringFor(_template)))
        {
            await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync();
        }

        // CREATE DATABASE ... TEMPLATE needs the template to have no sessions.
        NpgsqlConnection.ClearAllPools();
    }

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    /// <summary>A new database: a copy of the migrated template, or empty (<paramref name="migrated"/> false).</summary>
    public async Task<TestDatabase> CreateDatabaseAsync(bool migrated = true)
    {
        var name = $"crownest_t_{Guid.NewGuid():N}"[..30];
        await _createGate.WaitAsync();
        try
        {
            await ExecuteAdminAsync($"CREATE DATABASE {name} TEMPLATE {(migrated ? _template : "template0")}");
            _created.Add(name);
        }
        finally
        {
            _createGate.Release();
        }

        return new TestDatabase(name, ConnectionStringFor(name));
    }

    public Task DropDatabaseAsync(string name) => ExecuteAdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
            TempDirs.Delete(_tempDir);
        }
        else
        {
            // An external server outlives the run: leave it as it was found.
            foreach (var name in _created)
            {
                await DropDatabaseAsync(name);
            }
        }

        _createGate.Dispose();
    }

    private async Task ExecuteAdminAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}

public sealed record TestDatabase(string Name, string ConnectionString);

/// <summary>Per-test-class database cloned from the migrated template.</summary>
public sealed class ClassDatabase(PostgresFixture postgres) : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public string ConnectionString => Database.ConnectionString;

    public PostgresFixture Postgres => postgres;

    public async ValueTask InitializeAsync() => Database = await postgres.CreateDatabaseAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
