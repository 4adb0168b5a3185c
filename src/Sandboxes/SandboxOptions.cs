namespace CrowNest.Sandboxes;

/// <summary>Options bound from configuration section <c>Sandboxes</c>.</summary>
public sealed record SandboxOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Sandboxes";

    /// <summary><c>process</c> (bubblewrap jail, default) or <c>docker</c>.</summary>
    public string Runtime { get; init; } = "process";

    /// <summary>
    /// Stable id of this installation, marked on every sandbox; reconciliation only sees sandboxes with this owner, so
    /// installations sharing a dockerd or a process root leave each other's sandboxes alone. When empty the host
    /// supplies one (CrowNest: generated once per database, table <c>installation</c>).
    /// </summary>
    public string? OwnerId { get; init; }

    /// <summary>Development only: run process sandboxes without bubblewrap when it is missing (no isolation at all).</summary>
    public bool AllowUnisolated { get; init; }

    /// <summary>Limits used when <see cref="SandboxSpec.Limits"/> is null.</summary>
    public SandboxLimits DefaultLimits { get; init; } = new();

    /// <summary>Bytes of output retained per command for late subscribers (oldest chunks dropped first).</summary>
    public int OutputReplayBytes { get; init; } = 1024 * 1024;

    /// <summary>Process runtime options.</summary>
    public ProcessRuntimeOptions Process { get; init; } = new();

    /// <summary>Docker runtime options.</summary>
    public DockerRuntimeOptions Docker { get; init; } = new();
}

/// <summary>Options of the <c>process</c> runtime.</summary>
public sealed record ProcessRuntimeOptions
{
    /// <summary>Directory holding one sub-directory per sandbox (state file + work directory).</summary>
    public string RootDirectory { get; init; } = "/var/lib/crownest/sandboxes";

    /// <summary>Path of the bubblewrap binary.</summary>
    public string BubblewrapPath { get; init; } = "/usr/bin/bwrap";

    /// <summary>Use cgroups (v2 or v1 hierarchies that are writable) for memory, pids and CPU accounting.</summary>
    public bool UseCgroups { get; init; } = true;

    /// <summary>First UID of the range sandboxes run as when the server runs as root (one UID per sandbox).</summary>
    public int UidRangeStart { get; init; } = 200_000;

    /// <summary>Number of UIDs in the range (= maximum number of concurrent sandboxes).</summary>
    public int UidRangeSize { get; init; } = 10_000;

    /// <summary>
    /// Machine-wide directory of UID leases (one locked file per UID in use), shared by every runtime on the host so
    /// two servers never run sandboxes as the same UID.
    /// </summary>
    public string UidLeaseDirectory { get; init; } = "/run/crownest/uid-leases";

    /// <summary>Extra host paths bound read-only into every jail (e.g. a shared toolchain).</summary>
    public IReadOnlyList<string> ExtraReadOnlyBinds { get; init; } = [];
}

/// <summary>Options of the <c>docker</c> runtime.</summary>
public sealed record DockerRuntimeOptions
{
    /// <summary>Docker Engine unix socket.</summary>
    public string SocketPath { get; init; } = "/var/run/docker.sock";

    /// <summary>Engine API version the client speaks (dockerd 20.10 supports up to 1.41).</summary>
    public string ApiVersion { get; init; } = "1.41";

    /// <summary>Sandbox image (built offline by <c>scripts/sandbox-image/build.sh</c>).</summary>
    public string Image { get; init; } = "crownest-sandbox:latest";

    /// <summary>User the container and its commands run as.</summary>
    public string User { get; init; } = "1000:1000";

    /// <summary>
    /// Container ports published (on random 127.0.0.1 host ports) when <see cref="SandboxSpec.Ports"/> is empty, as for
    /// <c>/v1</c> sandboxes whose preview ports are chosen later: a container's ports can only be published at creation.
    /// </summary>
    public IReadOnlyList<int> DefaultPorts { get; init; } = [3000, 4000, 5000, 5173, 8000, 8080];
}
