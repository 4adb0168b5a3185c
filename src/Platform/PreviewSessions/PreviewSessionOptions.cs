namespace CrowNest.Platform.PreviewSessions;

/// <summary>Options of app preview sessions (configuration section <c>PreviewSessions</c>).</summary>
public sealed record PreviewSessionOptions
{
    public const string Section = "PreviewSessions";

    /// <summary>A session without heartbeat (keepalive, edge traffic) for this long is stopped and its sandbox destroyed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the reaper looks for idle sessions.</summary>
    public TimeSpan ReaperInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the dev server may take to answer HTTP before the session fails.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the package manager may run.</summary>
    public TimeSpan InstallTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Shell command starting the dev server instead of the <c>dev</c> script; <c>{port}</c> is replaced by the
    /// assigned port (also in <c>PORT</c>).
    /// </summary>
    public string? StartCommand { get; init; }

    /// <summary>Characters of command output kept in <c>metadata.outputTail</c> when a session fails.</summary>
    public int OutputTailChars { get; init; } = 4000;

    /// <summary>Edge activity within this interval is written as one heartbeat (one write per session per interval).</summary>
    public TimeSpan ActivityDebounce { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>At startup, adopt sessions whose sandbox survived the restart and end the others.</summary>
    public bool RecoverOnStartup { get; init; } = true;

    /// <summary>
    /// Stop every session when the server shuts down (their process-runtime sandboxes would die with it). False leaves
    /// them running for the next start to adopt (Docker containers survive a restart).
    /// </summary>
    public bool StopOnShutdown { get; init; } = true;
}

/// <summary>Runs and tears down sessions' sandboxes (implemented by the server's background worker).</summary>
public interface IPreviewSessionLauncher
{
    /// <summary>Queues the boot of a freshly created session (status <c>hydrating</c>); returns at once.</summary>
    void Launch(string sessionId);

    /// <summary>Stops the session: cancels a boot in progress, destroys its sandbox and records <c>stopped</c>. Idempotent.</summary>
    Task StopAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this process's edge proxied a request to the sandbox after <paramref name="since"/>, written as its
    /// session's heartbeat yet or not (writes are batched): a session is warm when either is fresh.
    /// </summary>
    bool ActiveSince(string sandboxId, DateTimeOffset since);
}
