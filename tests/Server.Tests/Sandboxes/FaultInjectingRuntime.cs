using CrowNest.Sandboxes;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>
/// The real runtime with failures on demand (the real one cannot be made to fail at will): while
/// <see cref="Fault"/> returns an exception for an operation's name, that operation throws it instead of running.
/// </summary>
internal sealed class FaultInjectingRuntime(ISandboxRuntime inner) : ISandboxRuntime
{
    public Func<string, Exception?>? Fault { get; set; }

    public string Kind => inner.Kind;

    public Task<SandboxInfo> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken = default)
    {
        Throw(nameof(CreateAsync));
        return inner.CreateAsync(spec, cancellationToken);
    }

    public Task<SandboxCommandInfo> StartCommandAsync(string sandboxId, SandboxCommandSpec command, CancellationToken cancellationToken = default)
    {
        Throw(nameof(StartCommandAsync));
        return inner.StartCommandAsync(sandboxId, command, cancellationToken);
    }

    public IAsyncEnumerable<OutputChunk> StreamOutputAsync(string sandboxId, string commandId, long afterSequence = 0, CancellationToken cancellationToken = default) =>
        inner.StreamOutputAsync(sandboxId, commandId, afterSequence, cancellationToken);

    public Task<SandboxCommandInfo> WaitForExitAsync(string sandboxId, string commandId, CancellationToken cancellationToken = default) =>
        inner.WaitForExitAsync(sandboxId, commandId, cancellationToken);

    public Task StopCommandAsync(string sandboxId, string commandId, TimeSpan gracePeriod, CancellationToken cancellationToken = default)
    {
        Throw(nameof(StopCommandAsync));
        return inner.StopCommandAsync(sandboxId, commandId, gracePeriod, cancellationToken);
    }

    public Task DestroyAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        Throw(nameof(DestroyAsync));
        return inner.DestroyAsync(sandboxId, cancellationToken);
    }

    public Task<SandboxInfo?> InspectAsync(string sandboxId, CancellationToken cancellationToken = default) => inner.InspectAsync(sandboxId, cancellationToken);

    public Task<SandboxResourceUsage> GetResourceUsageAsync(string sandboxId, CancellationToken cancellationToken = default) => inner.GetResourceUsageAsync(sandboxId, cancellationToken);

    public Task<IReadOnlyList<SandboxInfo>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

    public Task WriteFileAsync(string sandboxId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        inner.WriteFileAsync(sandboxId, path, content, cancellationToken);

    public Task WriteFilesAsync(string sandboxId, IReadOnlyList<SandboxFile> files, CancellationToken cancellationToken = default) =>
        inner.WriteFilesAsync(sandboxId, files, cancellationToken);

    public Task DeleteFileAsync(string sandboxId, string path, CancellationToken cancellationToken = default) => inner.DeleteFileAsync(sandboxId, path, cancellationToken);

    private void Throw(string operation)
    {
        if (Fault?.Invoke(operation) is { } fault)
        {
            throw fault;
        }
    }
}
