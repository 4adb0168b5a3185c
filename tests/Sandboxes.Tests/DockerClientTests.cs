using System.Text;
using CrowNest.Sandboxes.Docker;

namespace CrowNest.Sandboxes.Tests;

public sealed class DockerClientTests(DockerFixture fixture)
{
    [Fact]
    public async Task Version_IsTheOneThePinnedApiSupports()
    {
        fixture.SkipIfUnavailable();
        using var client = DockerFixture.NewClient();
        var version = await client.GetVersionAsync();
        Assert.False(string.IsNullOrEmpty(version.Version));
        Assert.True(Version.Parse(version.ApiVersion!) >= new Version(1, 41));
    }

    [Fact]
    public async Task Errors_AreClassified()
    {
        fixture.SkipIfUnavailable();
        using var client = DockerFixture.NewClient();
        Assert.Equal(DockerError.NotFound, (await Assert.ThrowsAsync<DockerException>(() => client.InspectContainerAsync("crownest-no-such-container"))).Error);
        Assert.Equal(DockerError.NotFound, (await Assert.ThrowsAsync<DockerException>(() => client.InspectImageAsync("crownest-no-such-image:x"))).Error);

        using var offline = new DockerClient("/tmp/crownest-no-docker-here.sock");
        Assert.Equal(DockerError.DaemonUnavailable, (await Assert.ThrowsAsync<DockerException>(() => offline.GetVersionAsync())).Error);

        var name = "crownest-test-" + Guid.NewGuid().ToString("N")[..8];
        await client.CreateContainerAsync(name, new ContainerCreateRequest { Image = DockerFixture.Image, Cmd = ["true"] });
        try
        {
            var conflict = await Assert.ThrowsAsync<DockerException>(() => client.CreateContainerAsync(name, new ContainerCreateRequest { Image = DockerFixture.Image, Cmd = ["true"] }));
            Assert.Equal((DockerError.Conflict, 409), (conflict.Error, conflict.StatusCode));
        }
        finally
        {
            await client.RemoveContainerAsync(name, force: true);
        }
    }

    [Fact]
    public async Task Logs_AreDemultiplexed_AndEventsStreamedForLabelledContainers()
    {
        fixture.SkipIfUnavailable();
        using var client = DockerFixture.NewClient();
        var label = "dev.crownest.test=" + Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource(TestHelpers.Timeout);
        var events = new List<DockerEvent>();
        var sawDie = new TaskCompletionSource();
        var monitor = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in client.MonitorEventsAsync([label], cts.Token))
                {
                    events.Add(e);
                    if (e.Action == "die")
                    {
                        sawDie.TrySetResult();
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await Task.Delay(300); // let the events subscription reach the daemon

        var created = await client.CreateContainerAsync(null, new ContainerCreateRequest
        {
            Image = DockerFixture.Image,
            Cmd = ["/bin/sh", "-c", "echo out1; echo err1 >&2; echo out2"],
            Labels = new Dictionary<string, string> { [label.Split('=')[0]] = label.Split('=')[1] },
        });
        try
        {
            await client.StartContainerAsync(created.Id);
            await sawDie.Task.WaitAsync(cts.Token);
            var frames = new List<DockerStreamFrame>();
            await using (var logs = await client.GetContainerLogsAsync(created.Id, follow: false))
            {
                await foreach (var frame in DockerClient.ReadFramesAsync(logs))
                {
                    frames.Add(frame);
                }
            }

            string Text(DockerStreamType type) => string.Concat(frames.Where(f => f.Stream == type).Select(f => Encoding.UTF8.GetString(f.Payload.Span)));
            Assert.Equal("out1\nout2\n", Text(DockerStreamType.Stdout));
            Assert.Equal("err1\n", Text(DockerStreamType.Stderr));
            Assert.Contains(events, e => e.Action == "start" && e.Actor?.Id == created.Id);
            Assert.Contains(events, e => e.Action == "die" && e.Actor?.Attributes?["exitCode"] == "0");
        }
        finally
        {
            await cts.CancelAsync();
            await monitor;
            await client.RemoveContainerAsync(created.Id, force: true);
        }
    }
}
