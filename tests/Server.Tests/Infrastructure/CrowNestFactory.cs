using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace CrowNest.Server.Tests.Infrastructure;

/// <summary>The real server pipeline in-process, against a real PostgreSQL database.</summary>
public sealed class CrowNestFactory(string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) =>
        {
            var values = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = connectionString,
                ["Dev:Seed"] = "false",
                ["Bootstrap:Token"] = "",
                // TestServer exposes IServerAddressesFeature, so startup checks these ports are free. The defaults
                // (5080/5081) would make concurrently starting factories collide on that check; port 0 never does.
                ["Api:Url"] = "http://127.0.0.1:0",
                ["Edge:Url"] = "http://127.0.0.1:0",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                values[key] = value;
            }

            config.AddInMemoryCollection(values);
        });
    }
}
