namespace CrowNest.Sandboxes;

/// <summary>
/// Runs users' app dev servers inside isolated sandboxes. One implementation per isolation technology
/// (<c>process</c>: bubblewrap jail; <c>docker</c>: a container), selected by <c>Sandboxes:Runtime</c>.
/// </summary>
/// <remarks>
/// The runtime holds no database state: <see cref="ListAsync"/> reports what really exists so a control plane can
/// reconcile its records after a restart (destroy orphans, mark lost sandboxes). All failures surface as
/// <see cref="SandboxException"/> with a stable <see cref="SandboxErrorCode"/>.
/// </remarks>
public interface ISandboxRuntime
{
    /// <summary>The runtime kind: <c>process</c> or <c>docker</c>.</summary>
    string Kind { get; }

    /// <summary>Creates (and for docker, starts) an empty sandbox with the given limits and ports.</summary>
    Task<SandboxInfo> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Starts a shell command inside the sandbox; its output is captured from the first byte.</summary>
    Task<SandboxCommandInfo> StartCommandAsync(string sandboxId, SandboxCommandSpec command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams a command's stdout/stderr as ordered chunks, starting with the retained replay buffer
    /// (chunks with <see cref="OutputChunk.Sequence"/> greater than <paramref name="afterSequence"/>), then live
    /// output; completes when the command has exited and all output was delivered.
    /// </summary>
    IAsyncEnumerable<OutputChunk> StreamOutputAsync(string sandboxId, string commandId, long afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>Waits until the command exits and returns its final state (with <see cref="SandboxCommandInfo.ExitCode"/>).</summary>
    Task<SandboxCommandInfo> WaitForExitAsync(string sandboxId, string commandId, CancellationToken cancellationToken = default);

    /// <summary>Stops a command and everything it spawned: SIGTERM to its process group, SIGKILL after <paramref name="gracePeriod"/>.</summary>
    Task StopCommandAsync(string sandboxId, string commandId, TimeSpan gracePeriod, CancellationToken cancellationToken = default);

    /// <summary>Kills every process of the sandbox and removes its files/container. Idempotent.</summary>
    Task DestroyAsync(string sandboxId, CancellationToken cancellationToken = default);

    /// <summary>Returns the sandbox's current state, or <see langword="null"/> when it does not exist.</summary>
    Task<SandboxInfo?> InspectAsync(string sandboxId, CancellationToken cancellationToken = default);

    /// <summary>Current memory, CPU time and process count of the sandbox.</summary>
    Task<SandboxResourceUsage> GetResourceUsageAsync(string sandboxId, CancellationToken cancellationToken = default);

    /// <summary>Lists every sandbox this runtime's storage really holds, including ones created by a previous server instance.</summary>
    Task<IReadOnlyList<SandboxInfo>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes (creates or replaces) a file at a path relative to the sandbox's work directory.</summary>
    Task WriteFileAsync(string sandboxId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes several files at once (e.g. hydrating a sandbox): one archive upload for docker, one extraction for the
    /// process runtime, instead of a round trip per file.
    /// </summary>
    async Task WriteFilesAsync(string sandboxId, IReadOnlyList<SandboxFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
        {
            await WriteFileAsync(sandboxId, file.Path, file.Content, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes a file at a path relative to the sandbox's work directory; missing files are ignored.</summary>
    Task DeleteFileAsync(string sandboxId, string path, CancellationToken cancellationToken = default);
}
