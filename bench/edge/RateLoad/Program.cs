using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

// Constant-rate (open-loop) HTTP/1.1 load generator for bench/edge/run.sh's half-load comparison, like wrk2's -R
// (wrk2 is not a Debian package; Debian's wrk has no constant-rate mode):
//   RateLoad <port> <rate req/s> <seconds> [connections=64] [warmup seconds=2] [header: value]...
// Request i is due at start + i / rate, whatever happened before. A due request goes out on an idle keep-alive
// connection; when none is idle it waits for one. Its latency is measured from its due time to the last byte of its
// response, so a stall of the target counts for every request it delayed (no coordinated omission), and the offered
// rate does not drop when the target is slow. The warm-up runs at the same rate and is not recorded.
// One thread and one epoll set (Linux x64/arm64), like wrk. It still costs ~25-40 us of CPU per request (mostly the
// kernel's loopback TCP work), so bench/edge/run.sh pins it to a CPU of its own (PIN=1).
// Prints one line: "sent rps p50 p90 p99 p99.9 max (ms) late errors"; late = requests that found no idle connection
// at their due time; errors = non-2xx, broken or unanswered responses.
if (args.Length < 3)
{
    await Console.Error.WriteLineAsync("usage: RateLoad <port> <rate> <seconds> [connections] [warmup seconds] [header: value]...");
    return 2;
}

var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var rate = double.Parse(args[1], CultureInfo.InvariantCulture);
var seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
var connections = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 64;
var warmup = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 2;
var headers = args.Skip(5).ToList();
var request = new StringBuilder("GET / HTTP/1.1\r\n");
if (!headers.Any(h => h.StartsWith("Host:", StringComparison.OrdinalIgnoreCase)))
{
    request.Append("Host: 127.0.0.1\r\n");
}

foreach (var header in headers)
{
    request.Append(header).Append("\r\n");
}

var load = new Load(port, Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), connections, (int)(rate * seconds * 1.1) + 1024);
Console.WriteLine(load.Run(rate, warmup, seconds));
return 0;

internal sealed class Load
{
    private readonly int _port;
    private readonly byte[] _request;
    private readonly long[] _latencies;
    private readonly Connection[] _connections;
    private readonly Stack<Connection> _idle = new();
    private readonly int _epoll;
    private int _count;
    private int _errors;

    public Load(int port, byte[] request, int connectionCount, int capacity)
    {
        _port = port;
        _request = request;
        _latencies = new long[capacity];
        _epoll = Native.EpollCreate();
        _connections = new Connection[connectionCount];
        for (var i = 0; i < connectionCount; i++)
        {
            _connections[i] = new Connection(i);
            Connect(_connections[i]);
            _idle.Push(_connections[i]);
        }
    }

    public string Run(double rate, double warmupSeconds, double seconds)
    {
        var interval = Stopwatch.Frequency / rate;
        var pending = new Queue<long>();
        var events = new byte[Native.EventSize * _connections.Length];
        var start = Stopwatch.GetTimestamp();
        var recordFrom = start + (long)(warmupSeconds * Stopwatch.Frequency);
        var end = recordFrom + (long)(seconds * Stopwatch.Frequency);
        var drainUntil = end + (Stopwatch.Frequency * 2);
        long sent = 0, late = 0, index = 0;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= end && (now >= drainUntil || (_idle.Count == _connections.Length && pending.Count == 0)))
            {
                break;
            }

            for (var due = start + (long)(index * interval); due <= now && due < end; due = start + (long)(++index * interval))
            {
                pending.Enqueue(due);
            }

            while (pending.Count > 0 && _idle.TryPop(out var c))
            {
                var due = pending.Dequeue();
                c.Due = due;
                c.Record = due >= recordFrom;
                if (c.Record)
                {
                    sent++;
                    late += now - due > interval ? 1 : 0;
                }

                var written = c.Socket!.Send(_request, SocketFlags.None, out var error);
                if (error != SocketError.Success || written != _request.Length)
                {
                    Fail(c);
                }
            }

            // Sleep until the next request is due, or a response arrives.
            var next = start + (long)(index * interval);
            var wait = pending.Count > 0 || now >= end ? Stopwatch.Frequency / 1000 : next - Stopwatch.GetTimestamp();
            var ready = Native.EpollWait(_epoll, events, Math.Max(0, wait * 1_000_000_000 / Stopwatch.Frequency));
            for (var i = 0; i < ready; i++)
            {
                Read(_connections[Native.EventData(events, i)]);
            }
        }

        // Requests still queued when the drain time ran out were due but never sent: unanswered, counted as errors.
        sent += pending.Count(due => due >= recordFrom);
        Array.Sort(_latencies, 0, _count);
        var n = _count;
        string Ms(long ticks) => (ticks * 1000.0 / Stopwatch.Frequency).ToString("F3", CultureInfo.InvariantCulture);
        string P(double q) => n == 0 ? "nan" : Ms(_latencies[Math.Min(n - 1, (int)Math.Ceiling(q * n) - 1)]);
        var unanswered = sent - n - _errors;
        foreach (var c in _connections)
        {
            c.Socket?.Dispose();
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{sent} {n / seconds:F1} {P(0.50)} {P(0.90)} {P(0.99)} {P(0.999)} {(n == 0 ? "nan" : Ms(_latencies[n - 1]))} {late} {_errors + unanswered}");
    }

    private void Connect(Connection c)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(IPAddress.Loopback, _port);
        socket.Blocking = false;
        c.Socket = socket;
        c.Length = 0;
        Native.EpollAdd(_epoll, (int)socket.Handle, c.Index);
    }

    /// <summary>Reads what arrived; completes the connection's request once its whole response is in.</summary>
    private void Read(Connection c)
    {
        var eof = false;
        while (true)
        {
            if (c.Length == c.Buffer.Length)
            {
                Fail(c);
                return;
            }

            var read = c.Socket!.Receive(c.Buffer.AsSpan(c.Length), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                break;
            }

            if (error != SocketError.Success)
            {
                Fail(c);
                return;
            }

            if (read == 0)
            {
                // Closed by the server: fine right after a complete response (nginx's keepalive_requests).
                eof = true;
                break;
            }

            c.Length += read;
        }

        var data = c.Buffer.AsSpan(0, c.Length);
        var headerEnd = data.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            if (eof)
            {
                Fail(c);
            }

            return;
        }

        var (contentLength, close) = ParseHead(data[..headerEnd]);
        if (contentLength < 0)
        {
            Fail(c);
            return;
        }

        if (c.Length < headerEnd + 4 + contentLength)
        {
            if (eof)
            {
                Fail(c);
            }

            return;
        }

        var now = Stopwatch.GetTimestamp();
        var ok = data.Length > 9 && data[9] == (byte)'2';
        c.Length = 0;
        if (c.Record)
        {
            if (ok)
            {
                _latencies[_count++] = now - c.Due;
            }
            else
            {
                _errors++;
            }
        }

        if (close || eof)
        {
            // The server ends this keep-alive connection (nginx after keepalive_requests): a new one, as wrk does.
            c.Socket!.Dispose();
            try
            {
                Connect(c);
            }
            catch (SocketException)
            {
                c.Socket = null;
                return;
            }
        }

        _idle.Push(c);
    }

    /// <summary>Content-Length (-1 when absent) and whether the server closes the connection after this response.</summary>
    private static (int ContentLength, bool Close) ParseHead(ReadOnlySpan<byte> head)
    {
        var length = -1;
        var close = false;
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            const string contentLength = "Content-Length:";
            const string connection = "Connection:";
            if (line.Length > contentLength.Length && Ascii.EqualsIgnoreCase(line[..contentLength.Length], contentLength))
            {
                length = int.Parse(Encoding.ASCII.GetString(line[contentLength.Length..]).Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.Length > connection.Length && Ascii.EqualsIgnoreCase(line[..connection.Length], connection))
            {
                close = Encoding.ASCII.GetString(line[connection.Length..]).Contains("close", StringComparison.OrdinalIgnoreCase);
            }
        }

        return (length, close);
    }

    /// <summary>A broken exchange counts as an error and the connection starts over (its state is unknown).</summary>
    private void Fail(Connection c)
    {
        if (c.Record)
        {
            _errors++;
        }

        c.Socket?.Dispose();
        try
        {
            Connect(c);
        }
        catch (SocketException)
        {
            c.Socket = null;
            return;
        }

        _idle.Push(c);
    }

    private sealed class Connection(int index)
    {
        public int Index { get; } = index;

        public byte[] Buffer { get; } = new byte[64 * 1024];

        public Socket? Socket { get; set; }

        public int Length { get; set; }

        public long Due { get; set; }

        public bool Record { get; set; }
    }
}

internal static partial class Native
{
    private const int EpollCtlAdd = 1;
    private const uint EpollIn = 1;

    // struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16 bytes).
    public static int EventSize { get; } = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static int DataOffset => EventSize == 12 ? 4 : 8;

    public static int EpollCreate()
    {
        var fd = EpollCreate1(0);
        return fd >= 0 ? fd : throw new InvalidOperationException("epoll_create1 failed: " + Marshal.GetLastPInvokeError());
    }

    public static void EpollAdd(int epoll, int fd, int data)
    {
        var ev = new byte[EventSize];
        BinaryPrimitives.WriteUInt32LittleEndian(ev, EpollIn);
        BinaryPrimitives.WriteInt64LittleEndian(ev.AsSpan(DataOffset), data);
        if (EpollCtl(epoll, EpollCtlAdd, fd, ev) != 0)
        {
            throw new InvalidOperationException("epoll_ctl failed: " + Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Waits at most <paramref name="nanoseconds"/> (epoll_pwait2: sub-millisecond timeouts).</summary>
    public static int EpollWait(int epoll, byte[] events, long nanoseconds)
    {
        var timeout = new Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
        var n = EpollPwait2(epoll, events, events.Length / EventSize, ref timeout, IntPtr.Zero);
        return n < 0 ? 0 : n; // EINTR
    }

    public static int EventData(byte[] events, int i) =>
        (int)BinaryPrimitives.ReadInt64LittleEndian(events.AsSpan((i * EventSize) + DataOffset));

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static extern int EpollCreate1(int flags);

    [DllImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static extern int EpollCtl(int epoll, int op, int fd, byte[] ev);

    [DllImport("libc", EntryPoint = "epoll_pwait2", SetLastError = true)]
    private static extern int EpollPwait2(int epoll, byte[] events, int maxEvents, ref Timespec timeout, IntPtr sigmask);
}
