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

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await supervisor.StopAllAsync();
    }

    private async Task ReapLoopAsync(CancellationToken ct)
    {
        var interval = options.Value.ReaperInterval;
        var debounce = options.Value.ActivityDebounce;
        using var timer = new PeriodicTimer(debounce < interval ? debounce : interval);
        var lastReap = DateTimeOffset.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    if (DateTimeOffset.UtcNow - lastReap >= interval)
                    {
                        lastReap = DateTimeOffset.UtcNow;
                        await supervisor.ReapAsync(ct);
                    }
                    else
                    {
                        await supervisor.FlushActivityAsync(ct);
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
