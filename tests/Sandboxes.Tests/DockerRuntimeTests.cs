using System.Diagnostics;
using CrowNest.Sandboxes.Docker;
using Microsoft.Extensions.Logging;

namespace CrowNest.Sandboxes.Tests;

public sealed class DockerRuntimeTests(DockerFixture fixture) : IAsyncLifetime
{
    private readonly List<DockerSandboxRuntime> _runtimes = [];
    private readonly List<string> _ids = [];
    private DockerSandboxRuntime _runtime = null!;

    public ValueTask InitializeAsync()
    {
        fixture.SkipIfUnavailable();
        _runtime = NewRuntime();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (fixture.SkipReason is null)
        {
            foreach (var id in _ids)
            {
                await _runtime.DestroyAsync(id);
            }
        }

        _runtimes.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task Lifecycle_ServesHttpOnLoopbackRandomPort_StopsAndDestroysWithoutLeftovers()
    {
        var sandbox = await CreateAsync(new SandboxSpec { Ports = [3000] });
        await _runtime.WriteFileAsync(sandbox.Id, "app/message.txt", "hello from docker"u8.ToArray());
        var server = await _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec
        {
            Command = TestHelpers.NodeHttpServer("require('fs').readFileSync('app/message.txt','utf8')"),
        });

        var port = Assert.Single(sandbox.Ports);
        Assert.Equal(3000, port.Port);
        Assert.NotEqual(0, port.HostPort);
        Assert.Equal("hello from docker", await TestHelpers.GetWhenUpAsync(port.HostPort));
        var usage = await _runtime.GetResourceUsageAsync(sandbox.Id);
        Assert.InRange(usage.MemoryBytes, 5L * 1024 * 1024, sandbox.Limits.MemoryBytes);
        Assert.InRange(usage.Processes, 1, sandbox.Limits.MaxProcesses);
        Assert.True(usage.CpuTime > TimeSpan.Zero);
        var container = await _runtime.Client.InspectContainerAsync(sandbox.Location!);
        var binding = Assert.Single(container.NetworkSettings!.Ports!["3000/tcp"]!);
        Assert.Equal("127.0.0.1", binding.HostIp);
        Assert.Equal(sandbox.Id, container.Config!.Labels![DockerSandboxRuntime.SandboxLabel]);
        Assert.Equal(SandboxState.Running, (await _runtime.InspectAsync(sandbox.Id))!.State);

        await _runtime.StopCommandAsync(sandbox.Id, server.Id, TimeSpan.FromSeconds(2));
        var stopped = await _runtime.WaitForExitAsync(sandbox.Id, server.Id);
        Assert.Equal(SandboxCommandState.Exited, stopped.State);
        Assert.NotEqual(0, stopped.ExitCode);

        await _runtime.DestroyAsync(sandbox.Id);
        var gone = await Assert.ThrowsAsync<DockerException>(() => _runtime.Client.InspectContainerAsync(sandbox.Location!));
        Assert.Equal(DockerError.NotFound, gone.Error);
        Assert.DoesNotContain(await _runtime.Client.ListContainersAsync(true, [DockerSandboxRuntime.SandboxLabel + "=" + sandbox.Id]), _ => true);
        Assert.Null(await _runtime.InspectAsync(sandbox.Id));
    }

    [Fact]
    public async Task Output_IsOrderedAcrossStreams_ExitCodesReported_AndReplayed()
    {
        var sandbox = await CreateAsync(new SandboxSpec());
        var command = await _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec
        {
            Command = "echo first; sleep 0.3; echo second >&2; sleep 0.3; i=0; while [ $i -lt 300 ]; do echo line$i; i=$((i+1)); done; echo ünïcødé; exit 3",
        });
        var live = new List<OutputChunk>();
        await foreach (var chunk in _runtime.StreamOutputAsync(sandbox.Id, command.Id))
        {
            live.Add(chunk);
        }

        Assert.Equal(Enumerable.Range(1, live.Count).Select(i => (long)i), live.Select(c => c.Sequence));
        Assert.Equal((OutputStream.Stdout, "first\n"), (live[0].Stream, live[0].Text));
        Assert.Equal((OutputStream.Stderr, "second\n"), (live[1].Stream, live[1].Text));
        Assert.Equal(string.Concat(Enumerable.Range(0, 300).Select(i => $"line{i}\n")) + "ünïcødé\n",
            string.Concat(live.Skip(2).Select(c => c.Text)));
        Assert.Equal(3, (await _runtime.WaitForExitAsync(sandbox.Id, command.Id)).ExitCode);

        var replay = new List<OutputChunk>();
        await foreach (var chunk in _runtime.StreamOutputAsync(sandbox.Id, command.Id, afterSequence: 1))
        {
            replay.Add(chunk);
        }

        Assert.Equal(live.Skip(1), replay);
        Assert.Equal(0, (await TestHelpers.RunAsync(_runtime, sandbox.Id, "true")).ExitCode);
        Assert.Equal(127, (await TestHelpers.RunAsync(_runtime, sandbox.Id, "no-such-binary")).ExitCode);
    }

    [Fact]
    public async Task Stop_KillsTheCommandAndItsChildren()
    {
        var sandbox = await CreateAsync(new SandboxSpec());
        // Idle container: docker-init, the idle shell loop and its sleep (3 tasks); the command adds sh + 2 sleeps.
        var command = await _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec { Command = "sleep 1000 & sleep 1000 & trap '' TERM; wait" });
        await WaitForProcessesAsync(sandbox.Id, n => n >= 6);

        await _runtime.StopCommandAsync(sandbox.Id, command.Id, TimeSpan.FromMilliseconds(300));
        Assert.Equal(SandboxCommandState.Exited, (await _runtime.WaitForExitAsync(sandbox.Id, command.Id)).State);
        await WaitForProcessesAsync(sandbox.Id, n => n <= 3);
    }

    [Fact]
    public async Task ForkBomb_IsContainedByThePidsLimit()
    {
        // Asserts the containment property, not timing: the kernel refuses forks inside the container (the shell says
        // so on stderr), the count never passes the limit, the host still forks, and destroy reaps everything. Waits
        // are event-based and generous: under a load average of 50+ the bomb may need many seconds to reach the limit.
        var sandbox = await CreateAsync(new SandboxSpec { Limits = new SandboxLimits { MaxProcesses = 40 } });
        var bomb = await _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec { Command = "(bomb() { bomb & bomb & sleep 30; }; bomb) & exec sleep 120" });
        await TestHelpers.WaitForOutputAsync(_runtime, sandbox.Id, bomb.Id, "fork", TimeSpan.FromSeconds(120));
        for (var i = 0; i < 5; i++)
        {
            Assert.InRange((await _runtime.GetResourceUsageAsync(sandbox.Id)).Processes, 1, 40);
        }

        using (var probe = System.Diagnostics.Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!)
        {
            await probe.WaitForExitAsync();
            Assert.Equal(0, probe.ExitCode);
        }

        await _runtime.DestroyAsync(sandbox.Id);
        Assert.Null(await _runtime.InspectAsync(sandbox.Id));
        Assert.Empty(await _runtime.Client.ListContainersAsync(true, [DockerSandboxRuntime.SandboxLabel + "=" + sandbox.Id]));
    }

    [Fact]
    public async Task TwoInstallationsOnOneDockerd_EachListsAndReconcilesOnlyItsOwnContainers()
    {
        var loggerA = new TestHelpers.ListLogger<DockerSandboxRuntime>();
        var ownerA = "inst-a-" + Guid.NewGuid().ToString("N")[..8];
        var a = NewRuntime(owner: ownerA, logger: loggerA);
        var b = NewRuntime(owner: "inst-b-" + Guid.NewGuid().ToString("N")[..8]);
        var mine = await CreateAsync(new SandboxSpec(), a);
        var theirs = await CreateAsync(new SandboxSpec(), b);

        // A container of a CrowNest version before owner labels: nobody can tell whose it is.
        var legacyId = "t-legacy" + Guid.NewGuid().ToString("N")[..8];
        _ids.Add(legacyId);
        await _runtime.Client.CreateContainerAsync("crownest-" + legacyId, new ContainerCreateRequest
        {
            Image = DockerFixture.Image,
            Cmd = ["/bin/sh", "-c", "sleep 600"],
            Labels = new Dictionary<string, string> { [DockerSandboxRuntime.SandboxLabel] = legacyId },
        });

        var container = await _runtime.Client.InspectContainerAsync(mine.Location!);
        Assert.Equal(ownerA, container.Config!.Labels![DockerSandboxRuntime.OwnerLabel]);

        // Reconcile A as the platform does after a restart with no records: destroy every sandbox A lists.
        var listed = (await a.ListAsync()).Select(s => s.Id).ToList();
        Assert.Contains(mine.Id, listed);
        Assert.DoesNotContain(theirs.Id, listed);
        Assert.DoesNotContain(legacyId, listed);
        foreach (var id in listed)
        {
            await a.DestroyAsync(id);
        }

        Assert.Null(await a.InspectAsync(mine.Id));
        Assert.Equal(SandboxState.Idle, (await b.InspectAsync(theirs.Id))?.State);
        Assert.Equal("still here\n", (await TestHelpers.RunAsync(b, theirs.Id, "echo still here")).Output);
        Assert.NotNull(await _runtime.Client.InspectContainerAsync("crownest-" + legacyId));
        Assert.Contains(theirs.Id, (await b.ListAsync()).Select(s => s.Id));

        // The unlabelled container is reported once, not on every pass.
        await a.ListAsync();
        Assert.Single(loggerA.Messages, m => m.Contains(legacyId, StringComparison.Ordinal) && m.Contains("left alone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MemoryHog_IsKilledByTheMemoryLimit()
    {
        var sandbox = await CreateAsync(new SandboxSpec { Limits = new SandboxLimits { MemoryBytes = 96L * 1024 * 1024 } });
        var (code, output) = await TestHelpers.RunAsync(_runtime, sandbox.Id,
            "node -e \"const a=[]; for (let i=0;i<1024;i++) { a.push(Buffer.alloc(1<<20, 1)); } console.log('survived', a.length)\"");
        Assert.NotEqual(0, code);
        Assert.DoesNotContain("survived", output, StringComparison.Ordinal);
        Assert.Equal((0, "16777216\n"), await TestHelpers.RunAsync(_runtime, sandbox.Id, "node -e \"console.log(Buffer.alloc(16<<20, 1).length)\""));
    }

    [Fact]
    public async Task CpuTimeLimit_TerminatesABusyLoop()
    {
        var sandbox = await CreateAsync(new SandboxSpec { Limits = new SandboxLimits { CpuTimePerProcess = TimeSpan.FromSeconds(1) } });
        var (code, _) = await TestHelpers.RunAsync(_runtime, sandbox.Id, "node -e \"for(;;){}\"");
        Assert.Contains(code, new[] { 128 + 24, 128 + 9 });
    }

    [Fact]
    public async Task NewRuntimeInstance_ListsAndDestroysSandboxesOfThePreviousOne()
    {
        var sandbox = await CreateAsync(new SandboxSpec { Ports = [8080] });
        var command = await _runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec { Command = TestHelpers.NodeHttpServer("'up'") });
        Assert.Equal("up", await TestHelpers.GetWhenUpAsync(sandbox.Ports[0].HostPort));

        var restarted = NewRuntime();
        var listed = Assert.Single(await restarted.ListAsync(), s => s.Id == sandbox.Id);
        Assert.Equal(SandboxState.Running, listed.State);
        Assert.Equal(sandbox.Ports, listed.Ports);
        Assert.Equal(sandbox.Limits, listed.Limits);
        var listedCommand = Assert.Single(listed.Commands);
        Assert.Equal((command.Id, command.Command, SandboxCommandState.Running), (listedCommand.Id, listedCommand.Command, listedCommand.State));

        await restarted.DestroyAsync(sandbox.Id);
        Assert.DoesNotContain(await _runtime.ListAsync(), s => s.Id == sandbox.Id);
        Assert.Equal(SandboxCommandState.Exited, (await _runtime.WaitForExitAsync(sandbox.Id, command.Id)).State);
    }

    [Fact]
    public async Task WriteFiles_WritesAVersionInOneGoAndRejectsTraversal()
    {
        var sandbox = await CreateAsync(new SandboxSpec());
        await _runtime.WriteFilesAsync(sandbox.Id, [new SandboxFile("a.txt", "one"u8.ToArray()), new SandboxFile("src/deep/b.txt", "two"u8.ToArray()), new SandboxFile("src/c.txt", "three"u8.ToArray())]);
        Assert.Equal((0, "one two three"), await TestHelpers.RunAsync(_runtime, sandbox.Id, "echo -n $(cat a.txt) $(cat src/deep/b.txt) $(cat src/c.txt)"));
        Assert.Equal((0, "1000:1000\n1000:1000\n"), await TestHelpers.RunAsync(_runtime, sandbox.Id, "stat -c %u:%g a.txt src/deep/b.txt"));
        await _runtime.WriteFilesAsync(sandbox.Id, [new SandboxFile("a.txt", "uno"u8.ToArray()), new SandboxFile("src/deep/b.txt", "dos"u8.ToArray())]);
        Assert.Equal((0, "uno dos"), await TestHelpers.RunAsync(_runtime, sandbox.Id, "echo -n $(cat a.txt) $(cat src/deep/b.txt)"));
        var traversal = await Assert.ThrowsAsync<SandboxException>(() => _runtime.WriteFilesAsync(sandbox.Id, [new SandboxFile("ok.txt", "x"u8.ToArray()), new SandboxFile("../escape.txt", "x"u8.ToArray())]));
        Assert.Equal(SandboxErrorCode.InvalidArgument, traversal.Code);
    }

    [Fact]
    public async Task Files_AreUploadedDeletedAndConfinedToTheSandbox()
    {
        var sandbox = await CreateAsync(new SandboxSpec());
        await _runtime.WriteFileAsync(sandbox.Id, "src/deep/file.txt", "v1"u8.ToArray());
        await _runtime.WriteFileAsync(sandbox.Id, "src/deep/file.txt", "v2"u8.ToArray());
        Assert.Equal((0, "v2"), await TestHelpers.RunAsync(_runtime, sandbox.Id, "cat src/deep/file.txt"));
        Assert.Equal((0, "1000:1000\n"), await TestHelpers.RunAsync(_runtime, sandbox.Id, "stat -c %u:%g src/deep/file.txt"));

        await _runtime.DeleteFileAsync(sandbox.Id, "src/deep/file.txt");
        Assert.Equal(1, (await TestHelpers.RunAsync(_runtime, sandbox.Id, "test -e src/deep/file.txt")).ExitCode);
        var traversal = await Assert.ThrowsAsync<SandboxException>(() => _runtime.WriteFileAsync(sandbox.Id, "../etc/passwd", "x"u8.ToArray()));
        Assert.Equal(SandboxErrorCode.InvalidArgument, traversal.Code);
    }

    [Fact]
    public async Task MissingImage_IsATypedError()
    {
        var runtime = NewRuntime(new DockerRuntimeOptions { Image = "crownest-sandbox:does-not-exist" });
        var error = await Assert.ThrowsAsync<SandboxException>(() => runtime.CreateAsync(new SandboxSpec()));
        Assert.Equal(SandboxErrorCode.ImageNotFound, error.Code);
    }

    private async Task WaitForProcessesAsync(string sandboxId, Func<int, bool> condition)
    {
        var deadline = DateTime.UtcNow + TestHelpers.Timeout;
        int count;
        while (!condition(count = (await _runtime.GetResourceUsageAsync(sandboxId)).Processes))
        {
            Assert.True(DateTime.UtcNow < deadline, $"process count {count} never matched");
            await Task.Delay(100);
        }
    }

    private async Task<SandboxInfo> CreateAsync(SandboxSpec spec, DockerSandboxRuntime? runtime = null)
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        _ids.Add(id);
        return await (runtime ?? _runtime).CreateAsync(spec with { Id = id });
    }

    private DockerSandboxRuntime NewRuntime(DockerRuntimeOptions? docker = null, string? owner = null, ILogger<DockerSandboxRuntime>? logger = null)
    {
        var options = new SandboxOptions { OwnerId = owner, Docker = docker ?? new DockerRuntimeOptions { Image = DockerFixture.Image } };
        var runtime = new DockerSandboxRuntime(TestHelpers.Options(options), logger ?? TestHelpers.Logger<DockerSandboxRuntime>());
        _runtimes.Add(runtime);
        return runtime;
    }
}
