namespace CrowNest.Platform.Sandboxes;

/// <summary>Sandbox API settings (section <c>SandboxApi</c>).</summary>
public sealed record SandboxApiOptions
{
    public const string Section = "SandboxApi";

    /// <summary>Lifetime of a sandbox created without <c>timeoutSeconds</c>.</summary>
    public int DefaultTimeoutSeconds { get; init; } = 3600;

    /// <summary>Largest accepted <c>timeoutSeconds</c>.</summary>
    public int MaxTimeoutSeconds { get; init; } = 86400;

    /// <summary>How often the reaper looks for expired sandboxes.</summary>
    public TimeSpan ReaperInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reconcile PostgreSQL with the runtime at startup (orphans destroyed, lost ones marked).</summary>
    public bool ReconcileOnStartup { get; init; } = true;

    /// <summary>
    /// Longest silence of a live output event stream before a keep-alive comment is sent, so proxies with idle
    /// timeouts (nginx: 60 s) keep the connection of a quiet command open.
    /// </summary>
    public TimeSpan StreamKeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Longest sleep of a live output event stream between two reads of <c>command_output</c>. Streams are woken
    /// when output is stored or the command exits (in this process directly, from others by NOTIFY); this slow poll
    /// only bounds the delay if a wake-up is ever lost.
    /// </summary>
    public TimeSpan StreamSafetyPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>SIGTERM-to-SIGKILL grace period of a killed command.</summary>
    public TimeSpan KillGracePeriod { get; init; } = TimeSpan.FromSeconds(2);
}
