using CrowNest.Server.Postgres;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrowNest.Server.Hosting;

/// <summary>
/// <c>CrowNest.Server postgres start|stop|url [--Postgres:DataDir=D] [--Postgres:Port=P] [--Postgres:Durable=false]</c>:
/// drives the same embedded cluster as the server, for scripts (the test harness, crash cleanup in <c>crownest</c>).
/// </summary>
public static class PostgresCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("start" or "stop" or "url"))
        {
            await Console.Error.WriteLineAsync("usage: CrowNest.Server postgres start|stop|url [--Postgres:DataDir=DIR] [--Postgres:Port=PORT] [--Postgres:Durable=false]");
            return 2;
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
