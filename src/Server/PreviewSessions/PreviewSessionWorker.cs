using CrowNest.Platform.PreviewSessions;
using Microsoft.Extensions.Options;

namespace CrowNest.Server.PreviewSessions;

/// <summary>Hosted worker: starts queued sessions' boots and runs the idle reaper.</summary>
internal sealed partial class PreviewSessionWorker(
    PreviewSessionSupervisor supervisor,
    IOptions<PreviewSessionOptions> options,
    ILogger<PreviewSessionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reaper = ReapLoopAsync(stoppingToken);
        try
        {
            await foreach (var id in supervisor.Queue.ReadAllAsync(stoppingToken))
            {
                supervisor.Start(id, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        await reaper;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Hosted services start in order: the sandbox housekeeping has reconciled sandboxes with the runtime by now.
        if (options.Value.RecoverOnStartup)
        {
            await supervisor.RecoverAsync(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (options.Value.StopOnShutdown)
        {
            await supervisor.StopAllAsync();
        }
        else
        {
            supervisor.DetachAll();
        }
    }

    private async Task ReapLoopAsync(CancellationToken ct)
    {
        var interval = options.Value.ReaperInterval;
        var debounce = options.Value.ActivityDebounce;
        // A fine tick keeps each clock close to its own period.
        var tick = new[] { debounce, interval, TimeSpan.FromSeconds(1) }.Min();
        using var timer = new PeriodicTimer(tick > TimeSpan.Zero ? tick : TimeSpan.FromMilliseconds(100));
        var lastReap = DateTimeOffset.MinValue;
        var lastFlush = DateTimeOffset.UtcNow;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    // Flushes on their own clock, so edge traffic costs one write per session per debounce interval;
                    // the reaper reads unwritten activity from memory instead of flushing.
                    var now = DateTimeOffset.UtcNow;
                    if (now - lastFlush >= debounce)
                    {
                        lastFlush = now;
                        await supervisor.FlushActivityAsync(ct);
                    }

                    if (now - lastReap >= interval)
                    {
                        lastReap = now;
                        await supervisor.ReapAsync(ct);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database may be briefly unavailable; the next tick retries.
                    LogReaperFailed(logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preview session reaper failed: {Reason}")]
    private static partial void LogReaperFailed(ILogger logger, string reason);
}
