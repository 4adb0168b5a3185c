using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using CrowNest.Server.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CrowNest.Server.Postgres;

/// <summary>
/// A PostgreSQL cluster owned by the platform: initdb on first use, started on 127.0.0.1 with a private port,
/// stopped with <c>pg_ctl stop -m fast</c>. Used by <c>crownest dev</c> (through the server) and by test fixtures.
/// As root the server binaries run as the <c>postgres</c> OS user, since PostgreSQL refuses to run as root.
/// </summary>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    public const string PackageName = "postgresql";
    private const string OsUser = "postgres";

    private readonly EmbeddedPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _binDir;
    private bool _started;

    public EmbeddedPostgres(EmbeddedPostgresOptions options, ILogger<EmbeddedPostgres>? logger = null)
    {
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        RunAsUser = Environment.IsPrivilegedProcess ? OsUser : null;
        DataDir = ResolveDataDir(options.DataDir, RunAsUser);
        Port = options.Port;
    }

    /// <summary>Absolute data directory actually used (may be a fallback under /var/tmp, see <see cref="ResolveDataDir"/>).</summary>
    public string DataDir { get; }

    /// <summary>The TCP port; known after <see cref="StartAsync"/> when configured as 0.</summary>
    public int Port { get; private set; }

    /// <summary>OS user that runs the server binaries, or null to run them as the current user.</summary>
    public string? RunAsUser { get; }

    /// <summary>True while this instance has the cluster running.</summary>
    public bool IsRunning => _started;

    public string ConnectionString(string? database = null) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = _options.User,
        Database = database ?? _options.Database,
    }.ConnectionString;

    /// <summary>
    /// Data directory for <paramref name="configured"/>. As root the postgres user must be able to reach it; when a
    /// parent directory is closed to it (e.g. a checkout under /root), a stable fallback under /var/tmp is used.
    /// </summary>
    public static string ResolveDataDir(string configured, string? runAsUser)
    {
        var full = Path.GetFullPath(configured);
        if (runAsUser is null || ParentsTraversableByOthers(full))
        {
            return full;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..12];
        return Path.Combine("/var/tmp", $"crownest-{hash}", "pg");
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_started)
            {
                return;
            }

            _binDir = FindBinDir(_options.BinDir);
            await PrepareDataDirAsync(ct);
            await HandleExistingPostmasterAsync(ct);
            if (Port == 0)
            {
                Port = FreePort();
            }
            else if (!PortIsFree(Port))
            {
                throw new StartupException(
                    $"crownest: PostgreSQL port {Port} on 127.0.0.1 is already in use; set Postgres:Port (CROWNEST_PG_PORT) to change it");
            }

            var serverOptions = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''");
            if (!_options.Durable)
            {
                serverOptions.Append(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");
            }

            var log = Path.Combine(DataDir, "postgres.log");
            var result = await RunPgAsync("pg_ctl", ["start", "-D", DataDir, "-w", "-t", "60", "-l", log, "-o", serverOptions.ToString()], ct);
            if (result.ExitCode != 0)
            {
                throw new StartupException($"crownest: PostgreSQL failed to start: {LastLines(log, result.Output)}");
            }

            _started = true;
            LogStarted(_logger, DataDir, Port);
            await EnsureDatabaseAsync(_options.Database, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Creates <paramref name="database"/> in the cluster unless it exists.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        exists.Parameters.AddWithValue(database);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", conn);
            try
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Created concurrently by someone else: the goal is reached.
            }
        }
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (!_started)
            {
                return;
            }

            NpgsqlConnection.ClearAllPools();
            await StopClusterAsync(ct);
            _started = false;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops whatever postmaster runs on <see cref="DataDir"/>, owned by this instance or not.</summary>
    public async Task<bool> StopIfRunningAsync(CancellationToken ct = default)
    {
        if (!File.Exists(Path.Combine(DataDir, "postmaster.pid")))
        {
            return false;
        }

        _binDir ??= FindBinDir(_options.BinDir);
        var pid = ReadPostmasterPid(DataDir);
        if (pid is null || !IsOurPostmaster(pid.Value, DataDir))
        {
            return false;
        }

        await StopClusterAsync(ct);
        _started = false;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        // Disposal is the last chance to honour "no PostgreSQL left behind" when the host failed half-way.
        await StopAsync(CancellationToken.None);
        _gate.Dispose();
    }

    /// <summary>Finds the PostgreSQL server binaries or throws a one-line error naming the package.</summary>
    public static string FindBinDir(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new StartupException($"crownest: no initdb in Postgres:BinDir '{configured}'; install the '{PackageName}' package or fix the setting");
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var best = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")) && File.Exists(Path.Combine(x.Dir, "pg_ctl")))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault();
            if (best is not null)
            {
                return best;
            }
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        throw new StartupException($"crownest: PostgreSQL server binaries (initdb, pg_ctl) not found; install the '{PackageName}' package (apt-get install -y {PackageName})");
    }

    private async Task PrepareDataDirAsync(CancellationToken ct)
    {
        if (File.Exists(Path.Combine(DataDir, "PG_VERSION")))
        {
            await ChownIfNeededAsync(ct);
            return;
        }

        Directory.CreateDirectory(DataDir);
        if (Directory.EnumerateFileSystemEntries(DataDir).Any())
        {
            throw new StartupException($"crownest: '{DataDir}' is not empty and is not a PostgreSQL cluster; remove it or set Postgres:DataDir");
        }

        File.SetUnixFileMode(DataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await ChownIfNeededAsync(ct);
        LogInitdb(_logger, DataDir);
        var result = await RunPgAsync("initdb", ["-D", DataDir, "-U", _options.User, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], ct);
        if (result.ExitCode != 0)
        {
            throw new StartupException($"crownest: initdb failed for '{DataDir}': {result.Output.Split('\n').LastOrDefault(l => l.Length > 0)}");
        }
    }

    private async Task ChownIfNeededAsync(CancellationToken ct)
    {
        if (RunAsUser is null)
        {
            return;
        }

        var result = await ProcessRunner.RunAsync("chown", ["-R", $"{RunAsUser}:", DataDir], null, ct);
        if (result.ExitCode != 0)
        {
            throw new StartupException($"crownest: could not hand '{DataDir}' to the {RunAsUser} user: {result.Output}");
        }
    }

    /// <summary>
    /// A postmaster.pid left by a crash: if that PID is our cluster still running, stop it cleanly (we start a fresh
    /// one we own); if the PID is dead or belongs to another program, the file is stale and is removed.
    /// </summary>
    private async Task HandleExistingPostmasterAsync(CancellationToken ct)
    {
        var pidFile = Path.Combine(DataDir, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        var pid = ReadPostmasterPid(DataDir);
        if (pid is not null && IsOurPostmaster(pid.Value, DataDir))
        {
            LogStoppingLeftover(_logger, pid.Value);
            await StopClusterAsync(ct);
            return;
        }

        LogRemovingStalePid(_logger, pid ?? 0);
        File.Delete(pidFile);
    }

    private async Task StopClusterAsync(CancellationToken ct)
    {
        var result = await RunPgAsync("pg_ctl", ["stop", "-D", DataDir, "-m", "fast", "-w", "-t", "60"], ct);
        if (result.ExitCode != 0 && File.Exists(Path.Combine(DataDir, "postmaster.pid")))
        {
            throw new InvalidOperationException($"pg_ctl stop failed for '{DataDir}': {result.Output}");
        }

        LogStopped(_logger, DataDir);
    }

    internal static int? ReadPostmasterPid(string dataDir)
    {
        try
        {
            var first = File.ReadLines(Path.Combine(dataDir, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The postmaster chdirs into its data directory, so /proc/PID/cwd identifies the cluster.</summary>
    internal static bool IsOurPostmaster(int pid, string dataDir)
    {
        try
        {
            var comm = File.ReadAllText($"/proc/{pid}/comm").Trim();
            if (!comm.StartsWith("postgres", StringComparison.Ordinal) && !comm.StartsWith("postmaster", StringComparison.Ordinal))
            {
                return false;
            }

            var cwd = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget;
            return cwd is not null && Path.TrimEndingDirectorySeparator(cwd) == Path.TrimEndingDirectorySeparator(dataDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private Task<ProcessRunner.Result> RunPgAsync(string tool, string[] args, CancellationToken ct) =>
        ProcessRunner.RunAsync(Path.Combine(_binDir!, tool), args, RunAsUser, ct);

    private static bool ParentsTraversableByOthers(string path)
    {
        for (var dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir) && !File.GetUnixFileMode(dir).HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return true;
    }

    internal static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string LastLines(string logFile, string fallback)
    {
        try
        {
            var lines = File.ReadAllLines(logFile).Where(l => l.Length > 0).TakeLast(2);
            var text = string.Join(" | ", lines);
            return text.Length > 0 ? text : fallback;
        }
        catch (IOException)
        {
            return fallback;
        }
        catch (UnauthorizedAccessException)
        {
            return fallback;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Initialising PostgreSQL cluster in {DataDir}")]
    private static partial void LogInitdb(ILogger logger, string dataDir);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL started: {DataDir} on 127.0.0.1:{Port}")]
    private static partial void LogStarted(ILogger logger, string dataDir, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL stopped: {DataDir}")]
    private static partial void LogStopped(ILogger logger, string dataDir);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A PostgreSQL server left running on this data directory (pid {Pid}) is being stopped before a fresh start")]
    private static partial void LogStoppingLeftover(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing stale postmaster.pid (pid {Pid} is not running this cluster)")]
    private static partial void LogRemovingStalePid(ILogger logger, int pid);
}
