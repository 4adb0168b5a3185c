using System.Text;
using CrowNest.Sandboxes.Output;

namespace CrowNest.Sandboxes.Tests;

public sealed class OutputLogTests
{
    [Fact]
    public async Task ReplayBuffer_IsBounded_AndLiveReadersSeeEverythingAfterwards()
    {
        var log = new OutputLog(4096);
        for (var i = 0; i < 100; i++)
        {
            log.Append(OutputStream.Stdout, new string('x', 100));
        }

        var retained = new List<OutputChunk>();
        var reader = Task.Run(async () =>
        {
            await foreach (var chunk in log.ReadAsync(0))
            {
                retained.Add(chunk);
            }
        });
        await Task.Delay(100);
        log.Append(OutputStream.Stderr, "late");
        log.Complete();
        await reader.WaitAsync(TestHelpers.Timeout);

        Assert.True(retained.Count < 30, "old chunks are dropped");
        Assert.Equal(101, retained[^1].Sequence);
        Assert.Equal("late", retained[^1].Text);
        Assert.Equal(Enumerable.Range((int)retained[0].Sequence, retained.Count).Select(i => (long)i), retained.Select(c => c.Sequence));
    }

    [Fact]
    public async Task Pump_NeverSplitsMultiByteCharacters()
    {
        var log = new OutputLog(1 << 20);
        var bytes = Encoding.UTF8.GetBytes("héllo wörld ✓");
        await log.PumpAsync(new OneByteStream(bytes), OutputStream.Stdout);
        log.Complete();
        var text = new StringBuilder();
        await foreach (var chunk in log.ReadAsync(0))
        {
            Assert.DoesNotContain('\uFFFD', chunk.Text);
            text.Append(chunk.Text);
        }

        Assert.Equal("héllo wörld ✓", text.ToString());
    }

    private sealed class OneByteStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
