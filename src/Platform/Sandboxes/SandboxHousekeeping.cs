using CrowNest.Platform.Data;
using CrowNest.Platform.Previews;
using CrowNest.Sandboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrowNest.Platform.Sandboxes;

/// <summary>
/// At startup (after migrations) reconciles PostgreSQL with what the runtime really runs: runtime sandboxes without
/// a row are destroyed, live rows whose sandbox is gone are marked <c>stopped</c> (previews revoked), running
/// commands whose process is gone are marked <c>failed</c>, surviving ones get an output pump again. Then reaps
/// expired sandboxes every <see cref="SandboxApiOptions.ReaperInterval"/>.
/// </summary>
public sealed partial class SandboxHousekeeping(IServiceScopeFactory scopes, ISandboxRuntime runtime, CommandSupervisor supervisor, IOptions<SandboxApiOptions> options, ILogger<SandboxHousekeeping> logger, SandboxEventPublisher? events = null) : BackgroundService
{
    private readonly SandboxApiOptions _options = options.Value;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.ReconcileOnStartup)
        {
            await ReconcileAsync(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    /// <summary>One reconciliation pass (also used by tests).</summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
        var actual = (await runtime.ListAsync(ct)).ToDictionary(s => s.Id);
        var known = await db.Sandboxes.AsNoTracking().Where(s => s.Runtime == runtime.Kind).Select(s => new { s.Id, s.RuntimeId, s.Status }).ToListAsync(ct);
        var knownIds = known.Select(s => s.RuntimeId).ToHashSet();
        foreach (var orphan in actual.Keys.Where(id => !knownIds.Contains(id) && id.StartsWith("sbx-", StringComparison.Ordinal)))
        {
            LogOrphan(logger, orphan);
            await runtime.DestroyAsync(orphan, ct);
        }

        var now = DateTimeOffset.UtcNow;
        foreach (var row in known)
        {
            var live = row.Status is SandboxStatuses.Starting or SandboxStatuses.Running;
            if (!actual.TryGetValue(row.RuntimeId, out var info))
            {
                if (live)
                {
                    LogLost(logger, row.Id);
                    await db.Sandboxes.Where(s => s.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SandboxStatuses.Stopped).SetProperty(x => x.DestroyedAt, now).SetProperty(x => x.Error, "The sandbox was lost (not found in the runtime after a restart)"), ct);
                    await PreviewService.RevokeForSandboxAsync(db, row.Id, now, ct);
                    if (events is not null)
                    {
                        await events.SandboxChangedAsync(row.Id, SandboxStatuses.Stopped);
                        await events.PreviewsChangedAsync(row.Id);
                    }
                }

                await db.SandboxCommands.Where(c => c.SandboxId == row.Id && c.Status == CommandStatuses.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CommandStatuses.Failed).SetProperty(c => c.ExitedAt, now), ct);
                continue;
            }

            if (row.Status == SandboxStatuses.Starting)
            {
                await db.Sandboxes.Where(s => s.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SandboxStatuses.Running), ct);
                if (events is not null)
                {
                    await events.SandboxChangedAsync(row.Id, SandboxStatuses.Running);
                }
            }

            var commands = await db.SandboxCommands.AsNoTracking().Where(c => c.SandboxId == row.Id && c.Status == CommandStatuses.Running).ToListAsync(ct);
            foreach (var command in commands)
            {
                var real = info.Commands.FirstOrDefault(c => c.Id == command.RuntimeCommandId);
                if (real is { State: SandboxCommandState.Running } && command.RuntimeCommandId is not null)
                {
                    supervisor.Start(command.Id, row.RuntimeId, command.RuntimeCommandId);
                    continue;
                }

                var status = real is { State: SandboxCommandState.Exited } ? CommandStatuses.Exited : CommandStatuses.Failed;
                var exitCode = real?.ExitCode;
                await db.SandboxCommands.Where(c => c.Id == command.Id && c.Status == CommandStatuses.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, status).SetProperty(c => c.ExitCode, exitCode).SetProperty(c => c.ExitedAt, now), ct);
                if (events is not null)
                {
                    await events.CommandExitedAsync(command.Id, 0, status);
                }
            }
        }
    }

    /// <summary>Destroys every live sandbox past its <c>expiresAt</c>.</summary>
    public async Task ReapAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
        var service = scope.ServiceProvider.GetRequiredService<SandboxService>();
        var now = DateTimeOffset.UtcNow;
        var expired = await db.Sandboxes.AsNoTracking()
            .Where(s => (s.Status == SandboxStatuses.Starting || s.Status == SandboxStatuses.Running) && s.ExpiresAt != null && s.ExpiresAt < now)
            .ToListAsync(ct);
        foreach (var sandbox in expired)
        {
            LogExpired(logger, sandbox.Id);
            await service.DestroyCoreAsync(sandbox, SandboxStatuses.Destroyed, "expired", ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ReaperInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReapAsync(stoppingToken);
            }
            catch (Exception e) when (e is DbUpdateException or SandboxException or Npgsql.NpgsqlException or InvalidOperationException)
            {
                LogReapFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Destroying orphan runtime sandbox {RuntimeId} (no database record)")]
    private static partial void LogOrphan(ILogger logger, string runtimeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox {SandboxId} is gone from the runtime; marked stopped")]
    private static partial void LogLost(ILogger logger, string sandboxId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox {SandboxId} expired; destroying it")]
    private static partial void LogExpired(ILogger logger, string sandboxId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox reaper pass failed: {Reason}")]
    private static partial void LogReapFailed(ILogger logger, string reason);
}
