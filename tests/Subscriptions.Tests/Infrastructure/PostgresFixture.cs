using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(CrowNest.Subscriptions.Tests.Infrastructure.PostgresFixture))]

namespace CrowNest.Subscriptions.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL per test run: the server given by CROWNEST_POSTGRES (as <c>./crownest test</c> does), otherwise a
/// throw-away cluster in a temp directory (the minimal part of the server's EmbeddedPostgres; this project must not
/// reference the server). Each test class gets a database of its own, so NOTIFY traffic never crosses classes.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly List<string> _created = [];
    private string? _tempDir;
    private string? _dataDir;
    private string? _binDir;
    private string? _runAs;

    public string AdminConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Without CROWNEST_POSTGRES the tests start PostgreSQL, which needs Linux.");
        }

        var external = Environment.GetEnvironmentVariable("CROWNEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(external))
        {
            AdminConnectionString = external;
            return;
        }

        _binDir = FindBinDir();
        _runAs = Environment.IsPrivilegedProcess ? "postgres" : null;
        // Under /tmp (world-traversable) so the postgres OS user reaches it when the tests run as root.
        _tempDir = Directory.CreateTempSubdirectory("crownest-subscriptions-").FullName;
        File.SetUnixFileMode(_tempDir, (UnixFileMode)0b111_101_101);
        _dataDir = Path.Combine(_tempDir, "pg");
        Directory.CreateDirectory(_dataDir);
        File.SetUnixFileMode(_dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (_runAs is not null)
        {
            await RunAsync("chown", ["-R", $"{_runAs}:", _dataDir], asUser: null);
        }

        await RunAsync(Path.Combine(_binDir, "initdb"), ["-D", _dataDir, "-U", "crownest", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], _runAs);
        var port = FreePort();
        var serverOptions = string.Create(CultureInfo.InvariantCulture,
            $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
        await RunAsync(Path.Combine(_binDir, "pg_ctl"),
            ["start", "-D", _dataDir, "-w", "-t", "60", "-l", Path.Combine(_dataDir, "postgres.log"), "-o", serverOptions], _runAs);
        AdminConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "crownest",
            Database = "postgres",
        }.ConnectionString;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"crownest_ps_{Guid.NewGuid():N}"[..30];
        await ExecuteAdminAsync($"CREATE DATABASE {name} TEMPLATE template0");
        lock (_created)
        {
            _created.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_dataDir is not null)
        {
            await RunAsync(Path.Combine(_binDir!, "pg_ctl"), ["stop", "-D", _dataDir, "-m", "immediate", "-w", "-t", "60"], _runAs);
            try
            {
                Directory.Delete(_tempDir!, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp directory is harmless.
            }

            return;
        }

        // An external server outlives the run: leave it as it was found.
        foreach (var name in _created)
        {
            await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static string FindBinDir()
    {
        const string debianRoot = "/usr/lib/postgresql";
        var dir = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : -1)
                .FirstOrDefault()
            : null;
        return dir ?? throw new InvalidOperationException("PostgreSQL server binaries not found: install 'postgresql' or set CROWNEST_POSTGRES.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] args, string? asUser)
    {
        var psi = new ProcessStartInfo { FileName = asUser is null ? file : "runuser", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asUser is not null)
        {
            foreach (var a in new[] { "-u", asUser, "--", file })
            {
                psi.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["LC_ALL"] = "C";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
    }
}
