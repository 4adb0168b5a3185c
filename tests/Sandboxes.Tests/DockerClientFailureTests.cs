using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using CrowNest.Sandboxes.Docker;

namespace CrowNest.Sandboxes.Tests;

/// <summary>
/// How the Docker client fails when the daemon's answer is broken: every failure is a classified
/// <see cref="DockerException"/> and a truncated stream is never reported as a complete one. Runs without dockerd:
/// the frame reader works on byte streams, the HTTP cases on a real unix-socket server that answers scripted bytes.
/// </summary>
public sealed class DockerClientFailureTests
{
    [Fact]
    public async Task Frames_AreReassembled_FromAStreamThatDeliversOneByteAtATime()
    {
        var bytes = Concat(Frame(1, "out1\n"), Frame(2, "err1\n"), Frame(1, ""), Frame(1, "out2\n"));
        var frames = await ReadAllAsync(new TrickleStream(bytes));
        Assert.Equal(
            [(DockerStreamType.Stdout, "out1\n"), (DockerStreamType.Stderr, "err1\n"), (DockerStreamType.Stdout, ""), (DockerStreamType.Stdout, "out2\n")],
            frames.Select(f => (f.Stream, Encoding.UTF8.GetString(f.Payload.Span))));
    }

    [Fact]
    public async Task EmptyStream_HasNoFrames()
    {
        Assert.Empty(await ReadAllAsync(new MemoryStream()));
    }

    [Theory]
    [InlineData(3, "frame header (3 of 8 bytes)")]
    [InlineData(8 + 2, "inside a frame (2 of 5 bytes)")]
    public async Task StreamEndingInsideAFrame_Throws(int keep, string expected)
    {
        var bytes = Frame(1, "hello")[..keep];
        var ex = await Assert.ThrowsAsync<DockerException>(() => ReadAllAsync(new MemoryStream(bytes)));
        Assert.Equal(DockerError.Unexpected, ex.Error);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FramesBeforeABreak_AreDelivered_ThenTheBreakThrows()
    {
        var bytes = Concat(Frame(1, "complete\n"), Frame(1, "cut")[..9]);
        var seen = new List<string>();
        var ex = await Assert.ThrowsAsync<DockerException>(async () =>
        {
            await foreach (var frame in DockerClient.ReadFramesAsync(new MemoryStream(bytes)))
            {
                seen.Add(Encoding.UTF8.GetString(frame.Payload.Span));
            }
        });
        Assert.Equal(["complete\n"], seen);
        Assert.Equal(DockerError.Unexpected, ex.Error);
    }

    [Fact]
    public async Task TtyStream_IsRefused_NotMisreadAsFrames()
    {
        // A TTY exec's output is raw text: its first bytes would otherwise be read as a frame header and length.
        var ex = await Assert.ThrowsAsync<DockerException>(() => ReadAllAsync(new MemoryStream("hello world, this is a tty\n"u8.ToArray())));
        Assert.Equal(DockerError.Unexpected, ex.Error);
        Assert.Contains("Not a multiplexed output stream", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedFrame_IsRefused_WithoutAllocatingIt()
    {
        var header = new byte[8];
        header[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), uint.MaxValue);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = await Assert.ThrowsAsync<DockerException>(() => ReadAllAsync(new MemoryStream(header)));
        Assert.Contains("exceeds", ex.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < DockerClient.MaxFrameLength, "the 4 GB frame must not be allocated");
    }

    [Fact]
    public async Task DaemonErrorFrame_Throws_WithTheDaemonsMessage()
    {
        var bytes = Concat(Frame(1, "partial output\n"), Frame(3, "container was removed"));
        var ex = await Assert.ThrowsAsync<DockerException>(() => ReadAllAsync(new MemoryStream(bytes)));
        Assert.Equal(DockerError.ServerError, ex.Error);
        Assert.Contains("container was removed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenConnection_WhileReadingFrames_IsDaemonUnavailable()
    {
        var ex = await Assert.ThrowsAsync<DockerException>(() => ReadAllAsync(new FailingStream(Frame(1, "ok\n"))));
        Assert.Equal(DockerError.DaemonUnavailable, ex.Error);
        Assert.IsType<IOException>(ex.InnerException);
    }

    [Fact]
    public async Task ConnectionClosedWithoutAResponse_IsADockerException()
    {
        await using var stub = await UnixHttpStub.StartAsync(_ => []);
        using var client = new DockerClient(stub.Path);
        var ex = await Assert.ThrowsAsync<DockerException>(() => client.GetVersionAsync());
        Assert.Equal(DockerError.Unexpected, ex.Error);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task GarbageInsteadOfHttp_IsADockerException()
    {
        await using var stub = await UnixHttpStub.StartAsync(_ => "SSH-2.0-OpenSSH_9.2\r\n"u8.ToArray());
        using var client = new DockerClient(stub.Path);
        var ex = await Assert.ThrowsAsync<DockerException>(() => client.InspectContainerAsync("c1"));
        Assert.Equal(DockerError.Unexpected, ex.Error);
    }

    [Fact]
    public async Task BodyCutShort_IsADockerException_WithTheStatus()
    {
        await using var stub = await UnixHttpStub.StartAsync(_ => Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"Version\":\"27.0\""));
        using var client = new DockerClient(stub.Path);
        var ex = await Assert.ThrowsAsync<DockerException>(() => client.GetVersionAsync());
        Assert.Equal((DockerError.Unexpected, 200), (ex.Error, ex.StatusCode));
        Assert.Contains("broke off", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorStatus_WithABodyCutShort_IsStillClassifiedByStatus()
    {
        await using var stub = await UnixHttpStub.StartAsync(_ => Encoding.ASCII.GetBytes(
            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"message\":\"No such"));
        using var client = new DockerClient(stub.Path);
        var ex = await Assert.ThrowsAsync<DockerException>(() => client.InspectContainerAsync("c1"));
        Assert.Equal((DockerError.NotFound, 404), (ex.Error, ex.StatusCode));
    }

    [Fact]
    public async Task MalformedEvent_IsADockerException_AfterTheGoodOnes()
    {
        await using var stub = await UnixHttpStub.StartAsync(_ => Encoding.ASCII.GetBytes(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
            + "{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"c1\"}}\n"
            + "{\"Type\":\"container\",\"Action\":\n"));
        using var client = new DockerClient(stub.Path);
        var actions = new List<string?>();
        var ex = await Assert.ThrowsAsync<DockerException>(async () =>
        {
            await foreach (var e in client.MonitorEventsAsync(["dev.crownest.test"]))
            {
                actions.Add(e.Action);
            }
        });
        Assert.Equal(["start"], actions);
        Assert.Equal(DockerError.Unexpected, ex.Error);
    }

    [Fact]
    public async Task RequestPath_CarriesThePinnedApiVersion_AndEscapedIds()
    {
        string? requestLine = null;
        await using var stub = await UnixHttpStub.StartAsync(head =>
        {
            requestLine = head.Split("\r\n")[0];
            const string body = "{\"message\":\"no such thing\"}";
            return Encoding.ASCII.GetBytes($"HTTP/1.1 404 Not Found\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        });
        using var client = new DockerClient(stub.Path, apiVersion: "1.43");
        var ex = await Assert.ThrowsAsync<DockerException>(() => client.InspectContainerAsync("a/../b"));
        Assert.Equal(DockerError.NotFound, ex.Error);
        Assert.Equal("GET /v1.43/containers/a%2F..%2Fb/json HTTP/1.1", requestLine);
    }

    private static async Task<List<DockerStreamFrame>> ReadAllAsync(Stream stream)
    {
        var frames = new List<DockerStreamFrame>();
        await foreach (var frame in DockerClient.ReadFramesAsync(stream))
        {
            frames.Add(frame);
        }

        return frames;
    }

    private static byte[] Frame(byte type, string payload)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        var frame = new byte[8 + body.Length];
        frame[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)body.Length);
        body.CopyTo(frame, 8);
        return frame;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>Delivers its bytes one per read, like a socket under load, so frames arrive split at every offset.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }

    /// <summary>Delivers its bytes, then fails the next read the way a reset connection does.</summary>
    private sealed class FailingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await base.ReadAsync(buffer, cancellationToken);
            return n > 0 ? n : throw new IOException("Connection reset by peer");
        }
    }

    /// <summary>A unix-socket server that reads one request head per connection and answers scripted bytes, then closes.</summary>
    private sealed class UnixHttpStub : IAsyncDisposable
    {
        private readonly Socket _listener;
        private readonly Task _loop;
        private readonly CancellationTokenSource _stop = new();

        private UnixHttpStub(string path, Socket listener, Func<string, byte[]> answer)
        {
            Path = path;
            _listener = listener;
            _loop = Task.Run(() => AcceptAsync(answer));
        }

        public string Path { get; }

        public static Task<UnixHttpStub> StartAsync(Func<string, byte[]> answer)
        {
            var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"crownest-docker-stub-{Guid.NewGuid():N}.sock");
            var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(16);
            return Task.FromResult(new UnixHttpStub(path, listener, answer));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Dispose();
            try
            {
                await _loop;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }

            File.Delete(Path);
            _stop.Dispose();
        }

        private async Task AcceptAsync(Func<string, byte[]> answer)
        {
            while (!_stop.IsCancellationRequested)
            {
                using var connection = await _listener.AcceptAsync(_stop.Token);
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                var response = answer(head.ToString());
                if (response.Length > 0)
                {
                    await connection.SendAsync(response, SocketFlags.None, _stop.Token);
                }

                connection.Shutdown(SocketShutdown.Both);
            }
        }
    }
}
