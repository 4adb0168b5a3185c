using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CrowNest.Sandboxes.Output;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrowNest.Sandboxes.Docker;

/// <summary>
/// Sandboxes as Docker containers (one long-lived container per sandbox, commands as execs), labelled
/// <c>dev.crownest.sandbox=&lt;id&gt;</c> and <c>dev.crownest.owner=&lt;installation&gt;</c> (see <see cref="SandboxOwner"/>), limited by memory/NanoCpus/pids/RLIMIT_CPU, ports published on 127.0.0.1
/// with random host ports. Files are uploaded with the archive API (works with any daemon, no host paths).
/// </summary>
public sealed partial class DockerSandboxRuntime : ISandboxRuntime, IDisposable
{
    /// <summary>Label carrying the sandbox id on every CrowNest container.</summary>
    public const string SandboxLabel = "dev.crownest.sandbox";

    /// <summary>Label carrying the owning installation's id (<see cref="SandboxOwner"/>) on every CrowNest container.</summary>
    public const string OwnerLabel = "dev.crownest.owner";

    private const string WorkDir = "/sandbox";
    private const string PidDir = "/tmp/.crownest";
    private const string ExecScript = "mkdir -p " + PidDir + " && echo $$ > " + PidDir + "/$1.pid && exec /bin/sh -c \"$2\"";
    private const string JailPath = "/usr/local/bin:/usr/bin:/bin";

    private readonly SandboxOptions _options;
    private readonly DockerRuntimeOptions _docker;
    private readonly DockerClient _client;
    private readonly ILogger<DockerSandboxRuntime> _logger;
    private readonly ConcurrentDictionary<(string Sandbox, string Command), LiveExec> _live = new();
    private readonly SandboxOwner _owner;
    private readonly ConcurrentDictionary<string, byte> _reportedUnowned = new(StringComparer.Ordinal);

    /// <summary>Creates the runtime; <paramref name="owner"/> defaults to <see cref="SandboxOptions.OwnerId"/>.</summary>
    public DockerSandboxRuntime(IOptions<SandboxOptions> options, ILogger<DockerSandboxRuntime> logger, SandboxOwner? owner = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _owner = owner ?? new SandboxOwner(options);
        _options = options.Value;
        _docker = _options.Docker;
        _client = new DockerClient(_docker.SocketPath, _docker.ApiVersion);
        _logger = logger;
    }

    /// <inheritdoc />
    public string Kind => "docker";

    /// <summary>The underlying API client.</summary>
    public DockerClient Client => _client;

    /// <inheritdoc />
    public async Task<SandboxInfo> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken = default)
    {
        var id = SandboxIds.Validate(spec.Id ?? SandboxIds.NewId());
        SandboxIds.ValidateSpec(spec);
        var limits = spec.Limits ?? _options.DefaultLimits;
        var owner = await _owner.GetAsync(cancellationToken).ConfigureAwait(false);
        await Call(async () =>
        {
            try
            {
                await _client.InspectImageAsync(_docker.Image, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerException ex) when (ex.Error == DockerError.NotFound)
            {
                throw new SandboxException(SandboxErrorCode.ImageNotFound, $"Sandbox image '{_docker.Image}' is missing: build it with scripts/sandbox-image/build.sh (nothing is pulled from a registry).", ex);
            }

            var env = new List<string> { "PATH=" + JailPath, "HOME=" + WorkDir, "LANG=C.UTF-8", "HOST=0.0.0.0", "CROWNEST_SANDBOX_ID=" + id };
            for (var i = 0; i < spec.Ports.Count; i++)
            {
                var port = spec.Ports[i].ToString(CultureInfo.InvariantCulture);
                env.Add("PORT_" + port + "=" + port);
                if (i == 0)
                {
                    env.Add("PORT=" + port);
                }
            }

            env.AddRange(spec.Environment.Select(kv => kv.Key + "=" + kv.Value));
            var published = spec.Ports.Count > 0 ? spec.Ports : _docker.DefaultPorts;
            var ulimits = new List<DockerUlimit>();
            if (limits.CpuTimePerProcess is { } cpu)
            {
                var seconds = Math.Max(1, (long)Math.Ceiling(cpu.TotalSeconds));
                ulimits.Add(new DockerUlimit("cpu", seconds, seconds));
            }

            var request = new ContainerCreateRequest
            {
                Image = _docker.Image,
                Cmd = ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"],
                Env = env,
                User = _docker.User,
                WorkingDir = WorkDir,
                Labels = new Dictionary<string, string> { [SandboxLabel] = id, [OwnerLabel] = owner },
                ExposedPorts = published.Distinct().ToDictionary(p => Key(p), _ => new DockerEmptyObject()),
                HostConfig = new HostConfig
                {
                    Memory = limits.MemoryBytes,
                    MemorySwap = limits.MemoryBytes,
                    NanoCpus = limits.Cpus is { } cpus ? (long)(cpus * 1e9) : null,
                    PidsLimit = limits.MaxProcesses,
                    Ulimits = ulimits,
                    PortBindings = published.Distinct().ToDictionary(p => Key(p), _ => (IReadOnlyList<DockerPortBinding>?)[new DockerPortBinding("127.0.0.1", "")]),
                    CapDrop = ["ALL"],
                    SecurityOpt = ["no-new-privileges"],
                    Init = true,
                    Tmpfs = new Dictionary<string, string> { ["/tmp"] = "rw,nosuid,size=256m,mode=1777" },
                },
            };
            try
            {
                await _client.CreateContainerAsync(ContainerName(id), request, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerException ex) when (ex.Error == DockerError.Conflict)
            {
                throw new SandboxException(SandboxErrorCode.AlreadyExists, $"Sandbox '{id}' already exists.", ex);
            }

            try
            {
                await _client.StartContainerAsync(ContainerName(id), CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerException)
            {
                // A created-but-unstartable container would only show up as a lost sandbox: remove it.
                await _client.RemoveContainerAsync(ContainerName(id), force: true, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }).ConfigureAwait(false);

        Log.Created(_logger, id);
        return await InspectAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new SandboxException(SandboxErrorCode.Internal, $"Sandbox '{id}' vanished right after creation.");
    }

    /// <inheritdoc />
    public async Task<SandboxCommandInfo> StartCommandAsync(string sandboxId, SandboxCommandSpec command, CancellationToken cancellationToken = default)
    {
        var container = await InspectContainerAsync(sandboxId, cancellationToken).ConfigureAwait(false);
        if (container.State?.Running != true)
        {
            throw new SandboxException(SandboxErrorCode.SandboxNotFound, $"Sandbox '{sandboxId}' is not running.");
        }

        SandboxIds.ValidateEnvironment(command.Environment);
        var commandId = "cmd-" + Guid.NewGuid().ToString("N")[..12];
        var workingDirectory = command.WorkingDirectory is null ? WorkDir : WorkDir + "/" + SandboxIds.NormalizeRelativePath(command.WorkingDirectory);
        var live = await Call(async () =>
        {
            var exec = await _client.CreateExecAsync(container.Id, new ExecCreateRequest
            {
                // The exec'd process is a session leader (runc setsid), so its pid is the group to signal on stop.
                Cmd = ["/bin/sh", "-c", ExecScript, "crownest", commandId, command.Command],
                Env = [.. command.Environment.Select(kv => kv.Key + "=" + kv.Value)],
                WorkingDir = workingDirectory,
                User = _docker.User,
            }, cancellationToken).ConfigureAwait(false);
            var stream = await _client.StartExecAttachedAsync(exec.Id, cancellationToken).ConfigureAwait(false);
            return new LiveExec(commandId, command.Command, exec.Id, container.Id, new OutputLog(_options.OutputReplayBytes), DateTimeOffset.UtcNow, stream);
        }).ConfigureAwait(false);

        live.Completion = Task.Run(() => PumpAsync(sandboxId, live), CancellationToken.None);
        _live[(sandboxId, commandId)] = live;
        Log.CommandStarted(_logger, sandboxId, commandId, live.ExecId);
        return live.Info;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<OutputChunk> StreamOutputAsync(string sandboxId, string commandId, long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!_live.TryGetValue((sandboxId, commandId), out var live))
        {
            throw new SandboxException(SandboxErrorCode.CommandNotFound, $"Output of command '{commandId}' in sandbox '{sandboxId}' is not available.");
        }

        await foreach (var chunk in live.Output.ReadAsync(afterSequence, cancellationToken).ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    /// <inheritdoc />
    public async Task<SandboxCommandInfo> WaitForExitAsync(string sandboxId, string commandId, CancellationToken cancellationToken = default)
    {
        if (_live.TryGetValue((sandboxId, commandId), out var live))
        {
            await live.Completion!.WaitAsync(cancellationToken).ConfigureAwait(false);
            return live.Info;
        }

        while (true)
        {
            var info = (await InspectAsync(sandboxId, cancellationToken).ConfigureAwait(false))?.Commands.FirstOrDefault(c => c.Id == commandId)
                ?? throw new SandboxException(SandboxErrorCode.CommandNotFound, $"Command '{commandId}' does not exist in sandbox '{sandboxId}'.");
            if (info.State != SandboxCommandState.Running)
            {
                return info;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task StopCommandAsync(string sandboxId, string commandId, TimeSpan gracePeriod, CancellationToken cancellationToken = default)
    {
        var container = await InspectContainerAsync(sandboxId, cancellationToken).ConfigureAwait(false);
        if (container.State?.Running != true)
        {
            return;
        }

        var signal = "pid=$(cat " + PidDir + "/$1.pid 2>/dev/null) && kill -$2 -$pid 2>/dev/null; kill -0 -$pid 2>/dev/null";
        await ExecAsync(container.Id, ["/bin/sh", "-c", signal, "crownest", commandId, "TERM"], cancellationToken).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + gracePeriod;
        while (DateTime.UtcNow < deadline)
        {
            var (alive, _) = await ExecAsync(container.Id, ["/bin/sh", "-c", signal, "crownest", commandId, "0"], cancellationToken).ConfigureAwait(false);
            if (alive != 0)
            {
                break;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        await ExecAsync(container.Id, ["/bin/sh", "-c", signal, "crownest", commandId, "KILL"], cancellationToken).ConfigureAwait(false);
        if (_live.TryGetValue((sandboxId, commandId), out var live))
        {
            await live.Completion!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        Log.CommandStopped(_logger, sandboxId, commandId);
    }

    /// <inheritdoc />
    public async Task DestroyAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        SandboxIds.Validate(sandboxId);
        await Call(async () =>
        {
            try
            {
                await _client.RemoveContainerAsync(ContainerName(sandboxId), force: true, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerException ex) when (ex.Error == DockerError.NotFound)
            {
            }
        }).ConfigureAwait(false);

        foreach (var key in _live.Keys.Where(k => k.Sandbox == sandboxId).ToList())
        {
            if (_live.TryRemove(key, out var live))
            {
                await live.Completion!.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            }
        }

        Log.Destroyed(_logger, sandboxId);
    }

    /// <inheritdoc />
    public async Task<SandboxInfo?> InspectAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        SandboxIds.Validate(sandboxId);
        try
        {
            var container = await InspectContainerAsync(sandboxId, cancellationToken).ConfigureAwait(false);
            return await ToInfoAsync(sandboxId, container, cancellationToken).ConfigureAwait(false);
        }
        catch (SandboxException ex) when (ex.Code == SandboxErrorCode.SandboxNotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<SandboxResourceUsage> GetResourceUsageAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        var container = await InspectContainerAsync(sandboxId, cancellationToken).ConfigureAwait(false);
        var stats = await Call(() => _client.GetContainerStatsAsync(container.Id, cancellationToken)).ConfigureAwait(false);
        var memory = stats.MemoryStats?.Usage ?? 0;
        if (stats.MemoryStats?.Stats is { } detail && (detail.GetValueOrDefault("total_inactive_file") is var inactive and > 0))
        {
            memory -= Math.Min(memory, inactive);
        }

        return new SandboxResourceUsage(memory, TimeSpan.FromTicks((stats.CpuStats?.CpuUsage?.TotalUsage ?? 0) / 100), stats.PidsStats?.Current ?? 0);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SandboxInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var owner = await _owner.GetAsync(cancellationToken).ConfigureAwait(false);
        var containers = await Call(() => _client.ListContainersAsync(true, [SandboxLabel], cancellationToken)).ConfigureAwait(false);
        var result = new List<SandboxInfo>();
        foreach (var summary in containers)
        {
            if (summary.Labels?.GetValueOrDefault(SandboxLabel) is not { } id)
            {
                continue;
            }

            // Another installation's container (a second server or the test run on the same dockerd): not ours to
            // reconcile. One from a version before owner labels: nobody can tell whose it is, so leave it and say so.
            var containerOwner = summary.Labels.GetValueOrDefault(OwnerLabel);
            if (containerOwner is null)
            {
                if (_reportedUnowned.TryAdd(summary.Id, 0))
                {
                    Log.UnownedContainer(_logger, summary.Id, id, OwnerLabel);
                }

                continue;
            }

            if (containerOwner != owner)
            {
                continue;
            }

            try
            {
                var container = await Call(() => _client.InspectContainerAsync(summary.Id, cancellationToken)).ConfigureAwait(false);
                result.Add(await ToInfoAsync(id, container, cancellationToken).ConfigureAwait(false));
            }
            catch (SandboxException ex) when (ex.Code == SandboxErrorCode.SandboxNotFound)
            {
                // Removed while listing.
            }
        }

        return result;
    }

    /// <inheritdoc />
    public Task WriteFileAsync(string sandboxId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        WriteFilesAsync(sandboxId, [new SandboxFile(path, content)], cancellationToken);

    /// <inheritdoc />
    public async Task WriteFilesAsync(string sandboxId, IReadOnlyList<SandboxFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var container = ContainerName(SandboxIds.Validate(sandboxId));
        using var tar = ArchiveFor(files);
        await Call(() => _client.PutArchiveAsync(container, WorkDir, tar, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>One tar archive of <paramref name="files"/> (and their parent directories) owned by the sandbox user.</summary>
    private MemoryStream ArchiveFor(IReadOnlyList<SandboxFile> files)
    {
        var (uid, gid) = ParseUser(_docker.User);
        var now = DateTimeOffset.UtcNow;
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var directories = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var relative = SandboxIds.NormalizeRelativePath(file.Path);
                var segments = relative.Split('/');
                for (var i = 1; i < segments.Length; i++)
                {
                    var directory = string.Join('/', segments[..i]) + "/";
                    if (directories.Add(directory))
                    {
                        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, directory) { Uid = uid, Gid = gid, Mode = (UnixFileMode)0b111_101_101, ModificationTime = now });
                    }
                }

                using var data = new MemoryStream(file.Content.ToArray(), writable: false);
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, relative) { Uid = uid, Gid = gid, Mode = (UnixFileMode)0b110_100_100, ModificationTime = now, DataStream = data });
            }
        }

        tar.Position = 0;
        return tar;
    }

    /// <inheritdoc />
    public async Task DeleteFileAsync(string sandboxId, string path, CancellationToken cancellationToken = default)
    {
        var relative = SandboxIds.NormalizeRelativePath(path);
        var container = await InspectContainerAsync(sandboxId, cancellationToken).ConfigureAwait(false);
        var (exitCode, output) = await ExecAsync(container.Id, ["rm", "-f", "--", WorkDir + "/" + relative], cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new SandboxException(SandboxErrorCode.InvalidArgument, $"Deleting '{relative}' failed: {output.Trim()}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private async Task PumpAsync(string sandboxId, LiveExec live)
    {
        var decoders = new[] { Encoding.UTF8.GetDecoder(), Encoding.UTF8.GetDecoder(), Encoding.UTF8.GetDecoder() };
        try
        {
            await foreach (var frame in DockerClient.ReadFramesAsync(live.Stream).ConfigureAwait(false))
            {
                var kind = frame.Stream == DockerStreamType.Stderr ? OutputStream.Stderr : OutputStream.Stdout;
                var decoder = decoders[(int)frame.Stream % 3];
                var chars = new char[decoder.GetCharCount(frame.Payload.Span, flush: false)];
                var count = decoder.GetChars(frame.Payload.Span, chars, flush: false);
                live.Output.Append(kind, new string(chars, 0, count));
            }
        }
        catch (DockerException ex)
        {
            // Connection dropped (container removed, daemon restarted) or a broken stream: the exit code below tells
            // what happened to the process; the log says the output may be incomplete.
            Log.OutputLost(_logger, sandboxId, live.CommandId, ex.Message);
        }
        finally
        {
            await live.Stream.DisposeAsync().ConfigureAwait(false);
        }

        int? exitCode = null;
        try
        {
            for (var attempt = 0; attempt < 50 && exitCode is null; attempt++)
            {
                var inspect = await _client.InspectExecAsync(live.ExecId).ConfigureAwait(false);
                exitCode = inspect.Running ? null : inspect.ExitCode;
                if (exitCode is null)
                {
                    await Task.Delay(20).ConfigureAwait(false);
                }
            }
        }
        catch (DockerException)
        {
            // Container gone: the exec died with it.
        }

        live.ExitCode = exitCode ?? 137;
        live.Output.Complete();
        Log.CommandExited(_logger, sandboxId, live.CommandId, live.ExitCode.Value);
    }

    private async Task<(int ExitCode, string Output)> ExecAsync(string containerId, IReadOnlyList<string> cmd, CancellationToken cancellationToken)
    {
        return await Call(async () =>
        {
            var exec = await _client.CreateExecAsync(containerId, new ExecCreateRequest { Cmd = cmd, User = _docker.User, WorkingDir = WorkDir }, cancellationToken).ConfigureAwait(false);
            var output = new StringBuilder();
            await using (var stream = await _client.StartExecAttachedAsync(exec.Id, cancellationToken).ConfigureAwait(false))
            {
                await foreach (var frame in DockerClient.ReadFramesAsync(stream, cancellationToken).ConfigureAwait(false))
                {
                    output.Append(Encoding.UTF8.GetString(frame.Payload.Span));
                }
            }

            for (var attempt = 0; attempt < 50; attempt++)
            {
                var inspect = await _client.InspectExecAsync(exec.Id, cancellationToken).ConfigureAwait(false);
                if (!inspect.Running && inspect.ExitCode is { } code)
                {
                    return (code, output.ToString());
                }

                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            return (-1, output.ToString());
        }).ConfigureAwait(false);
    }

    private async Task<ContainerInspectResponse> InspectContainerAsync(string sandboxId, CancellationToken cancellationToken)
    {
        SandboxIds.Validate(sandboxId);
        try
        {
            return await Call(() => _client.InspectContainerAsync(ContainerName(sandboxId), cancellationToken)).ConfigureAwait(false);
        }
        catch (SandboxException ex) when (ex.InnerException is DockerException { Error: DockerError.NotFound })
        {
            throw new SandboxException(SandboxErrorCode.SandboxNotFound, $"Sandbox '{sandboxId}' does not exist.", ex.InnerException);
        }
    }

    private async Task<SandboxInfo> ToInfoAsync(string sandboxId, ContainerInspectResponse container, CancellationToken cancellationToken)
    {
        var commands = new Dictionary<string, SandboxCommandInfo>();
        foreach (var live in _live.Values.Where(l => l.ContainerId == container.Id))
        {
            commands[live.CommandId] = live.Info;
        }

        // Execs started by a previous runtime instance: recover id and command line from the exec's arguments.
        foreach (var execId in container.ExecIDs ?? [])
        {
            try
            {
                var exec = await _client.InspectExecAsync(execId, cancellationToken).ConfigureAwait(false);
                var args = exec.ProcessConfig?.Arguments;
                if (args is [_, ExecScript, _, var commandId, var commandLine] && !commands.ContainsKey(commandId))
                {
                    commands[commandId] = new SandboxCommandInfo
                    {
                        Id = commandId,
                        Command = commandLine,
                        State = exec.Running ? SandboxCommandState.Running : SandboxCommandState.Exited,
                        ExitCode = exec.Running ? null : exec.ExitCode,
                        StartedAt = container.Created,
                        Pid = exec.Pid,
                    };
                }
            }
            catch (DockerException)
            {
                // Exec garbage-collected meanwhile.
            }
        }

        var running = container.State?.Running == true;
        var ports = new List<SandboxPort>();
        foreach (var (key, bindings) in container.NetworkSettings?.Ports ?? new Dictionary<string, IReadOnlyList<DockerPortBinding>?>())
        {
            var port = int.Parse(key.Split('/')[0], CultureInfo.InvariantCulture);
            if (bindings?.FirstOrDefault(b => int.TryParse(b.HostPort, CultureInfo.InvariantCulture, out _)) is { } binding)
            {
                ports.Add(new SandboxPort(port, int.Parse(binding.HostPort!, CultureInfo.InvariantCulture), port));
            }
        }

        var host = container.HostConfig;
        var cpuLimit = host?.Ulimits?.FirstOrDefault(u => u.Name == "cpu");
        return new SandboxInfo
        {
            Id = sandboxId,
            Runtime = Kind,
            State = !running ? SandboxState.Lost : commands.Values.Any(c => c.State == SandboxCommandState.Running) ? SandboxState.Running : SandboxState.Idle,
            CreatedAt = container.Created,
            Ports = [.. ports.OrderBy(p => p.Port)],
            Commands = [.. commands.Values.OrderBy(c => c.StartedAt)],
            Limits = new SandboxLimits
            {
                MemoryBytes = host?.Memory ?? 0,
                MaxProcesses = (int)(host?.PidsLimit ?? 0),
                Cpus = host?.NanoCpus is > 0 and var nano ? nano / 1e9 : null,
                CpuTimePerProcess = cpuLimit is null ? null : TimeSpan.FromSeconds(cpuLimit.Soft),
            },
            Location = container.Id,
        };
    }

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (DockerException ex)
        {
            throw Translate(ex);
        }
    }

    private static async Task Call(Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (DockerException ex)
        {
            throw Translate(ex);
        }
    }

    private static SandboxException Translate(DockerException ex) => ex.Error switch
    {
        DockerError.DaemonUnavailable => new SandboxException(SandboxErrorCode.RuntimeUnavailable, ex.Message, ex),
        DockerError.NotFound => new SandboxException(SandboxErrorCode.SandboxNotFound, ex.Message, ex),
        DockerError.Conflict => new SandboxException(SandboxErrorCode.AlreadyExists, ex.Message, ex),
        DockerError.BadRequest => new SandboxException(SandboxErrorCode.InvalidArgument, ex.Message, ex),
        _ => new SandboxException(SandboxErrorCode.Internal, ex.Message, ex),
    };

    private static (int Uid, int Gid) ParseUser(string user)
    {
        var parts = user.Split(':');
        var uid = int.TryParse(parts[0], CultureInfo.InvariantCulture, out var u) ? u : 0;
        var gid = parts.Length > 1 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var g) ? g : uid;
        return (uid, gid);
    }

    private static string Key(int port) => port.ToString(CultureInfo.InvariantCulture) + "/tcp";

    private static string ContainerName(string sandboxId) => "crownest-" + sandboxId;

    private sealed class LiveExec(string commandId, string command, string execId, string containerId, OutputLog output, DateTimeOffset startedAt, Stream stream)
    {
        public string CommandId { get; } = commandId;

        public string ExecId { get; } = execId;

        public string ContainerId { get; } = containerId;

        public OutputLog Output { get; } = output;

        public Stream Stream { get; } = stream;

        public Task? Completion { get; set; }

        public int? ExitCode { get; set; }

        public SandboxCommandInfo Info => new()
        {
            Id = CommandId,
            Command = command,
            State = ExitCode is null ? SandboxCommandState.Running : SandboxCommandState.Exited,
            ExitCode = ExitCode,
            StartedAt = startedAt,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(101, LogLevel.Information, "Created docker sandbox {SandboxId}")]
        public static partial void Created(ILogger logger, string sandboxId);

        [LoggerMessage(102, LogLevel.Information, "Started command {CommandId} in sandbox {SandboxId} (exec {ExecId})")]
        public static partial void CommandStarted(ILogger logger, string sandboxId, string commandId, string execId);

        [LoggerMessage(103, LogLevel.Information, "Command {CommandId} in sandbox {SandboxId} exited with {ExitCode}")]
        public static partial void CommandExited(ILogger logger, string sandboxId, string commandId, int exitCode);

        [LoggerMessage(104, LogLevel.Information, "Stopped command {CommandId} in sandbox {SandboxId}")]
        public static partial void CommandStopped(ILogger logger, string sandboxId, string commandId);

        [LoggerMessage(105, LogLevel.Information, "Destroyed sandbox {SandboxId}")]
        public static partial void Destroyed(ILogger logger, string sandboxId);

        [LoggerMessage(106, LogLevel.Warning, "Container {ContainerId} (sandbox {SandboxId}) has no {OwnerLabel} label (created by an older CrowNest): left alone; remove it with 'docker rm -f' if it is not needed")]
        public static partial void UnownedContainer(ILogger logger, string containerId, string sandboxId, string ownerLabel);

        [LoggerMessage(107, LogLevel.Warning, "Output of command {CommandId} in sandbox {SandboxId} may be incomplete: {Reason}")]
        public static partial void OutputLost(ILogger logger, string sandboxId, string commandId, string reason);
    }
}
