using CrowNest.Server.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CrowNest.Server.Hosting;

/// <summary>
/// <c>CrowNest.Server postgres start|stop|url [--Postgres:DataDir=D] [--Postgres:Port=P] [--Postgres:Durable=false]</c>
/// drives the same embedded cluster as the server, for scripts (the test harness, crash cleanup in <c>crownest</c>).
/// <c>postgres createdb|dropdb NAME</c> manage a database on the configured server (CROWNEST_POSTGRES).
/// </summary>
public static class PostgresCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ([("start" or "stop" or "url"), ..] or [("createdb" or "dropdb"), _, ..]))
        {
            await Console.Error.WriteLineAsync("usage: CrowNest.Server postgres start|stop|url [--Postgres:DataDir=DIR] [--Postgres:Port=PORT] [--Postgres:Durable=false]");
            await Console.Error.WriteLineAsync("       CrowNest.Server postgres createdb|dropdb NAME   (on ConnectionStrings:Postgres / CROWNEST_POSTGRES)");
            return 2;
        }

        if (args[0] is "createdb" or "dropdb")
        {
            var external = new ConfigurationBuilder().AddCrowNestEnvironment(args[2..]).Build().GetConnectionString("Postgres");
            if (string.IsNullOrWhiteSpace(external))
            {
                await Console.Error.WriteLineAsync("crownest: set CROWNEST_POSTGRES (or ConnectionStrings__Postgres) first");
                return 1;
            }

            var name = args[1];
            if (!name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                await Console.Error.WriteLineAsync("crownest: database names are limited to [a-z0-9_]");
                return 2;
            }

            await using var conn = new NpgsqlConnection(external);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(args[0] == "createdb" ? $"CREATE DATABASE {name}" : $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
            if (args[0] == "createdb")
            {
                Console.WriteLine(new NpgsqlConnectionStringBuilder(external) { Database = name }.ConnectionString);
            }

            return 0;
        }

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddCrowNestEnvironment(args[1..])
            .Build();
        var options = configuration.GetSection(EmbeddedPostgresOptions.Section).Get<EmbeddedPostgresOptions>() ?? new EmbeddedPostgresOptions();
        var pg = new EmbeddedPostgres(options, NullLogger<EmbeddedPostgres>.Instance);
        try
        {
            switch (args[0])
            {
                case "start":
                    // Left running on purpose: the caller stops it with `postgres stop`.
                    await pg.StartAsync();
                    Console.WriteLine(pg.ConnectionString());
                    break;
                case "stop":
                    await pg.StopIfRunningAsync();
                    break;
                default:
                    Console.WriteLine(pg.ConnectionString());
                    break;
            }

            return 0;
        }
        catch (StartupException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    }
}
