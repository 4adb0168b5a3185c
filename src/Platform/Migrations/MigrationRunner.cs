using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CrowNest.Platform.Migrations;

/// <summary>One ordered SQL migration embedded in the server assembly (<c>Migrations/NNNN_name.sql</c>).</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

/// <summary>What the last migration run did in this process (tests read it).</summary>
public sealed class MigrationState
{
    public IReadOnlyList<int> AppliedByThisProcess { get; set; } = [];
}

/// <summary>
/// Applies pending migrations in one transaction under a transaction-scoped advisory lock, so servers that start
/// at the same time serialise here and only the first applies anything; the rest find the work recorded in
/// <c>schema_migrations</c>.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    /// <summary>Arbitrary constant shared by every CrowNest server: "CrowNest" in ASCII.</summary>
    public const long AdvisoryLockKey = 0x43726F774E657374;

    public static IReadOnlyList<Migration> Embedded { get; } = Load(typeof(MigrationRunner).Assembly);

    internal static IReadOnlyList<Migration> Load(Assembly assembly)
    {
        const string marker = ".Migrations.";
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.Contains(marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = resource[(resource.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^4];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(file[..underscore], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Migration '{file}.sql' must be named NNNN_name.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            list.Add(new Migration(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        var duplicate = list.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        return duplicate is not null
            ? throw new InvalidOperationException($"Two migrations share version {duplicate.Key}")
            : list.OrderBy(m => m.Version).ToList();
    }

    /// <summary>Applies what is pending and returns the versions this call applied.</summary>
    public async Task<IReadOnlyList<int>> ApplyAsync(CancellationToken ct = default) => await ApplyAsync(Embedded, ct);

    internal async Task<IReadOnlyList<int>> ApplyAsync(IReadOnlyList<Migration> migrations, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await ExecuteAsync(conn, tx, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
        await ExecuteAsync(conn, tx, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, ct);

        var applied = new Dictionary<int, string>();
        await using (var cmd = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", conn, tx))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                applied[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        var done = new List<int>();
        foreach (var m in migrations)
        {
            if (applied.TryGetValue(m.Version, out var checksum))
            {
                // An edited migration would silently diverge between databases; refuse instead.
                if (checksum != m.Checksum)
                {
                    throw new InvalidOperationException($"Migration {m.Version:D4}_{m.Name} changed after it was applied (checksum mismatch); add a new migration instead");
                }

                continue;
            }

            LogApplying(logger, m.Version, m.Name);
            await ExecuteAsync(conn, tx, m.Sql, ct);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", conn, tx);
            record.Parameters.AddWithValue(m.Version);
            record.Parameters.AddWithValue(m.Name);
            record.Parameters.AddWithValue(m.Checksum);
            await record.ExecuteNonQueryAsync(ct);
            done.Add(m.Version);
        }

        await tx.CommitAsync(ct);
        LogDone(logger, done.Count, migrations.Count);
        return done;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying migration {Version:D4}_{Name}")]
    private static partial void LogApplying(ILogger logger, int version, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migrations: {Applied} applied now, {Total} known")]
    private static partial void LogDone(ILogger logger, int applied, int total);
}
