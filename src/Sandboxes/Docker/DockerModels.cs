using System.Text.Json.Serialization;

namespace CrowNest.Sandboxes.Docker;

/// <summary>Serialises as <c>{}</c> (Docker's <c>ExposedPorts</c>/<c>Volumes</c> set members).</summary>
public sealed record DockerEmptyObject;

/// <summary>POST /containers/create body.</summary>
public sealed record ContainerCreateRequest
{
    /// <summary>Image name.</summary>
    public required string Image { get; init; }

    /// <summary>Command.</summary>
    public IReadOnlyList<string>? Cmd { get; init; }

    /// <summary>Environment as KEY=VALUE.</summary>
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>User (uid:gid).</summary>
    public string? User { get; init; }

    /// <summary>Working directory.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Exposed ports ("3000/tcp" → {}).</summary>
    public IReadOnlyDictionary<string, DockerEmptyObject>? ExposedPorts { get; init; }

    /// <summary>Host configuration (limits, ports).</summary>
    public HostConfig? HostConfig { get; init; }

    /// <summary>Allocate a TTY (false: multiplexed stdout/stderr).</summary>
    public bool Tty { get; init; }
}

/// <summary>Container host configuration.</summary>
public sealed record HostConfig
{
    /// <summary>Memory limit (bytes).</summary>
    public long? Memory { get; init; }

    /// <summary>Memory + swap limit; equal to <see cref="Memory"/> disables swap.</summary>
    public long? MemorySwap { get; init; }

    /// <summary>CPU quota in 1e-9 CPUs.</summary>
    public long? NanoCpus { get; init; }

    /// <summary>Process/thread limit.</summary>
    public long? PidsLimit { get; init; }

    /// <summary>rlimits.</summary>
    public IReadOnlyList<DockerUlimit>? Ulimits { get; init; }

    /// <summary>Port bindings ("3000/tcp" → host bindings).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DockerPortBinding>?>? PortBindings { get; init; }

    /// <summary>Capabilities to drop.</summary>
    public IReadOnlyList<string>? CapDrop { get; init; }

    /// <summary>Security options (e.g. no-new-privileges).</summary>
    public IReadOnlyList<string>? SecurityOpt { get; init; }

    /// <summary>Run docker-init as PID 1 (reaps zombies).</summary>
    public bool? Init { get; init; }

    /// <summary>tmpfs mounts (path → options).</summary>
    public IReadOnlyDictionary<string, string>? Tmpfs { get; init; }
}

/// <summary>An rlimit.</summary>
/// <param name="Name">Limit name (<c>cpu</c>, <c>nproc</c>, <c>nofile</c>…).</param>
/// <param name="Soft">Soft limit.</param>
/// <param name="Hard">Hard limit.</param>
public sealed record DockerUlimit(string Name, long Soft, long Hard);

/// <summary>A host port binding.</summary>
/// <param name="HostIp">Host address (127.0.0.1).</param>
/// <param name="HostPort">Host port; empty asks the daemon for a random one.</param>
public sealed record DockerPortBinding(string? HostIp, string? HostPort);

/// <summary>Response carrying an id (create container / exec).</summary>
public sealed record DockerIdResponse
{
    /// <summary>Id.</summary>
    public required string Id { get; init; }

    /// <summary>Warnings.</summary>
    public IReadOnlyList<string>? Warnings { get; init; }
}

/// <summary>GET /containers/{id}/json.</summary>
public sealed record ContainerInspectResponse
{
    /// <summary>Container id.</summary>
    public required string Id { get; init; }

    /// <summary>Name ("/name").</summary>
    public string? Name { get; init; }

    /// <summary>Creation time (RFC 3339).</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Runtime state.</summary>
    public ContainerState? State { get; init; }

    /// <summary>Configuration.</summary>
    public ContainerConfig? Config { get; init; }

    /// <summary>Host configuration.</summary>
    public HostConfig? HostConfig { get; init; }

    /// <summary>Network settings (published ports).</summary>
    public NetworkSettings? NetworkSettings { get; init; }

    /// <summary>Exec instances known for the container.</summary>
    public IReadOnlyList<string>? ExecIDs { get; init; }
}

/// <summary>Container state.</summary>
public sealed record ContainerState
{
    /// <summary>created, running, exited…</summary>
    public string? Status { get; init; }

    /// <summary>Running.</summary>
    public bool Running { get; init; }

    /// <summary>Killed by the OOM killer.</summary>
    public bool OOMKilled { get; init; }

    /// <summary>Host pid of PID 1.</summary>
    public int Pid { get; init; }

    /// <summary>Exit code.</summary>
    public int ExitCode { get; init; }
}

/// <summary>Container configuration.</summary>
public sealed record ContainerConfig
{
    /// <summary>Image.</summary>
    public string? Image { get; init; }

    /// <summary>Labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Environment.</summary>
    public IReadOnlyList<string>? Env { get; init; }
}

/// <summary>Network settings.</summary>
public sealed record NetworkSettings
{
    /// <summary>Published ports ("3000/tcp" → bindings).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DockerPortBinding>?>? Ports { get; init; }
}

/// <summary>An entry of GET /containers/json.</summary>
public sealed record ContainerSummary
{
    /// <summary>Id.</summary>
    public required string Id { get; init; }

    /// <summary>Names.</summary>
    public IReadOnlyList<string>? Names { get; init; }

    /// <summary>Image.</summary>
    public string? Image { get; init; }

    /// <summary>State (running, exited…).</summary>
    public string? State { get; init; }

    /// <summary>Labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>POST /containers/{id}/exec body.</summary>
public sealed record ExecCreateRequest
{
    /// <summary>Command.</summary>
    public required IReadOnlyList<string> Cmd { get; init; }

    /// <summary>Attach stdout.</summary>
    public bool AttachStdout { get; init; } = true;

    /// <summary>Attach stderr.</summary>
    public bool AttachStderr { get; init; } = true;

    /// <summary>Allocate a TTY.</summary>
    public bool Tty { get; init; }

    /// <summary>Environment.</summary>
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>Working directory.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>User.</summary>
    public string? User { get; init; }
}

/// <summary>POST /exec/{id}/start body.</summary>
/// <param name="Detach">Detach (no output stream).</param>
/// <param name="Tty">TTY.</param>
public sealed record ExecStartRequest(bool Detach, bool Tty);

/// <summary>GET /exec/{id}/json.</summary>
public sealed record ExecInspectResponse
{
    /// <summary>Exec id.</summary>
    [JsonPropertyName("ID")]
    public string? Id { get; init; }

    /// <summary>Still running.</summary>
    public bool Running { get; init; }

    /// <summary>Exit code once finished.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Host pid.</summary>
    public int Pid { get; init; }

    /// <summary>Process configuration.</summary>
    public ExecProcessConfig? ProcessConfig { get; init; }
}

/// <summary>Exec process configuration.</summary>
public sealed record ExecProcessConfig
{
    /// <summary>Entrypoint.</summary>
    [JsonPropertyName("entrypoint")]
    public string? Entrypoint { get; init; }

    /// <summary>Arguments.</summary>
    [JsonPropertyName("arguments")]
    public IReadOnlyList<string>? Arguments { get; init; }
}

/// <summary>GET /images/{name}/json (subset).</summary>
public sealed record ImageInspectResponse
{
    /// <summary>Image id.</summary>
    public required string Id { get; init; }

    /// <summary>Tags.</summary>
    public IReadOnlyList<string>? RepoTags { get; init; }

    /// <summary>Configuration (labels).</summary>
    public ContainerConfig? Config { get; init; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; init; }
}

/// <summary>GET /containers/{id}/stats?stream=false (subset).</summary>
public sealed record ContainerStatsResponse
{
    /// <summary>Memory.</summary>
    [JsonPropertyName("memory_stats")]
    public MemoryStats? MemoryStats { get; init; }

    /// <summary>CPU.</summary>
    [JsonPropertyName("cpu_stats")]
    public CpuStats? CpuStats { get; init; }

    /// <summary>Pids.</summary>
    [JsonPropertyName("pids_stats")]
    public PidsStats? PidsStats { get; init; }
}

/// <summary>Memory statistics.</summary>
public sealed record MemoryStats
{
    /// <summary>Usage in bytes (including page cache on cgroup v1).</summary>
    [JsonPropertyName("usage")]
    public long Usage { get; init; }

    /// <summary>Detailed counters.</summary>
    [JsonPropertyName("stats")]
    public IReadOnlyDictionary<string, long>? Stats { get; init; }
}

/// <summary>CPU statistics.</summary>
public sealed record CpuStats
{
    /// <summary>Usage.</summary>
    [JsonPropertyName("cpu_usage")]
    public CpuUsage? CpuUsage { get; init; }
}

/// <summary>CPU usage.</summary>
public sealed record CpuUsage
{
    /// <summary>Total CPU time in nanoseconds.</summary>
    [JsonPropertyName("total_usage")]
    public long TotalUsage { get; init; }
}

/// <summary>Pids statistics.</summary>
public sealed record PidsStats
{
    /// <summary>Current number of tasks.</summary>
    [JsonPropertyName("current")]
    public int Current { get; init; }
}

/// <summary>An entry of GET /events.</summary>
public sealed record DockerEvent
{
    /// <summary>Object type (container, image, network…).</summary>
    public string? Type { get; init; }

    /// <summary>Action (create, start, die, destroy…).</summary>
    public string? Action { get; init; }

    /// <summary>The object.</summary>
    public DockerEventActor? Actor { get; init; }

    /// <summary>Unix time in nanoseconds.</summary>
    [JsonPropertyName("timeNano")]
    public long TimeNano { get; init; }
}

/// <summary>The object an event is about.</summary>
public sealed record DockerEventActor
{
    /// <summary>Id.</summary>
    [JsonPropertyName("ID")]
    public string? Id { get; init; }

    /// <summary>Attributes (labels, name, exitCode…).</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }
}

/// <summary>GET /version (subset).</summary>
public sealed record DockerVersion
{
    /// <summary>Engine version.</summary>
    public string? Version { get; init; }

    /// <summary>Maximum API version.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>Minimum API version.</summary>
    public string? MinAPIVersion { get; init; }
}

/// <summary>Error body.</summary>
public sealed record DockerErrorResponse
{
    /// <summary>Message.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }
}

/// <summary>Which stream a multiplexed frame belongs to.</summary>
public enum DockerStreamType : byte
{
    /// <summary>stdin (echoed).</summary>
    Stdin = 0,

    /// <summary>stdout.</summary>
    Stdout = 1,

    /// <summary>stderr.</summary>
    Stderr = 2,

    // 3 (stdcopy's Systemerr) is never yielded: DockerClient.ReadFramesAsync throws the daemon's message instead.
}

/// <summary>One frame of a multiplexed (non-TTY) attach/logs stream.</summary>
/// <param name="Stream">Source stream.</param>
/// <param name="Payload">Bytes.</param>
public sealed record DockerStreamFrame(DockerStreamType Stream, ReadOnlyMemory<byte> Payload);

[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ContainerCreateRequest))]
[JsonSerializable(typeof(DockerIdResponse))]
[JsonSerializable(typeof(ContainerInspectResponse))]
[JsonSerializable(typeof(IReadOnlyList<ContainerSummary>))]
[JsonSerializable(typeof(ExecCreateRequest))]
[JsonSerializable(typeof(ExecStartRequest))]
[JsonSerializable(typeof(ExecInspectResponse))]
[JsonSerializable(typeof(ImageInspectResponse))]
[JsonSerializable(typeof(ContainerStatsResponse))]
[JsonSerializable(typeof(DockerEvent))]
[JsonSerializable(typeof(DockerVersion))]
[JsonSerializable(typeof(DockerErrorResponse))]
[JsonSerializable(typeof(Dictionary<string, IReadOnlyList<string>>))]
internal sealed partial class DockerJsonContext : JsonSerializerContext;
