namespace CrowNest.Sandboxes;

/// <summary>What to create.</summary>
public sealed record SandboxSpec
{
    /// <summary>Sandbox id (lowercase letters, digits, '-'; max 48 chars); generated when <see langword="null"/>.</summary>
    public string? Id { get; init; }

    /// <summary>Limits; <see langword="null"/> uses <see cref="SandboxOptions.DefaultLimits"/>.</summary>
    public SandboxLimits? Limits { get; init; }

    /// <summary>
    /// Ports the app listens on inside the sandbox. Each gets a host port on 127.0.0.1 reported in
    /// <see cref="SandboxInfo.Ports"/>; commands receive the port to listen on in <c>PORT</c> (first port) and
    /// <c>PORT_&lt;n&gt;</c>. Listen on <c>$PORT</c>: the process runtime shares the host network, so its port differs.
    /// </summary>
    public IReadOnlyList<int> Ports { get; init; } = [];

    /// <summary>Environment variables for every command.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>Resource limits of one sandbox.</summary>
public sealed record SandboxLimits
{
    /// <summary>Memory limit in bytes (cgroup memory limit, docker <c>Memory</c>; RLIMIT_AS when no cgroup is writable).</summary>
    public long MemoryBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Maximum number of processes/threads (cgroup <c>pids.max</c>, docker <c>PidsLimit</c>; RLIMIT_NPROC on a dedicated UID otherwise).</summary>
    public int MaxProcesses { get; init; } = 256;

    /// <summary>CPU time each process may consume (RLIMIT_CPU, docker ulimit <c>cpu</c>); <see langword="null"/> = unlimited.</summary>
    public TimeSpan? CpuTimePerProcess { get; init; }

    /// <summary>CPU share in cores (docker <c>NanoCpus</c>, cgroup cpu quota when writable); <see langword="null"/> = unlimited.</summary>
    public double? Cpus { get; init; }
}

/// <summary>A command to run with <c>/bin/sh -c</c> in the sandbox's work directory.</summary>
public sealed record SandboxCommandSpec
{
    /// <summary>Shell command line, e.g. <c>npm run dev</c>.</summary>
    public required string Command { get; init; }

    /// <summary>Extra environment variables (override the sandbox's).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Working directory relative to the work directory; <see langword="null"/> = the work directory.</summary>
    public string? WorkingDirectory { get; init; }
}

/// <summary>Lifecycle state of a sandbox.</summary>
public enum SandboxState
{
    /// <summary>Exists, no command running.</summary>
    Idle,

    /// <summary>At least one command is running.</summary>
    Running,

    /// <summary>The container/jail is gone or stopped unexpectedly (e.g. killed with the previous server).</summary>
    Lost,
}

/// <summary>State of a command.</summary>
public enum SandboxCommandState
{
    /// <summary>Running.</summary>
    Running,

    /// <summary>Exited (see exit code).</summary>
    Exited,

    /// <summary>State unknown: started by a previous runtime instance and no longer observable.</summary>
    Unknown,
}

/// <summary>A port mapping: the app's port in the sandbox and the host port on 127.0.0.1 to reach it.</summary>
/// <param name="Port">Port requested in <see cref="SandboxSpec.Ports"/>.</param>
/// <param name="HostPort">Port on 127.0.0.1 of the host.</param>
/// <param name="ListenPort">Port the app must listen on inside the sandbox (passed as <c>PORT</c>).</param>
public sealed record SandboxPort(int Port, int HostPort, int ListenPort);

/// <summary>A sandbox as the runtime sees it.</summary>
public sealed record SandboxInfo
{
    /// <summary>Sandbox id.</summary>
    public required string Id { get; init; }

    /// <summary>Runtime kind that owns it.</summary>
    public required string Runtime { get; init; }

    /// <summary>Current state.</summary>
    public required SandboxState State { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Port mappings.</summary>
    public IReadOnlyList<SandboxPort> Ports { get; init; } = [];

    /// <summary>Commands known to the runtime.</summary>
    public IReadOnlyList<SandboxCommandInfo> Commands { get; init; } = [];

    /// <summary>Effective limits.</summary>
    public required SandboxLimits Limits { get; init; }

    /// <summary>Runtime-specific location: work directory (process) or container id (docker).</summary>
    public string? Location { get; init; }
}

/// <summary>A command as the runtime sees it.</summary>
public sealed record SandboxCommandInfo
{
    /// <summary>Command id, unique within the sandbox.</summary>
    public required string Id { get; init; }

    /// <summary>The command line.</summary>
    public required string Command { get; init; }

    /// <summary>State.</summary>
    public required SandboxCommandState State { get; init; }

    /// <summary>Exit code once exited (128 + signal number when killed by a signal).</summary>
    public int? ExitCode { get; init; }

    /// <summary>Start time.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Host process id of the command's jail (process runtime) or in-container pid (docker).</summary>
    public int? Pid { get; init; }
}

/// <summary>Resource usage snapshot.</summary>
/// <param name="MemoryBytes">Memory in use (bytes).</param>
/// <param name="CpuTime">CPU time consumed.</param>
/// <param name="Processes">Number of processes/threads.</param>
public sealed record SandboxResourceUsage(long MemoryBytes, TimeSpan CpuTime, int Processes);

/// <summary>Which stream a chunk came from.</summary>
public enum OutputStream
{
    /// <summary>Standard output.</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,
}

/// <summary>A piece of a command's output.</summary>
/// <param name="Sequence">1-based, strictly increasing per command across both streams.</param>
/// <param name="Stream">Source stream.</param>
/// <param name="Text">UTF-8 decoded text (multi-byte characters are never split).</param>
/// <param name="At">When the chunk was read.</param>
public sealed record OutputChunk(long Sequence, OutputStream Stream, string Text, DateTimeOffset At);

/// <summary>A file to write into a sandbox's work directory.</summary>
/// <param name="Path">Path relative to the work directory ('/'-separated, no '..').</param>
/// <param name="Content">File content.</param>
public sealed record SandboxFile(string Path, ReadOnlyMemory<byte> Content);
