using System.Collections.Concurrent;
using CrowNest.Platform.Data;
using CrowNest.Sandboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrowNest.Platform.Sandboxes;

/// <summary>
/// One background pump per running command: copies the runtime's output into <c>command_output</c> as it arrives
/// and records the exit (status and code) once all output is stored, so a reader that sees a final status has seen
/// all output. Singleton: pumps outlive the request that started the command. Each stored chunk and the exit are
/// published on <see cref="SandboxTopics.CommandOutput"/> after they are committed, and pulse
/// <see cref="CommandOutputSignal"/> so this process's live output streams wake at once.
/// </summary>
public sealed partial class CommandSupervisor(ISandboxRuntime runtime, IServiceScopeFactory scopes, ILogger<CommandSupervisor> logger, SandboxEventPublisher? events = null, CommandOutputSignal? signal = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Task> _pumps = new();

    // Kills in progress per command (a count: two concurrent kills, one failing, still leave it marked).
    private readonly ConcurrentDictionary<string, int> _killed = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Starts pumping a command's output (no-op when already pumped).</summary>
    public void Start(string commandId, string runtimeSandboxId, string runtimeCommandId)
    {
        _pumps.GetOrAdd(commandId, _ => Task.Run(() => PumpAsync(commandId, runtimeSandboxId, runtimeCommandId, _stopping.Token)));
    }

    /// <summary>Records that the command is being killed, so its exit is reported as <c>killed</c>.</summary>
    public void MarkKilled(string commandId) => _killed.AddOrUpdate(commandId, 1, static (_, n) => n + 1);

    /// <summary>
    /// Undoes one <see cref="MarkKilled"/> after the runtime failed to stop the command: it was not killed, so if it
    /// exits by itself later its exit is reported as such.
    /// </summary>
    public void UnmarkKilled(string commandId)
    {
        while (_killed.TryGetValue(commandId, out var n))
        {
            if (n <= 1 ? _killed.TryRemove(new KeyValuePair<string, int>(commandId, n)) : _killed.TryUpdate(commandId, n - 1, n))
            {
                return;
            }
        }
    }

    /// <summary>Waits (bounded) until the command's pump recorded its exit.</summary>
    public async Task WaitAsync(string commandId, TimeSpan timeout)
    {
        if (_pumps.TryGetValue(commandId, out var pump))
        {
            await Task.WhenAny(pump, Task.Delay(timeout)).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task PumpAsync(string commandId, string sandboxId, string runtimeCommandId, CancellationToken ct)
    {
        int? exitCode = null;
        var failed = false;
        long last = 0;
        try
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
                last = await db.CommandOutput.Where(o => o.CommandId == commandId).MaxAsync(o => (long?)o.Seq, ct).ConfigureAwait(false) ?? 0;
                await foreach (var chunk in runtime.StreamOutputAsync(sandboxId, runtimeCommandId, last, ct).ConfigureAwait(false))
                {
                    var stored = new CommandOutput
                    {
                        CommandId = commandId,
                        Seq = chunk.Sequence,
                        Stream = chunk.Stream == OutputStream.Stderr ? "stderr" : "stdout",
                        Data = chunk.Text,
                        At = chunk.At,
                    };
                    db.CommandOutput.Add(stored);
                    await db.SaveChangesAsync(ct).ConfigureAwait(false);
                    db.ChangeTracker.Clear();
                    last = stored.Seq;
                    signal?.Pulse(commandId);
                    if (events is not null)
                    {
                        await events.OutputStoredAsync(stored).ConfigureAwait(false);
                    }
                }
            }

            var exited = await runtime.WaitForExitAsync(sandboxId, runtimeCommandId, ct).ConfigureAwait(false);
            exitCode = exited.ExitCode;
            failed = exited.State == SandboxCommandState.Unknown;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Server shutdown: the next start's reconciliation settles the command.
            return;
        }
        catch (Exception e) when (e is SandboxException or DbUpdateException or InvalidOperationException)
        {
            LogPumpFailed(logger, commandId, e.Message);
            failed = true;
        }

        try
        {
            var status = _killed.ContainsKey(commandId) ? CommandStatuses.Killed : failed ? CommandStatuses.Failed : CommandStatuses.Exited;
            // exitCode belongs to EXITED only (documented): a killed command's 128+signal is the kill, not its result,
            // and killed-by-destroy has none, so both report null.
            if (status != CommandStatuses.Exited)
            {
                exitCode = null;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
            var now = DateTimeOffset.UtcNow;
            await db.SandboxCommands.Where(c => c.Id == commandId && c.Status == CommandStatuses.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, status).SetProperty(c => c.ExitCode, exitCode).SetProperty(c => c.ExitedAt, now), ct)
                .ConfigureAwait(false);
            signal?.Pulse(commandId);
            if (events is not null)
            {
                // After the exit is recorded: a subscriber that sees it has all output in command_output.
                await events.CommandExitedAsync(commandId, last, status).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            _killed.TryRemove(commandId, out _);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Output pump of command {CommandId} failed: {Reason}")]
    private static partial void LogPumpFailed(ILogger logger, string commandId, string reason);
}
