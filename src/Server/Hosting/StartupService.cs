using System.Net;
using System.Net.Sockets;
using CrowNest.Edge;
using CrowNest.Platform.Data;
using CrowNest.Platform.Migrations;
using CrowNest.Server.Postgres;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CrowNest.Server.Hosting;

/// <summary>
/// Brings the platform's dependencies up before Kestrel binds (IHostedLifecycleService.StartingAsync runs ahead of
/// every StartAsync, the server's included): ports, PostgreSQL, migrations, seeds. Stops the embedded cluster last.
/// </summary>
public sealed partial class StartupService(
    IServiceProvider services,
    IServer server,
    DatabaseLocation location,
    IOptions<ApiOptions> api,
    IOptions<EdgeOptions> edge,
    IOptions<EdgeHostingOptions> edgeHosting,
    IOptions<DatabaseOptions> database,
    IOptions<BootstrapOptions> bootstrap,
    IOptions<DevOptions> dev,
    MigrationState migrationState,
    ILogger<StartupService> logger) : IHostedLifecycleService
{
    private string? _devSecret;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        // Only a real socket server binds ports; the in-memory test server has no addresses feature.
        if (server.Features.Get<IServerAddressesFeature>() is not null)
        {
            EnsurePortFree(api.Value.Url, "Api:Url", "CROWNEST_API_URL");
            if (edgeHosting.Value.InProcess)
            {
                EnsurePortFree(edge.Value.Url, "Edge:Url", "CROWNEST_EDGE_URL");
            }
        }

        if (location.IsEmbedded)
        {
            await services.GetRequiredService<EmbeddedPostgres>().StartAsync(cancellationToken);
        }

        if (database.Value.Migrate)
        {
            var runner = services.GetRequiredService<MigrationRunner>();
            migrationState.AppliedByThisProcess = await runner.ApplyAsync(cancellationToken);
        }

        await using var scope = services.CreateAsyncScope();
        var seeder = scope.ServiceProvider.GetRequiredService<Seeder>();
        if (!string.IsNullOrWhiteSpace(bootstrap.Value.Token))
        {
            await seeder.EnsureBootstrapKeyAsync(bootstrap.Value.Token, cancellationToken);
        }

        if (dev.Value.Seed)
        {
            var file = Path.GetFullPath(dev.Value.TokenFile);
            var existing = File.Exists(file) ? (await File.ReadAllTextAsync(file, cancellationToken)).Trim() : null;
            var (_, secret) = await seeder.EnsureDevAsync(existing, cancellationToken);
            if (secret != existing)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllTextAsync(file, "", cancellationToken);
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                await File.WriteAllTextAsync(file, secret + "\n", cancellationToken);
            }

            _devSecret = secret;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var edgeUrl = edgeHosting.Value.InProcess ? edge.Value.Url : "standalone (./crownest edge)";
        LogReady(logger, api.Value.Url, edgeUrl);
        if (_devSecret is not null)
        {
            // The banner is for a person at a terminal, so it bypasses log formatting.
            Console.WriteLine($"""

                CrowNest is ready.
                  API:   {api.Value.Url}   (/graphql /api /v1 /healthz /readyz)
                  Edge:  {edgeUrl}   (*.{edge.Value.PreviewDomain})
                  Token: {_devSecret}   (saved in {dev.Value.TokenFile})
                  Try:   curl -H "Authorization: Bearer $(cat {dev.Value.TokenFile})" {api.Value.Url}/readyz
                Press Ctrl-C to stop (PostgreSQL stops too).

                """);
        }

        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (location.IsEmbedded)
        {
            await services.GetRequiredService<EmbeddedPostgres>().StopAsync(CancellationToken.None);
        }
    }

    private static void EnsurePortFree(string url, string setting, string variable)
    {
        var uri = new Uri(url);
        var address = uri.Host is "localhost" ? IPAddress.Loopback : IPAddress.TryParse(uri.Host, out var ip) ? ip : IPAddress.Any;
        try
        {
            using var listener = new TcpListener(address, uri.Port);
            listener.Start();
            listener.Stop();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new StartupException($"crownest: port {uri.Port} is already in use ({url}); set {setting} ({variable}) to change it");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CrowNest ready: API {ApiUrl}, edge {EdgeUrl}")]
    private static partial void LogReady(ILogger logger, string apiUrl, string edgeUrl);
}
