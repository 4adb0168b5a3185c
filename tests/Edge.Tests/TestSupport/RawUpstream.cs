using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CrowNest.Edge.Tests.TestSupport;

/// <summary>One request as a raw-socket upstream read it: method, target, headers, body and which connection it came on.</summary>
public sealed record RawRequest(string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, int Connection, int IndexOnConnection)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>What a raw upstream does with a request: bytes to send back, then keep the connection or close it.</summary>
public sealed record RawReply(byte[] Bytes, bool Close = false, bool Reset = false)
{
    public static RawReply Text(string text, bool close = false) => new(Encoding.Latin1.GetBytes(text), close);

    /// <summary>Reads the request and closes the connection without answering.</summary>
    public static RawReply Hangup { get; } = new([], Close: true);
}

/// <summary>
/// A TCP server speaking hand-written HTTP/1.1: it parses each request (Content-Length or chunked body) and answers
/// with exactly the bytes the test gives, so framing edge cases (chunked, close-delimited, no body) are exact.
/// </summary>
public sealed class RawUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<RawRequest, RawReply> _reply;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _loop;
    private int _connections;

    public RawUpstream(Func<RawRequest, RawReply> reply)
    {
        _reply = reply;
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri Url(string pathAndQuery = "/") => new($"http://127.0.0.1:{Port}{pathAndQuery}");

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public List<RawRequest> Requests { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
        }

        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            var index = Interlocked.Increment(ref _connections);
            lock (_sockets)
            {
                _sockets.Add(socket);
            }

            _ = Task.Run(() => ServeAsync(socket, index));
        }
    }

    private async Task ServeAsync(Socket socket, int connection)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        try
        {
            for (var n = 1; ; n++)
            {
                var head = await ReadUntilAsync(stream, buffer, chunk, "\r\n\r\n"u8.ToArray());
                if (head is null)
                {
                    return;
                }

                var lines = Encoding.Latin1.GetString(head).Split("\r\n");
                var start = lines[0].Split(' ');
                var headers = lines.Skip(1).Where(l => l.Length > 0).Select(l => (l[..l.IndexOf(':')], l[(l.IndexOf(':') + 1)..].Trim())).ToList();
                var body = new List<byte>();
                var length = headers.FirstOrDefault(h => h.Item1.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Item2;
                if (headers.Any(h => h.Item1.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Item2.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
                {
                    while (true)
                    {
                        var sizeLine = Encoding.Latin1.GetString((await ReadUntilAsync(stream, buffer, chunk, "\r\n"u8.ToArray()))!);
                        var size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
                        if (size == 0)
                        {
                            await ReadUntilAsync(stream, buffer, chunk, "\r\n"u8.ToArray());
                            break;
                        }

                        body.AddRange(await ReadExactlyAsync(stream, buffer, chunk, size));
                        await ReadExactlyAsync(stream, buffer, chunk, 2);
                    }
                }
                else if (length is not null)
                {
                    body.AddRange(await ReadExactlyAsync(stream, buffer, chunk, int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)));
                }

                var request = new RawRequest(start[0], start[1], headers, [.. body], connection, n);
                lock (Requests)
                {
                    Requests.Add(request);
                }

                var reply = _reply(request);
                if (reply.Reset)
                {
                    socket.LingerState = new LingerOption(true, 0);
                    return;
                }

                await stream.WriteAsync(reply.Bytes);
                if (reply.Close)
                {
                    socket.Shutdown(SocketShutdown.Both);
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task<byte[]?> ReadUntilAsync(NetworkStream stream, List<byte> buffer, byte[] chunk, byte[] delimiter)
    {
        while (true)
        {
            var at = IndexOf(buffer, delimiter);
            if (at >= 0)
            {
                var result = buffer.GetRange(0, at).ToArray();
                buffer.RemoveRange(0, at + delimiter.Length);
                return result;
            }

            var read = await stream.ReadAsync(chunk);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, List<byte> buffer, byte[] chunk, int count)
    {
        while (buffer.Count < count)
        {
            var read = await stream.ReadAsync(chunk);
            if (read == 0)
            {
                throw new IOException("eof");
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        var result = buffer.GetRange(0, count).ToArray();
        buffer.RemoveRange(0, count);
        return result;
    }

    private static int IndexOf(List<byte> buffer, byte[] delimiter)
    {
        for (var i = 0; i + delimiter.Length <= buffer.Count; i++)
        {
            var match = true;
            for (var j = 0; j < delimiter.Length && match; j++)
            {
                match = buffer[i + j] == delimiter[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
