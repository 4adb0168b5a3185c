using System.Diagnostics;
using System.Globalization;
using CrowNest.Sandboxes.Process;

namespace CrowNest.Sandboxes.Tests;

public sealed class ProcessRuntimeTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "crownest-sbx-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<ProcessSandboxRuntime> _runtimes = [];
    private ProcessSandboxRuntime _runtime = null!;

    public ValueTask InitializeAsync()
    {
        _runtime = NewRuntime();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var info in await _runtime.ListAsync())
        {
            await _runtime.DestroyAsync(info.Id);
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, true);
        }
    }

    [Fact]
    public async Task Lifecycle_ServesHttpFromWrittenFile_StopsAndDestroysWithoutLeftovers()
    {
        var sandbox = await _runtime.CreateAsync(new SandboxSpec { Ports = [3000] });
        await _runtime.WriteFileAsync(sandbox.Id, "app/message.txt", "hello from the sandbox"u8.ToArray());
        var server = await _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec
        {
            Command = TestHelpers.NodeHttpServer("require('fs').readFileSync('app/message.txt','utf8')"),
        });

        var port = Assert.Single(sandbox.Ports);
        Assert.Equal(3000, port.Port);
        Assert.Equal("hello from the sandbox", await TestHelpers.GetWhenUpAsync(port.HostPort));
        var usage = await _runtime.GetResourceUsageAsync(sandbox.Id);
        Assert.InRange(usage.MemoryBytes, 5L * 1024 * 1024, sandbox.Limits.MemoryBytes);
        Assert.InRange(usage.Processes, 1, sandbox.Limits.MaxProcesses);
        Assert.True(usage.CpuTime > TimeSpan.Zero);
        Assert.Equal(SandboxState.Running, (await _runtime.InspectAsync(sandbox.Id))!.State);

        await _runtime.StopCommandAsync(sandbox.Id, server.Id, TimeSpan.FromSeconds(2));
        var stopped = await _runtime.WaitForExitAsync(sandbox.Id, server.Id);
        Assert.Equal(SandboxCommandState.Exited, stopped.State);
        Assert.NotEqual(0, stopped.ExitCode);

        var uid = Uid(sandbox.Id);
        await _runtime.DestroyAsync(sandbox.Id);
        Assert.False(Directory.Exists(sandbox.Location));
        Assert.Empty(ProcFs.ProcessesOfUid(uid));
        Assert.False(ProcFs.IsAlive(server.Pid!.Value, 0) || ProcFs.StartTime(server.Pid.Value) is not null && IsOurs(server.Pid.Value, uid));
        Assert.Null(await _runtime.InspectAsync(sandbox.Id));
    }

    [Fact]
    public async Task Jail_IsolatesFilesystemPidsAndUser()
    {
        var sandbox = await _runtime.CreateAsync(new SandboxSpec());
        var (code, output) = await TestHelpers.RunAsync(_runtime, sandbox.Id,
            "id -u; echo pid=$$; touch /usr/evil 2>/dev/null && echo usr-writable; touch /etc/evil 2>/dev/null && echo etc-writable; "
            + "ls /root >/dev/null 2>&1 && echo root-visible; ls /proc | grep -c '^[0-9]' ; touch ok && pwd");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Uid(sandbox.Id).ToString(CultureInfo.InvariantCulture), lines[0]);
        Assert.Equal("pid=2", lines[1]);
        Assert.DoesNotContain("writable", output, StringComparison.Ordinal);
        Assert.DoesNotContain("root-visible", output, StringComparison.Ordinal);
        Assert.True(int.Parse(lines[2], CultureInfo.InvariantCulture) < 10, "only the jail's own processes are visible: " + output);
        Assert.Equal("/sandbox", lines[3]);
        Assert.True(File.Exists(Path.Combine(sandbox.Location!, "ok")));
    }

    [Fact]
    public async Task Output_IsOrderedAcrossStreams_AndReplayedToLateSubscribers()
    {
        var sandbox = await _runtime.CreateAsync(new SandboxSpec());
        var command = await _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec
        {
            Command = "echo first; sleep 0.3; echo second >&2; sleep 0.3; i=0; while [ $i -lt 300 ]; do echo line$i; i=$((i+1)); done; echo ünïcødé",
        });
        var live = new List<OutputChunk>();
        await foreach (var chunk in _runtime.StreamOutputAsync(sandbox.Id, command.Id))
        {
            live.Add(chunk);
        }

        Assert.Equal(Enumerable.Range(1, live.Count).Select(i => (long)i), live.Select(c => c.Sequence));
        Assert.Equal(new OutputChunk(1, OutputStream.Stdout, "first\n", live[0].At), live[0]);
        Assert.Equal(new OutputChunk(2, OutputStream.Stderr, "second\n", live[1].At), live[1]);
        var stdout = string.Concat(live.Where(c => c.Stream == OutputStream.Stdout).Skip(1).Select(c => c.Text));
        Assert.Equal(string.Concat(Enumerable.Range(0, 300).Select(i => $"line{i}\n")) + "ünïcødé\n", stdout);

        var replay = new List<OutputChunk>();
        await foreach (var chunk in _runtime.StreamOutputAsync(sandbox.Id, command.Id, afterSequence: 1))
        {
            replay.Add(chunk);
        }

        Assert.Equal(live.Skip(1), replay);
    }

    [Fact]
    public async Task ExitCodes_AreReported()
    {
        var sandbox = await _runtime.CreateAsync(new SandboxSpec());
        Assert.Equal(7, (await TestHelpers.RunAsync(_runtime, sandbox.Id, "exit 7")).ExitCode);
        Assert.Equal(0, (await TestHelpers.RunAsync(_runtime, sandbox.Id, "true")).ExitCode);
        Assert.Equal(127, (await TestHelpers.RunAsync(_runtime, sandbox.Id, "no-such-binary")).ExitCode);
    }

    [Fact]
    public async Task Stop_KillsTheCommandAndItsChildren()
    {
        var sandbox = await _runtime.CreateAsync(new SandboxSpec());
        var command = await _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec { Command = "sleep 1000 & sleep 1000 & trap '' TERM; wait" });
        var uid = Uid(sandbox.Id);
        await TestHelpers.EventuallyAsync(() => ProcFs.ProcessesOfUid(uid).Count >= 5, "jail processes running");

        await _runtime.StopCommandAsync(sandbox.Id, command.Id, TimeSpan.FromMilliseconds(300));
        var done = await _runtime.WaitForExitAsync(sandbox.Id, command.Id);
        Assert.Equal(SandboxCommandState.Exited, done.State);
        await TestHelpers.EventuallyAsync(() => ProcFs.ProcessesOfUid(uid).Count == 0, "no process of the sandbox uid left");
    }

    [Fact]
    public async Task ForkBomb_IsContainedByThePidsLimit()
    {
        // Asserts the containment property, not timing: the kernel refuses forks inside the jail (the shell says so
        // on stderr), the count never passes the limit, the host still forks, and destroy reaps every process of the
        // sandbox's UID. Waits are event-based and generous: under a load average of 50+ the bomb may need many
        // seconds to reach the limit.
        var sandbox = await _runtime.CreateAsync(new SandboxSpec { Limits = new SandboxLimits { MaxProcesses = 40 } });
        var uid = Uid(sandbox.Id);
        var bomb = await _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec { Command = "(bomb() { bomb & bomb & sleep 30; }; bomb) & exec sleep 120" });
        await TestHelpers.WaitForOutputAsync(_runtime, sandbox.Id, bomb.Id, "fork", TimeSpan.FromSeconds(120));
        for (var i = 0; i < 5; i++)
        {
            Assert.InRange((await _runtime.GetResourceUsageAsync(sandbox.Id)).Processes, 1, 40);
            Assert.InRange(ProcFs.ProcessesOfUid(uid).Count, 1, 44); // + bwrap and its init, outside the jail's count
        }

        using (var probe = System.Diagnostics.Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!)
        {
            await probe.WaitForExitAsync();
            Assert.Equal(0, probe.ExitCode);
        }

        await _runtime.DestroyAsync(sandbox.Id);
        await TestHelpers.EventuallyAsync(() => ProcFs.ProcessesOfUid(uid).Count == 0, "every process of the sandbox uid reaped", TimeSpan.FromSeconds(120));
        Assert.Null(await _runtime.InspectAsync(sandbox.Id));
        Assert.False(Directory.Exists(Path.Combine(_root, sandbox.Id)));
    }

    [Fact]
    public async Task MemoryHog_IsKilledByTheMemoryLimit()
    {
        var sandbox = await _runtime.CreateAsync(new SandboxSpec { Limits = new SandboxLimits { MemoryBytes = 96L * 1024 * 1024 } });
        var (code, output) = await TestHelpers.RunAsync(_runtime, sandbox.Id,
            "node -e \"const a=[]; for (let i=0;i<1024;i++) { a.push(Buffer.alloc(1<<20, 1)); } console.log('survived', a.length)\"");
        Assert.NotEqual(0, code);
        Assert.DoesNotContain("survived", output, StringComparison.Ordinal);

        var (okCode, okOutput) = await TestHelpers.RunAsync(_runtime, sandbox.Id, "node -e \"console.log(Buffer.alloc(16<<20, 1).length)\"");
        Assert.Equal(0, okCode);
        Assert.Equal("16777216\n", okOutput);
    }

    [Fact]
    public async Task CpuTimeLimit_TerminatesABusyLoop()
    {
        var sandbox = await _runtime.CreateAsync(new SandboxSpec { Limits = new SandboxLimits { CpuTimePerProcess = TimeSpan.FromSeconds(1) } });
        var started = Stopwatch.StartNew();
        var (code, _) = await TestHelpers.RunAsync(_runtime, sandbox.Id, "node -e \"for(;;){}\"");
        Assert.Contains(code, new[] { 128 + 24, 128 + 9 }); // SIGXCPU at the soft limit (SIGKILL past the hard one)
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Commands_SurviveTheStartingThreadExiting()
    {
        // PR_SET_PDEATHSIG fires when the *thread* that forked bwrap exits; starting from a thread that then exits
        // (and from a pool thread) must not kill the sandbox, because the launcher thread does the fork.
        var sandbox = await _runtime.CreateAsync(new SandboxSpec());
        SandboxCommandInfo? fromThread = null;
        var thread = new Thread(() => fromThread = _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec { Command = "sleep 60" }).GetAwaiter().GetResult());
        thread.Start();
        thread.Join();
        var fromPool = await Task.Run(() => _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec { Command = "sleep 60" }));

        await Task.Delay(1500);
        var info = await _runtime.InspectAsync(sandbox.Id);
        Assert.All(info!.Commands, c => Assert.Equal(SandboxCommandState.Running, c.State));
        Assert.NotNull(ProcFs.StartTime(fromThread!.Pid!.Value));
        Assert.NotNull(ProcFs.StartTime(fromPool.Pid!.Value));
    }

    [Fact]
    public async Task NewRuntimeInstance_ListsAndDestroysSandboxesOfThePreviousOne()
    {
        var sandbox = await _runtime.CreateAsync(new SandboxSpec { Ports = [8080] });
        var command = await _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec { Command = TestHelpers.NodeHttpServer("'up'") });
        Assert.Equal("up", await TestHelpers.GetWhenUpAsync(sandbox.Ports[0].HostPort));

        var restarted = NewRuntime();
        var listed = Assert.Single(await restarted.ListAsync(), s => s.Id == sandbox.Id);
        Assert.Equal(SandboxState.Running, listed.State);
        Assert.Equal(sandbox.Ports, listed.Ports);
        var listedCommand = Assert.Single(listed.Commands);
        Assert.Equal((command.Id, SandboxCommandState.Running, command.Pid), (listedCommand.Id, listedCommand.State, listedCommand.Pid));

        await restarted.DestroyAsync(sandbox.Id);
        Assert.DoesNotContain(await _runtime.ListAsync(), s => s.Id == sandbox.Id);
        var exited = await _runtime.WaitForExitAsync(sandbox.Id, command.Id);
        Assert.Equal(SandboxCommandState.Exited, exited.State);
    }

    [Fact]
    public async Task WriteFiles_WritesAVersionInOneGoAndRejectsTraversal()
    {
        var sandbox = await _runtime.CreateAsync(new SandboxSpec());
        await _runtime.WriteFilesAsync(sandbox.Id, [new SandboxFile("a.txt", "one"u8.ToArray()), new SandboxFile("src/deep/b.txt", "two"u8.ToArray()), new SandboxFile("src/c.txt", "three"u8.ToArray())]);
        Assert.Equal((0, "one two three"), await TestHelpers.RunAsync(_runtime, sandbox.Id, "echo -n $(cat a.txt) $(cat src/deep/b.txt) $(cat src/c.txt)"));
        Assert.Equal((0, ""), await TestHelpers.RunAsync(_runtime, sandbox.Id, "find . ! -user $(id -u)"));
        await _runtime.WriteFilesAsync(sandbox.Id, [new SandboxFile("a.txt", "uno"u8.ToArray()), new SandboxFile("src/deep/b.txt", "dos"u8.ToArray())]);
        Assert.Equal((0, "uno dos"), await TestHelpers.RunAsync(_runtime, sandbox.Id, "echo -n $(cat a.txt) $(cat src/deep/b.txt)"));
        var traversal = await Assert.ThrowsAsync<SandboxException>(() => _runtime.WriteFilesAsync(sandbox.Id, [new SandboxFile("ok.txt", "x"u8.ToArray()), new SandboxFile("../escape.txt", "x"u8.ToArray())]));
        Assert.Equal(SandboxErrorCode.InvalidArgument, traversal.Code);
    }

    [Fact]
    public async Task Files_AreWrittenAtomicallyDeletedAndConfinedToTheSandbox()
    {
        var sandbox = await _runtime.CreateAsync(new SandboxSpec());
        await _runtime.WriteFileAsync(sandbox.Id, "src/deep/file.txt", "v1"u8.ToArray());
        await _runtime.WriteFileAsync(sandbox.Id, "src/deep/file.txt", "v2"u8.ToArray());
        Assert.Equal((0, "v2"), await TestHelpers.RunAsync(_runtime, sandbox.Id, "cat src/deep/file.txt"));
        Assert.Equal((0, "file.txt\n"), await TestHelpers.RunAsync(_runtime, sandbox.Id, "ls -A src/deep"));

        await _runtime.DeleteFileAsync(sandbox.Id, "src/deep/file.txt");
        Assert.Equal(1, (await TestHelpers.RunAsync(_runtime, sandbox.Id, "test -e src/deep/file.txt")).ExitCode);

        var traversal = await Assert.ThrowsAsync<SandboxException>(() => _runtime.WriteFileAsync(sandbox.Id, "../escape.txt", "x"u8.ToArray()));
        Assert.Equal(SandboxErrorCode.InvalidArgument, traversal.Code);

        // A symlink planted by the sandbox must not redirect a write outside it.
        var target = Path.Combine(_root, "outside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        await TestHelpers.RunAsync(_runtime, sandbox.Id, "ln -s " + target + " link");
        await Assert.ThrowsAsync<SandboxException>(() => _runtime.WriteFileAsync(sandbox.Id, "link/pwned.txt", "x"u8.ToArray()));
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public async Task InvalidRequests_AreRejectedWithTypedErrorsAndLeaveNothingBehind()
    {
        async Task<SandboxErrorCode> Code(Func<Task> action) => (await Assert.ThrowsAsync<SandboxException>(action)).Code;
        Assert.Equal(SandboxErrorCode.InvalidArgument, await Code(() => _runtime.CreateAsync(new SandboxSpec { Id = "../etc" })));
        Assert.Equal(SandboxErrorCode.InvalidArgument, await Code(() => _runtime.CreateAsync(new SandboxSpec { Ports = [3000, 3000] })));
        Assert.Equal(SandboxErrorCode.InvalidArgument, await Code(() => _runtime.CreateAsync(new SandboxSpec { Environment = new Dictionary<string, string> { ["A=B"] = "x" } })));
        Assert.Equal(SandboxErrorCode.InvalidArgument, await Code(() => _runtime.CreateAsync(new SandboxSpec { Limits = new SandboxLimits { MemoryBytes = 1024 } })));
        Assert.Empty(await _runtime.ListAsync());

        var sandbox = await _runtime.CreateAsync(new SandboxSpec { Id = "dup" });
        Assert.Equal(SandboxErrorCode.AlreadyExists, await Code(() => _runtime.CreateAsync(new SandboxSpec { Id = "dup" })));
        Assert.Equal(SandboxErrorCode.SandboxNotFound, await Code(() => _runtime.StartCommandAsync("missing", new SandboxCommandSpec { Command = "true" })));
        Assert.Equal(SandboxErrorCode.CommandNotFound, await Code(() => _runtime.StopCommandAsync(sandbox.Id, "cmd-missing", TimeSpan.Zero)));
        Assert.Equal(SandboxErrorCode.InvalidArgument, await Code(() => _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec { Command = "true", WorkingDirectory = "/etc" })));
        await _runtime.DestroyAsync("missing"); // idempotent
    }

    [Fact]
    public async Task WithoutBubblewrap_RefusesUnlessUnisolatedIsAllowed()
    {
        var missing = NewRuntime(o => o with { Process = o.Process with { BubblewrapPath = "/nonexistent/bwrap" } });
        var refused = await Assert.ThrowsAsync<SandboxException>(() => missing.CreateAsync(new SandboxSpec()));
        Assert.Equal(SandboxErrorCode.IsolationUnavailable, refused.Code);
        Assert.Contains("AllowUnisolated", refused.Message, StringComparison.Ordinal);

        var allowed = NewRuntime(o => o with { AllowUnisolated = true, Process = o.Process with { BubblewrapPath = "/nonexistent/bwrap" } });
        var sandbox = await allowed.CreateAsync(new SandboxSpec());
        Assert.Equal((0, "unisolated\n"), await TestHelpers.RunAsync(allowed, sandbox.Id, "echo unisolated"));
        await allowed.DestroyAsync(sandbox.Id);
    }

    [Fact]
    public async Task TwoRuntimesWithOneUidRange_NeverShareAUid_SoDestroyingOneSparesTheOther()
    {
        // Two servers on one machine (different root directories, same UID range) lease UIDs machine-wide: before
        // leases, both picked the first UID without processes and destroying one sandbox killed the other's server.
        var leases = Path.Combine(_root, "leases");
        var otherRoot = _root + "-other";
        var first = NewRuntime(o => o with { Process = o.Process with { UidLeaseDirectory = leases, UidRangeStart = 299_000, UidRangeSize = 50 } });
        var second = new ProcessSandboxRuntime(
            TestHelpers.Options(new SandboxOptions { Process = new ProcessRuntimeOptions { RootDirectory = otherRoot, UidLeaseDirectory = leases, UidRangeStart = 299_000, UidRangeSize = 50 } }),
            TestHelpers.Logger<ProcessSandboxRuntime>());
        try
        {
            var a = await first.CreateAsync(new SandboxSpec());
            var b = await second.CreateAsync(new SandboxSpec { Ports = [3000] });
            var uidA = Uid(a.Id);
            var uidB = ProcessStateJsonContext.Read(Path.Combine(otherRoot, b.Id, "state.json"))!.Uid!.Value;
            Assert.NotEqual(uidA, uidB);

            await second.StartCommandAsync(b.Id, new SandboxCommandSpec { Command = TestHelpers.NodeHttpServer("'still here'") });
            Assert.Equal("still here", await TestHelpers.GetWhenUpAsync(b.Ports[0].HostPort));
            await first.DestroyAsync(a.Id);
            Assert.Equal("still here", await TestHelpers.GetWhenUpAsync(b.Ports[0].HostPort));
            Assert.NotEmpty(ProcFs.ProcessesOfUid(uidB));

            // A destroyed sandbox's UID is free again for the next sandbox on this machine.
            var c = await first.CreateAsync(new SandboxSpec());
            Assert.Equal(uidA, Uid(c.Id));
        }
        finally
        {
            foreach (var info in await second.ListAsync())
            {
                await second.DestroyAsync(info.Id);
            }

            if (Directory.Exists(otherRoot))
            {
                Directory.Delete(otherRoot, true);
            }
        }
    }

    [Fact]
    public async Task TwoInstallationsSharingARootDirectory_EachListsOnlyItsOwnSandboxes()
    {
        var logger = new TestHelpers.ListLogger<ProcessSandboxRuntime>();
        var a = new ProcessSandboxRuntime(TestHelpers.Options(new SandboxOptions { OwnerId = "inst-a", Process = new ProcessRuntimeOptions { RootDirectory = _root } }), logger);
        var b = NewRuntime(o => o with { OwnerId = "inst-b" });
        var mine = await a.CreateAsync(new SandboxSpec());
        var theirs = await b.CreateAsync(new SandboxSpec());
        await b.StartCommandAsync(theirs.Id, new SandboxCommandSpec { Command = "sleep 600" });

        // A sandbox of a version before owners (state without "owner").
        var legacy = await a.CreateAsync(new SandboxSpec());
        var statePath = Path.Combine(_root, legacy.Id, "state.json");
        ProcessStateJsonContext.Write(statePath, ProcessStateJsonContext.Read(statePath)! with { Owner = null });

        var listed = (await a.ListAsync()).Select(s => s.Id).ToList();
        Assert.Equal([mine.Id], listed);
        foreach (var id in listed)
        {
            await a.DestroyAsync(id);
        }

        Assert.Equal(SandboxState.Running, (await b.InspectAsync(theirs.Id))?.State);
        Assert.Contains(theirs.Id, (await b.ListAsync()).Select(s => s.Id));
        Assert.NotNull(await a.InspectAsync(legacy.Id));
        await a.ListAsync();
        Assert.Single(logger.Messages, m => m.Contains(legacy.Id, StringComparison.Ordinal) && m.Contains("left alone", StringComparison.Ordinal));

        await b.DestroyAsync(theirs.Id);
        await a.DestroyAsync(legacy.Id);
    }

    [Fact]
    public async Task WithoutAnOwner_TheRuntimeRefusesToCreateOrList()
    {
        var runtime = new ProcessSandboxRuntime(Microsoft.Extensions.Options.Options.Create(new SandboxOptions { Process = new ProcessRuntimeOptions { RootDirectory = _root } }), TestHelpers.Logger<ProcessSandboxRuntime>());
        Assert.Contains("Sandboxes:OwnerId", (await Assert.ThrowsAsync<SandboxException>(() => runtime.ListAsync())).Message, StringComparison.Ordinal);
        Assert.Equal(SandboxErrorCode.InvalidArgument, (await Assert.ThrowsAsync<SandboxException>(() => runtime.CreateAsync(new SandboxSpec()))).Code);

        var resolved = new SandboxOwner(Microsoft.Extensions.Options.Options.Create(new SandboxOptions()));
        var calls = 0;
        resolved.UseResolver(_ => Task.FromResult("from-host-" + Interlocked.Increment(ref calls)));
        var withResolver = new ProcessSandboxRuntime(Microsoft.Extensions.Options.Options.Create(new SandboxOptions { Process = new ProcessRuntimeOptions { RootDirectory = _root } }), TestHelpers.Logger<ProcessSandboxRuntime>(), resolved);
        var sandbox = await withResolver.CreateAsync(new SandboxSpec());
        Assert.Equal("from-host-1", ProcessStateJsonContext.Read(Path.Combine(_root, sandbox.Id, "state.json"))!.Owner);
        Assert.Equal([sandbox.Id], (await withResolver.ListAsync()).Select(s => s.Id));
        Assert.Equal(1, calls);
        await withResolver.DestroyAsync(sandbox.Id);
    }

    private ProcessSandboxRuntime NewRuntime(Func<SandboxOptions, SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { Process = new ProcessRuntimeOptions { RootDirectory = _root } };
        var runtime = new ProcessSandboxRuntime(TestHelpers.Options(configure?.Invoke(options) ?? options), TestHelpers.Logger<ProcessSandboxRuntime>());
        _runtimes.Add(runtime);
        return runtime;
    }

    private int Uid(string sandboxId) => ProcessStateJsonContext.Read(Path.Combine(_root, sandboxId, "state.json"))!.Uid!.Value;

    private static bool IsOurs(int pid, int uid) => ProcFs.ProcessesOfUid(uid).Contains(pid);
}
