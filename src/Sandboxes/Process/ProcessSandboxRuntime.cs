using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using CrowNest.Sandboxes.Output;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrowNest.Sandboxes.Process;

/// <summary>
/// Sandboxes as private directories run in bubblewrap jails (own mount/PID/IPC/UTS namespaces, host network),
/// each as a dedicated unprivileged UID, limited by cgroups (memory, pids, CPU) and rlimits (CPU time, NPROC).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class ProcessSandboxRuntime : ISandboxRuntime
{
    private const string WorkMount = "/sandbox";
    private const string StateFile = "state.json";
    private const string JailPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static readonly SemaphoreSlim CreateLock = new(1, 1);

    private readonly SandboxOptions _options;
    private readonly ProcessRuntimeOptions _process;
    private readonly ILogger<ProcessSandboxRuntime> _logger;
    private readonly Lazy<Cgroups> _cgroups;
    private readonly bool _isRoot = LinuxNative.EffectiveUid() == 0;
    private readonly ConcurrentDictionary<(string Sandbox, string Command), LiveCommand> _live = new();
    private readonly SemaphoreSlim _stateLock = new(1, 1);
    private readonly UidLeases _uids;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _destroying = new(StringComparer.Ordinal);
    private readonly SandboxOwner _owner;
    private readonly ConcurrentDictionary<string, byte> _reportedUnowned = new(StringComparer.Ordinal);
    private int _adopted;

    /// <summary>Creates the runtime; <paramref name="owner"/> defaults to <see cref="SandboxOptions.OwnerId"/>.</summary>
    public ProcessSandboxRuntime(IOptions<SandboxOptions> options, ILogger<ProcessSandboxRuntime> logger, SandboxOwner? owner = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _owner = owner ?? new SandboxOwner(options);
        _options = options.Value;
        _process = _options.Process;
        _logger = logger;
        _cgroups = new Lazy<Cgroups>(() => _process.UseCgroups ? Cgroups.Detect() : Cgroups.None);
        _uids = new UidLeases(_process.UidLeaseDirectory);
    }

    /// <inheritdoc />
    public string Kind => "process";

    /// <summary>Whether bubblewrap is present (otherwise sandboxes run unisolated if allowed, or are refused).</summary>
    public bool IsolationAvailable => File.Exists(_process.BubblewrapPath);

    /// <inheritdoc />
    public async Task<SandboxInfo> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken = default)
    {
        var id = SandboxIds.Validate(spec.Id ?? SandboxIds.NewId());
        if (!IsolationAvailable && !_options.AllowUnisolated)
        {
            throw new SandboxException(SandboxErrorCode.IsolationUnavailable,
                $"bubblewrap was not found at '{_process.BubblewrapPath}': process sandboxes need it for isolation. Install bubblewrap, or set Sandboxes:AllowUnisolated=true (development only, no isolation).");
        }

        SandboxIds.ValidateSpec(spec);
        var limits = spec.Limits ?? _options.DefaultLimits;
        if (limits.MemoryBytes < 16 * 1024 * 1024 || limits.MaxProcesses < 4)
        {
            throw new SandboxException(SandboxErrorCode.InvalidArgument, "Limits too small: at least 16 MiB memory and 4 processes.");
        }

        var owner = await _owner.GetAsync(cancellationToken).ConfigureAwait(false);
        await CreateLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(_process.RootDirectory);
            File.SetUnixFileMode(_process.RootDirectory, (UnixFileMode)0b111_001_001);
            var dir = SandboxDir(id);
            if (Directory.Exists(dir))
            {
                throw new SandboxException(SandboxErrorCode.AlreadyExists, $"Sandbox '{id}' already exists.");
            }

            int? uid = _isRoot ? AllocateUid() : null;
            try
            {
                return CreateUnderLock(id, owner, dir, uid, limits, spec);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (uid is { } taken)
                {
                    _uids.Release(taken);
                }

                // Leave nothing half-created behind: an orphan directory without state would be invisible to ListAsync.
                await Cgroups.KillAndRemoveAsync([.. _cgroups.Value.Parents.Values.Select(p => Path.Combine(p, id))], CancellationToken.None).ConfigureAwait(false);
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }

                throw new SandboxException(SandboxErrorCode.StartFailed, $"Creating sandbox '{id}' failed: {ex.Message}", ex);
            }
        }
        finally
        {
            CreateLock.Release();
        }
    }

    private SandboxInfo CreateUnderLock(string id, string owner, string dir, int? uid, SandboxLimits limits, SandboxSpec spec)
    {
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_001_001);
        var work = WorkDir(id);
        Directory.CreateDirectory(work);
        File.SetUnixFileMode(work, (UnixFileMode)0b111_000_000);
        if (uid is { } u)
        {
            LinuxNative.Chown(work, u, u);
        }

        var cgroups = _cgroups.Value.Create(id, limits);
        var ports = spec.Ports.Select(p => { var host = FreePort(); return new SandboxPort(p, host, host); }).ToList();
        var state = new ProcessSandboxState
        {
            Id = id,
            Owner = owner,
            CreatedAt = DateTimeOffset.UtcNow,
            Uid = uid,
            Limits = limits,
            Ports = ports,
            Environment = spec.Environment,
            Cgroups = cgroups,
            Unisolated = !IsolationAvailable,
        };
        ProcessStateJsonContext.Write(Path.Combine(dir, StateFile), state);
        Log.Created(_logger, id, uid ?? -1, cgroups.Count, state.Unisolated);
        return ToInfo(state);
    }

    /// <inheritdoc />
    public async Task<SandboxCommandInfo> StartCommandAsync(string sandboxId, SandboxCommandSpec command, CancellationToken cancellationToken = default)
    {
        var state = ReadState(sandboxId);
        if (!state.Unisolated && !IsolationAvailable)
        {
            throw new SandboxException(SandboxErrorCode.IsolationUnavailable, $"bubblewrap disappeared from '{_process.BubblewrapPath}'.");
        }

        if (state.Unisolated && !_options.AllowUnisolated)
        {
            throw new SandboxException(SandboxErrorCode.IsolationUnavailable, "Sandbox was created unisolated but Sandboxes:AllowUnisolated is false.");
        }

        var workingDirectory = command.WorkingDirectory is null ? null : SandboxIds.NormalizeRelativePath(command.WorkingDirectory);
        SandboxIds.ValidateEnvironment(command.Environment);
        var commandId = "cmd-" + Guid.NewGuid().ToString("N")[..12];
        var env = BuildEnvironment(state, command);
        var script = BuildLaunchScript(state, command.Command, env, workingDirectory);
        var output = new OutputLog(_options.OutputReplayBytes);

        // Fork from the launcher thread: see SandboxLauncher for why (PR_SET_PDEATHSIG is per thread).
        var process = await SandboxLauncher.RunAsync(() =>
        {
            var psi = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = SandboxDir(sandboxId),
            };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(script);
            psi.Environment.Clear();
            psi.Environment["PATH"] = JailPath;
            if (state.Unisolated)
            {
                foreach (var (key, value) in env)
                {
                    psi.Environment[key] = value;
                }
            }

            return System.Diagnostics.Process.Start(psi)
                ?? throw new SandboxException(SandboxErrorCode.StartFailed, "Process.Start returned null.");
        }).ConfigureAwait(false);

        process.StandardInput.Close();
        var record = new ProcessCommandRecord
        {
            Id = commandId,
            Command = command.Command,
            Pid = process.Id,
            StartTime = ProcFs.StartTime(process.Id) ?? 0,
            StartedAt = DateTimeOffset.UtcNow,
        };
        // Persist before pumping so the exit-code update always finds the record; publish only once complete.
        await UpdateStateAsync(sandboxId, s => s with { Commands = [.. s.Commands, record] }, CancellationToken.None).ConfigureAwait(false);
        var live = new LiveCommand(record, process, output);
        live.Completion = Task.Run(() => PumpAsync(sandboxId, live), CancellationToken.None);
        _live[(sandboxId, commandId)] = live;
        Log.CommandStarted(_logger, sandboxId, commandId, process.Id);
        return live.Info;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<OutputChunk> StreamOutputAsync(string sandboxId, string commandId, long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var live = GetLive(sandboxId, commandId);
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

        var record = FindRecord(sandboxId, commandId);
        while (record.ExitCode is null && ProcFs.IsAlive(record.Pid, record.StartTime))
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        return ToInfo(sandboxId, record);
    }

    /// <inheritdoc />
    public async Task StopCommandAsync(string sandboxId, string commandId, TimeSpan gracePeriod, CancellationToken cancellationToken = default)
    {
        var record = FindRecord(sandboxId, commandId);
        if (!ProcFs.IsAlive(record.Pid, record.StartTime))
        {
            return;
        }

        // The user's command is a session leader inside the jail (bwrap --new-session): outer bwrap → jail init → command.
        var jailInit = ProcFs.Children(record.Pid).FirstOrDefault();
        var target = jailInit == 0 ? record.Pid : ProcFs.Children(jailInit).DefaultIfEmpty(jailInit).First();
        LinuxNative.Kill(-target, LinuxNative.SigTerm);
        LinuxNative.Kill(target, LinuxNative.SigTerm);
        var deadline = DateTime.UtcNow + gracePeriod;
        while (DateTime.UtcNow < deadline && ProcFs.IsAlive(record.Pid, record.StartTime))
        {
            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }

        // Killing the outer bwrap kills the jail's init (die-with-parent), which tears down the whole PID namespace.
        LinuxNative.Kill(-record.Pid, LinuxNative.SigKill);
        LinuxNative.Kill(record.Pid, LinuxNative.SigKill);
        if (_live.TryGetValue((sandboxId, commandId), out var live))
        {
            await live.Completion!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        Log.CommandStopped(_logger, sandboxId, commandId);
    }

    /// <inheritdoc />
    public Task DestroyAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        SandboxIds.Validate(sandboxId);

        // One destroy per sandbox at a time: concurrent callers (the reaper and a DELETE) join the running one, so the
        // directory is removed and the UID lease released exactly once (a second release could free the lease of a
        // sandbox that took the UID in between). It runs to the end even if a caller stops waiting.
        var flight = _destroying.GetOrAdd(sandboxId, id => new Lazy<Task>(() => DestroyOnceAsync(id)));
        return flight.Value.WaitAsync(cancellationToken);
    }

    private async Task DestroyOnceAsync(string sandboxId)
    {
        try
        {
            await DestroyCoreAsync(sandboxId, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _destroying.TryRemove(sandboxId, out _);
        }
    }

    private async Task DestroyCoreAsync(string sandboxId, CancellationToken cancellationToken)
    {
        var dir = SandboxDir(sandboxId);
        var state = ProcessStateJsonContext.Read(Path.Combine(dir, StateFile));
        if (state is not null)
        {
            foreach (var record in state.Commands.Where(c => ProcFs.IsAlive(c.Pid, c.StartTime)))
            {
                LinuxNative.Kill(-record.Pid, LinuxNative.SigKill);
                LinuxNative.Kill(record.Pid, LinuxNative.SigKill);
            }

            await Cgroups.KillAndRemoveAsync(state.Cgroups, cancellationToken).ConfigureAwait(false);
            if (state.Uid is { } uid)
            {
                // Every process of the dedicated UID belongs to this sandbox, wherever it hides.
                for (var i = 0; i < 100; i++)
                {
                    var pids = ProcFs.ProcessesOfUid(uid);
                    if (pids.Count == 0)
                    {
                        break;
                    }

                    foreach (var pid in pids)
                    {
                        LinuxNative.Kill(pid, LinuxNative.SigKill);
                    }

                    await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        foreach (var key in _live.Keys.Where(k => k.Sandbox == sandboxId).ToList())
        {
            if (_live.TryRemove(key, out var live))
            {
                await live.Completion!.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            }
        }

        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Destroy is idempotent: a concurrent destroy (the reaper and a DELETE) may have removed it first.
        }

        if (state?.Uid is { } released)
        {
            // Only now: its processes are gone and its directory with them.
            _uids.Release(released);
        }

        Log.Destroyed(_logger, sandboxId);
    }

    /// <inheritdoc />
    public Task<SandboxInfo?> InspectAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        SandboxIds.Validate(sandboxId);
        var state = ProcessStateJsonContext.Read(Path.Combine(SandboxDir(sandboxId), StateFile));
        return Task.FromResult(state is null ? null : ToInfo(state));
    }

    /// <inheritdoc />
    public Task<SandboxResourceUsage> GetResourceUsageAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        var state = ReadState(sandboxId);
        if (state.Cgroups.Count > 0)
        {
            var (memory, cpu, pids) = Cgroups.Usage(state.Cgroups);
            if (cpu == TimeSpan.Zero || memory == 0)
            {
                var fallback = ProcFs.Usage(Cgroups.Pids(state.Cgroups));
                cpu = cpu == TimeSpan.Zero ? fallback.Cpu : cpu;
                memory = memory == 0 ? fallback.Memory : memory;
            }

            return Task.FromResult(new SandboxResourceUsage(memory, cpu, pids));
        }

        var processes = state.Uid is { } uid
            ? ProcFs.ProcessesOfUid(uid)
            : state.Commands.Where(c => ProcFs.IsAlive(c.Pid, c.StartTime)).Select(c => c.Pid).ToList();
        var usage = ProcFs.Usage(processes);
        return Task.FromResult(new SandboxResourceUsage(usage.Memory, usage.Cpu, usage.Threads));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SandboxInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var owner = await _owner.GetAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<SandboxInfo>();
        if (Directory.Exists(_process.RootDirectory))
        {
            foreach (var dir in Directory.EnumerateDirectories(_process.RootDirectory))
            {
                if (ProcessStateJsonContext.Read(Path.Combine(dir, StateFile)) is not { } state)
                {
                    continue;
                }

                // A root directory may be shared by several installations: report only ours. One from a version
                // before owners: nobody can tell whose it is, so leave it alone and say so once.
                if (state.Owner is null)
                {
                    if (_reportedUnowned.TryAdd(state.Id, 0))
                    {
                        Log.Unowned(_logger, state.Id, dir);
                    }
                }
                else if (state.Owner == owner)
                {
                    result.Add(ToInfo(state));
                }
            }
        }

        return result;
    }

    /// <inheritdoc />
    public async Task WriteFileAsync(string sandboxId, string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var state = ReadState(sandboxId);
        var relative = SandboxIds.NormalizeRelativePath(path);
        var work = WorkDir(sandboxId);
        var slash = relative.LastIndexOf('/');
        var parent = slash < 0 ? "." : relative[..slash];
        var temp = $"{(slash < 0 ? "" : parent + "/")}.crownest-{Guid.NewGuid():N}.tmp";
        if (state.Uid is { } uid)
        {
            // Written as the sandbox's UID so a symlink planted by the sandbox can never redirect a root write.
            await RunAsUidAsync(uid, work, "mkdir -p -- \"$1\" && cat > \"$2\" && mv -f -- \"$2\" \"$3\"", [parent, temp, relative], content, cancellationToken).ConfigureAwait(false);
            return;
        }

        EnsureNoSymlinks(work, relative);
        Directory.CreateDirectory(Path.Combine(work, parent));
        var tempPath = Path.Combine(work, temp);
        await File.WriteAllBytesAsync(tempPath, content, cancellationToken).ConfigureAwait(false);
        File.Move(tempPath, Path.Combine(work, relative), overwrite: true);
    }

    /// <inheritdoc />
    public async Task WriteFilesAsync(string sandboxId, IReadOnlyList<SandboxFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var state = ReadState(sandboxId);
        if (state.Uid is not { } uid || files.Count < 2)
        {
            foreach (var file in files)
            {
                await WriteFileAsync(sandboxId, file.Path, file.Content, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // One extraction as the sandbox's UID instead of one process per file (a planted symlink still only reaches
        // what that UID may write).
        using var tar = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files)
            {
                using var data = new MemoryStream(file.Content.ToArray(), writable: false);
                writer.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, SandboxIds.NormalizeRelativePath(file.Path))
                {
                    Mode = (UnixFileMode)0b110_100_100,
                    ModificationTime = DateTimeOffset.UtcNow,
                    DataStream = data,
                });
            }
        }

        await RunAsUidAsync(uid, WorkDir(sandboxId), "tar -x -f - --no-same-owner --no-overwrite-dir", [], tar.GetBuffer().AsMemory(0, (int)tar.Length), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteFileAsync(string sandboxId, string path, CancellationToken cancellationToken = default)
    {
        var state = ReadState(sandboxId);
        var relative = SandboxIds.NormalizeRelativePath(path);
        var work = WorkDir(sandboxId);
        if (state.Uid is { } uid)
        {
            await RunAsUidAsync(uid, work, "rm -f -- \"$1\"", [relative], ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            return;
        }

        EnsureNoSymlinks(work, relative);
        File.Delete(Path.Combine(work, relative));
    }

    private async Task PumpAsync(string sandboxId, LiveCommand live)
    {
        var stdout = live.Output.PumpAsync(live.Process.StandardOutput.BaseStream, OutputStream.Stdout);
        var stderr = live.Output.PumpAsync(live.Process.StandardError.BaseStream, OutputStream.Stderr);
        await live.Process.WaitForExitAsync().ConfigureAwait(false);
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        var exitCode = live.Process.ExitCode;
        live.Record = live.Record with { ExitCode = exitCode };
        live.Output.Complete();
        live.Process.Dispose();
        try
        {
            await UpdateStateAsync(sandboxId, s => s with
            {
                Commands = [.. s.Commands.Select(c => c.Id == live.Record.Id ? live.Record : c)],
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SandboxException)
        {
            // Destroyed meanwhile.
        }

        Log.CommandExited(_logger, sandboxId, live.Record.Id, exitCode);
    }

    private Dictionary<string, string> BuildEnvironment(ProcessSandboxState state, SandboxCommandSpec command)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = JailPath,
            ["HOME"] = state.Unisolated ? WorkDir(state.Id) : WorkMount,
            ["TMPDIR"] = "/tmp",
            ["LANG"] = "C.UTF-8",
            ["HOST"] = "127.0.0.1",
            ["CROWNEST_SANDBOX_ID"] = state.Id,
        };
        for (var i = 0; i < state.Ports.Count; i++)
        {
            var port = state.Ports[i].ListenPort.ToString(CultureInfo.InvariantCulture);
            env["PORT_" + state.Ports[i].Port.ToString(CultureInfo.InvariantCulture)] = port;
            if (i == 0)
            {
                env["PORT"] = port;
            }
        }

        foreach (var (key, value) in state.Environment.Concat(command.Environment))
        {
            env[key] = value;
        }

        return env;
    }

    private string BuildLaunchScript(ProcessSandboxState state, string command, IReadOnlyDictionary<string, string> env, string? workingDirectory)
    {
        var parts = new List<string>();
        foreach (var cgroup in state.Cgroups)
        {
            // Join before exec so every descendant is accounted and limited from its first instruction.
            parts.Add($"echo $$ > {Shell.Quote(Path.Combine(cgroup, "cgroup.procs"))} && ");
        }

        var chain = new List<string> { "setsid", "prlimit" };
        if (state.Limits.CpuTimePerProcess is { } cpu)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(cpu.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            chain.Add($"--cpu={seconds}:{seconds}");
        }

        if (!_cgroups.Value.HasMemory || state.Cgroups.Count == 0)
        {
            var bytes = state.Limits.MemoryBytes.ToString(CultureInfo.InvariantCulture);
            chain.Add($"--as={bytes}:{bytes}");
        }

        if (state.Uid is { } uid)
        {
            // RLIMIT_NPROC counts per UID: meaningful only because every sandbox has its own UID.
            var nproc = (state.Limits.MaxProcesses + 4).ToString(CultureInfo.InvariantCulture);
            chain.Add($"--nproc={nproc}:{nproc}");
            chain.Add("--");
            var id = uid.ToString(CultureInfo.InvariantCulture);
            chain.AddRange(["setpriv", "--reuid", id, "--regid", id, "--clear-groups", "--inh-caps=-all", "--no-new-privs"]);
        }

        chain.Add("--");
        var cwd = workingDirectory is null ? WorkMount : WorkMount + "/" + workingDirectory;
        if (state.Unisolated)
        {
            parts.Add($"cd {Shell.Quote(workingDirectory is null ? WorkDir(state.Id) : Path.Combine(WorkDir(state.Id), workingDirectory))} && ");
            chain.AddRange(["/bin/sh", "-c", command]);
        }
        else
        {
            chain.Add(_process.BubblewrapPath);
            chain.AddRange(BwrapArguments(state, env, cwd));
            chain.AddRange(["--", "/bin/sh", "-c", command]);
        }

        parts.Add("exec " + Shell.Join(chain));
        return string.Concat(parts);
    }

    private IEnumerable<string> BwrapArguments(ProcessSandboxState state, IReadOnlyDictionary<string, string> env, string cwd)
    {
        var args = new List<string>
        {
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox",
            "--new-session", "--die-with-parent", "--clearenv",
        };
        foreach (var top in new[] { "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" })
        {
            var info = new DirectoryInfo(top);
            if (info.LinkTarget is { } target)
            {
                args.AddRange(["--symlink", target, top]);
            }
            else if (info.Exists)
            {
                args.AddRange(["--ro-bind", top, top]);
            }
        }

        foreach (var etc in new[]
        {
            "/etc/alternatives", "/etc/ssl", "/etc/ca-certificates", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
            "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts", "/etc/resolv.conf",
            "/etc/host.conf", "/etc/gai.conf", "/etc/mime.types", "/etc/os-release", "/etc/protocols", "/etc/services",
        })
        {
            args.AddRange(["--ro-bind-try", etc, etc]);
        }

        foreach (var extra in _process.ExtraReadOnlyBinds)
        {
            args.AddRange(["--ro-bind-try", extra, extra]);
        }

        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--bind", WorkDir(state.Id), WorkMount]);

        // The jail's root is bwrap's tmpfs: make it read-only so only /sandbox and /tmp are writable.
        args.AddRange(["--remount-ro", "/", "--chdir", cwd]);
        foreach (var (key, value) in env)
        {
            args.AddRange(["--setenv", key, value]);
        }

        return args;
    }

    private static async Task RunAsUidAsync(int uid, string work, string script, IReadOnlyList<string> args, ReadOnlyMemory<byte> stdin, CancellationToken cancellationToken)
    {
        var id = uid.ToString(CultureInfo.InvariantCulture);
        var psi = new ProcessStartInfo("setpriv")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = work,
        };
        foreach (var arg in (string[])["--reuid", id, "--regid", id, "--clear-groups", "--inh-caps=-all", "--", "/bin/sh", "-c", script, "sh", .. args])
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(psi)
            ?? throw new SandboxException(SandboxErrorCode.StartFailed, "setpriv could not be started.");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.BaseStream.WriteAsync(stdin, cancellationToken).ConfigureAwait(false);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new SandboxException(SandboxErrorCode.InvalidArgument, $"File operation in sandbox failed: {(await errors.ConfigureAwait(false)).Trim()}");
        }
    }

    private static void EnsureNoSymlinks(string work, string relative)
    {
        var current = work;
        foreach (var segment in relative.Split('/'))
        {
            current = Path.Combine(current, segment);
            if (new FileInfo(current).LinkTarget is not null)
            {
                throw new SandboxException(SandboxErrorCode.InvalidArgument, $"Path '{relative}' goes through a symbolic link.");
            }
        }
    }

    private int AllocateUid()
    {
        var used = new HashSet<int>();
        foreach (var dir in Directory.EnumerateDirectories(_process.RootDirectory))
        {
            if (ProcessStateJsonContext.Read(Path.Combine(dir, StateFile))?.Uid is { } uid)
            {
                used.Add(uid);
            }
        }

        // Sandboxes left by a previous run of this root directory keep their UIDs: lease them once, before handing
        // any UID out, so no other runtime takes a UID whose sandbox we may still destroy.
        if (Interlocked.Exchange(ref _adopted, 1) == 0)
        {
            foreach (var uid in used)
            {
                _uids.TryAcquire(uid);
            }
        }

        for (var i = 0; i < _process.UidRangeSize; i++)
        {
            var candidate = _process.UidRangeStart + i;
            if (used.Contains(candidate) || !_uids.TryAcquire(candidate))
            {
                continue;
            }

            if (ProcFs.ProcessesOfUid(candidate).Count == 0)
            {
                return candidate;
            }

            // Something outside any lease runs as this UID (e.g. a sandbox of a runtime that predates leases).
            _uids.Release(candidate);
        }

        throw new SandboxException(SandboxErrorCode.StartFailed, "No free sandbox UID left in Sandboxes:Process:UidRangeStart/UidRangeSize.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task UpdateStateAsync(string sandboxId, Func<ProcessSandboxState, ProcessSandboxState> update, CancellationToken cancellationToken)
    {
        await _stateLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = ReadState(sandboxId);
            ProcessStateJsonContext.Write(Path.Combine(SandboxDir(sandboxId), StateFile), update(state));
        }
        finally
        {
            _stateLock.Release();
        }
    }

    private ProcessSandboxState ReadState(string sandboxId)
    {
        SandboxIds.Validate(sandboxId);
        return ProcessStateJsonContext.Read(Path.Combine(SandboxDir(sandboxId), StateFile))
            ?? throw new SandboxException(SandboxErrorCode.SandboxNotFound, $"Sandbox '{sandboxId}' does not exist.");
    }

    private ProcessCommandRecord FindRecord(string sandboxId, string commandId)
    {
        if (_live.TryGetValue((sandboxId, commandId), out var live))
        {
            return live.Record;
        }

        return ReadState(sandboxId).Commands.FirstOrDefault(c => c.Id == commandId)
            ?? throw new SandboxException(SandboxErrorCode.CommandNotFound, $"Command '{commandId}' does not exist in sandbox '{sandboxId}'.");
    }

    private LiveCommand GetLive(string sandboxId, string commandId)
    {
        if (_live.TryGetValue((sandboxId, commandId), out var live))
        {
            return live;
        }

        _ = FindRecord(sandboxId, commandId);
        throw new SandboxException(SandboxErrorCode.CommandNotFound, $"Output of command '{commandId}' is not available: it was started by a previous runtime instance.");
    }

    private SandboxInfo ToInfo(ProcessSandboxState state)
    {
        var commands = state.Commands.Select(c => ToInfo(state.Id, c)).ToList();
        var sandboxState = commands.Any(c => c.State == SandboxCommandState.Running) ? SandboxState.Running
            : commands.Any(c => c.State == SandboxCommandState.Unknown) ? SandboxState.Lost
            : SandboxState.Idle;
        return new SandboxInfo
        {
            Id = state.Id,
            Runtime = Kind,
            State = sandboxState,
            CreatedAt = state.CreatedAt,
            Ports = state.Ports,
            Commands = commands,
            Limits = state.Limits,
            Location = WorkDir(state.Id),
        };
    }

    private SandboxCommandInfo ToInfo(string sandboxId, ProcessCommandRecord record)
    {
        if (_live.TryGetValue((sandboxId, record.Id), out var live))
        {
            return live.Info;
        }

        var state = record.ExitCode is not null ? SandboxCommandState.Exited
            : ProcFs.IsAlive(record.Pid, record.StartTime) ? SandboxCommandState.Running
            : SandboxCommandState.Unknown;
        return new SandboxCommandInfo { Id = record.Id, Command = record.Command, State = state, ExitCode = record.ExitCode, StartedAt = record.StartedAt, Pid = record.Pid };
    }

    private string SandboxDir(string id) => Path.Combine(_process.RootDirectory, id);

    private string WorkDir(string id) => Path.Combine(_process.RootDirectory, id, "work");

    private sealed class LiveCommand(ProcessCommandRecord record, System.Diagnostics.Process process, OutputLog output)
    {
        public ProcessCommandRecord Record { get; set; } = record;

        public System.Diagnostics.Process Process { get; } = process;

        public OutputLog Output { get; } = output;

        public Task? Completion { get; set; }

        public SandboxCommandInfo Info => new()
        {
            Id = Record.Id,
            Command = Record.Command,
            State = Record.ExitCode is null ? SandboxCommandState.Running : SandboxCommandState.Exited,
            ExitCode = Record.ExitCode,
            StartedAt = Record.StartedAt,
            Pid = Record.Pid,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Created process sandbox {SandboxId} (uid {Uid}, {CgroupCount} cgroups, unisolated={Unisolated})")]
        public static partial void Created(ILogger logger, string sandboxId, int uid, int cgroupCount, bool unisolated);

        [LoggerMessage(2, LogLevel.Information, "Started command {CommandId} in sandbox {SandboxId} (pid {Pid})")]
        public static partial void CommandStarted(ILogger logger, string sandboxId, string commandId, int pid);

        [LoggerMessage(3, LogLevel.Information, "Command {CommandId} in sandbox {SandboxId} exited with {ExitCode}")]
        public static partial void CommandExited(ILogger logger, string sandboxId, string commandId, int exitCode);

        [LoggerMessage(4, LogLevel.Information, "Stopped command {CommandId} in sandbox {SandboxId}")]
        public static partial void CommandStopped(ILogger logger, string sandboxId, string commandId);

        [LoggerMessage(5, LogLevel.Information, "Destroyed sandbox {SandboxId}")]
        public static partial void Destroyed(ILogger logger, string sandboxId);

        [LoggerMessage(6, LogLevel.Warning, "Sandbox {SandboxId} at {Directory} has no owner (created by an older CrowNest): left alone; destroy it by hand if it is not needed")]
        public static partial void Unowned(ILogger logger, string sandboxId, string directory);
    }
}
