using CrowNest.Edge;
using CrowNest.Platform.Installations;
using CrowNest.Platform.Previews;
using CrowNest.Platform.Sandboxes;
using CrowNest.Sandboxes;
using CrowNest.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrowNest.Server.Sandboxes;

public static class SandboxHosting
{
    /// <summary>
    /// The sandbox runtime (<c>Sandboxes:Runtime</c>, process by default), the output pumps, the startup
    /// reconciliation and expiry reaper, and preview URLs derived from the edge's settings unless
    /// <c>Previews:BaseDomain</c>/<c>Previews:Scheme</c> are configured. Live output streams are woken through
    /// <see cref="CommandOutputSignal"/>, fed by this process's writers and by <see cref="CommandOutputListener"/>.
    /// </summary>
    public static IServiceCollection AddCrowNestSandboxApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCrowNestSandboxes();
        // Sandboxes are owned by this installation (id stored in PostgreSQL unless Sandboxes:OwnerId is set), so
        // reconciliation never destroys those of another installation on the same dockerd or sandbox root.
        services.AddSingleton(sp =>
        {
            var owner = new SandboxOwner(sp.GetRequiredService<IOptions<SandboxOptions>>());
            var dataSource = sp.GetRequiredService<NpgsqlDataSource>();
            owner.UseResolver(ct => InstallationIdentity.GetOrCreateAsync(dataSource, ct));
            return owner;
        });
        services.Configure<SandboxApiOptions>(configuration.GetSection(SandboxApiOptions.Section));
        services.AddSingleton<IOptions<PreviewOptions>>(sp =>
        {
            var section = configuration.GetSection(PreviewOptions.Section);
            var configured = section.Get<PreviewOptions>() ?? new PreviewOptions();
            var edge = sp.GetRequiredService<IOptions<EdgeOptions>>().Value;
            var edgeUri = new Uri(edge.Url);
            var scheme = section["Scheme"] ?? edgeUri.Scheme;
            var baseDomain = section["BaseDomain"] ?? (edgeUri.IsDefaultPort ? edge.PreviewDomain : $"{edge.PreviewDomain}:{edgeUri.Port}");
            return Options.Create(configured with { Scheme = scheme, BaseDomain = baseDomain });
        });
        services.TryAddSingleton<CommandOutputSignal>();
        services.AddHostedService<CommandOutputListener>();
        services.AddSingleton<CommandSupervisor>();
        services.AddSingleton<SandboxHousekeeping>();
        services.AddHostedService(sp => sp.GetRequiredService<SandboxHousekeeping>());
        return services;
    }
}

/// <summary>
/// Wakes this process's live output streams when any instance stores output or changes a command's status: the
/// database NOTIFYs the command id on <see cref="CommandOutputSignal.NotifyChannel"/> (triggers, migration 0013).
/// After a lost connection every stream re-reads, because notifications sent meanwhile are gone.
/// </summary>
public sealed class CommandOutputListener(NpgsqlDataSource dataSource, CommandOutputSignal signal, ILogger<CommandOutputListener> logger)
    : NotifyListener(dataSource, CommandOutputSignal.NotifyChannel, logger)
{
    protected override void OnNotification(string payload) => signal.Pulse(payload);

    protected override void OnReset() => signal.PulseAll();
}
