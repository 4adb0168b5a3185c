using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CrowNest.Bench.Edge;

/// <summary>
/// <c>EdgeBench lean &lt;port&gt; &lt;upstream port&gt;</c>: the floor of a Kestrel-hosted HTTP/1.1 forwarder. Kestrel (as the
/// bare YARP row hosts it, <c>AddServerHeader = false</c> like the edge) and per request: a pooled keep-alive socket to
/// the upstream, the request head written in one send (method, raw target, headers minus <c>Authorization</c>, hop-by-hop
/// and client <c>X-Forwarded-*</c>, plus <c>X-Forwarded-For/Proto/Host</c>), the body, the response head parsed in the
/// connection's buffer, status/headers/body copied into Kestrel's response (<c>BodyWriter</c>, no flush: Kestrel sends
/// head and body in one write when the request completes). No HttpRequestMessage, no HttpClient, no YARP.
/// Bench code: Content-Length, no-body and until-close responses only (a chunked upstream response answers 502).
/// </summary>
internal static class LeanForwarder
{
    public static async Task<int> RunAsync(string[] args)
    {
        var port = int.Parse(args[1], CultureInfo.InvariantCulture);
        var upstream = new IPEndPoint(IPAddress.Loopback, int.Parse(args[2], CultureInfo.InvariantCulture));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        // The same transport knob as the other roles (EDGEBENCH_KESTREL_INLINE=1, with
        // DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 the whole request runs on the epoll threads).
        if (Environment.GetEnvironmentVariable("EDGEBENCH_KESTREL_INLINE") == "1")
        {
            builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        }

        var app = builder.Build();
        var pool = new LeanPool(upstream);
        app.Run(pool.ForwardAsync);
        BenchStats.Start();
        await app.RunAsync();
        return 0;
    }
}

/// <summary>The upstream's keep-alive connections (most recently used first) and the per-request forwarding.</summary>
internal sealed class LeanPool(IPEndPoint upstream)
{
    private readonly ConcurrentStack<LeanConnection> _idle = new();

    public async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true;
        // A pooled connection the upstream closed meanwhile: a bodyless request that got no response byte goes again.
        for (var attempt = 0; ; attempt++)
        {
            var reused = _idle.TryPop(out var connection);
            if (!reused)
            {
                try
                {
                    connection = await LeanConnection.ConnectAsync(upstream, context.RequestAborted);
                }
                catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
                {
                    context.Response.StatusCode = StatusCodes.Status502BadGateway;
                    return;
                }
            }

            var result = await connection!.ExchangeAsync(context, request, canHaveBody);
            switch (result)
            {
                case LeanResult.Reusable:
                    _idle.Push(connection);
                    return;
                case LeanResult.Done:
                    connection.Dispose();
                    return;
                case LeanResult.StaleBeforeResponse when reused && !canHaveBody && attempt == 0:
                    connection.Dispose();
                    continue;
                default:
                    connection.Dispose();
                    if (!context.Response.HasStarted)
                    {
                        context.Response.Clear();
                        context.Response.StatusCode = StatusCodes.Status502BadGateway;
                    }
                    else
                    {
                        context.Abort();
                    }

                    return;
            }
        }
    }
}

internal enum LeanResult
{
    /// <summary>Response copied, connection may go back to the pool.</summary>
    Reusable,

    /// <summary>Response copied, connection must be closed.</summary>
    Done,

    /// <summary>The connection failed before any response byte arrived.</summary>
    StaleBeforeResponse,

    /// <summary>Failed after the response started (or malformed).</summary>
    Failed,
}

/// <summary>One keep-alive connection to the upstream, with its own head buffers.</summary>
internal sealed class LeanConnection : IDisposable
{
    private readonly Socket _socket;
    private byte[] _write = new byte[4096];
    private readonly byte[] _read = new byte[16384];
    // Header lines of the previous response with their strings: repeated lines (most of them) allocate nothing.
    private readonly List<(byte[] Line, string Name, string Value)> _lines = [];

    private LeanConnection(Socket socket) => _socket = socket;

    public static async ValueTask<LeanConnection> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new LeanConnection(socket);
    }

    public void Dispose() => _socket.Dispose();

    // Pooled state machines: a request that waits on the upstream would otherwise allocate one box per async method.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<LeanResult> ExchangeAsync(HttpContext context, HttpRequest request, bool canHaveBody)
    {
        var chunkedRequest = canHaveBody && request.ContentLength is null;
        var headLength = WriteHead(context, request, chunkedRequest);
        try
        {
            await SendAsync(_write.AsMemory(0, headLength), context.RequestAborted);
            if (canHaveBody)
            {
                await SendBodyAsync(request.BodyReader, chunkedRequest, context.RequestAborted);
            }
        }
        catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            return LeanResult.StaleBeforeResponse;
        }
        catch (OperationCanceledException)
        {
            return LeanResult.Failed;
        }

        try
        {
            return await ReadResponseAsync(context, request);
        }
        catch (Exception)
        {
            return LeanResult.Failed;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    private async ValueTask SendBodyAsync(System.IO.Pipelines.PipeReader body, bool chunked, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            foreach (var segment in read.Buffer)
            {
                if (chunked)
                {
                    var size = Encoding.ASCII.GetBytes(segment.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
                    await SendAsync(size, cancellationToken);
                }

                await SendAsync(segment, cancellationToken);
                if (chunked)
                {
                    await SendAsync("\r\n"u8.ToArray(), cancellationToken);
                }
            }

            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        if (chunked)
        {
            await SendAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
        }
    }

    private int WriteHead(HttpContext context, HttpRequest request, bool chunkedRequest)
    {
        var at = 0;
        Put(ref at, request.Method);
        Put(ref at, " "u8);
        Put(ref at, context.Features.Get<IHttpRequestFeature>()!.RawTarget);
        Put(ref at, " HTTP/1.1\r\n"u8);
        foreach (var header in request.Headers)
        {
            if (Skip(header.Key))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                Put(ref at, header.Key);
                Put(ref at, ": "u8);
                Put(ref at, value);
                Put(ref at, "\r\n"u8);
            }
        }

        Put(ref at, "X-Forwarded-For: "u8);
        if (context.Connection.RemoteIpAddress is { } ip)
        {
            Ensure(at + 64);
            ip.TryFormat(_write.AsSpan(at), out var written);
            at += written;
        }

        Put(ref at, "\r\nX-Forwarded-Proto: "u8);
        Put(ref at, request.Scheme);
        Put(ref at, "\r\nX-Forwarded-Host: "u8);
        Put(ref at, request.Host.Value);
        Put(ref at, chunkedRequest ? "\r\nTransfer-Encoding: chunked\r\n\r\n"u8 : "\r\n\r\n"u8);
        return at;
    }

    private static bool Skip(string name) => name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase) || name.Length switch
    {
        2 => name.Equals("TE", StringComparison.OrdinalIgnoreCase),
        7 => name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase),
        9 => name.Equals("Forwarded", StringComparison.OrdinalIgnoreCase),
        10 => name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase),
        13 => name.Equals("Authorization", StringComparison.OrdinalIgnoreCase),
        17 => name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase),
        19 => name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private void Put(ref int at, ReadOnlySpan<byte> bytes)
    {
        Ensure(at + bytes.Length);
        bytes.CopyTo(_write.AsSpan(at));
        at += bytes.Length;
    }

    private void Put(ref int at, string? text)
    {
        if (text is null)
        {
            return;
        }

        Ensure(at + text.Length);
        at += Encoding.Latin1.GetBytes(text, _write.AsSpan(at));
    }

    private void Ensure(int size)
    {
        if (size > _write.Length)
        {
            Array.Resize(ref _write, Math.Max(size, _write.Length * 2));
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<LeanResult> ReadResponseAsync(HttpContext context, HttpRequest request)
    {
        var end = 0;
        int headEnd;
        while ((headEnd = _read.AsSpan(0, end).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (end == _read.Length)
            {
                return LeanResult.Failed;
            }

            var n = await _socket.ReceiveAsync(_read.AsMemory(end), SocketFlags.None, context.RequestAborted);
            if (n == 0)
            {
                return end == 0 ? LeanResult.StaleBeforeResponse : LeanResult.Failed;
            }

            end += n;
        }

        var head = _read.AsSpan(0, headEnd + 2);
        var lineEnd = head.IndexOf("\r\n"u8);
        var status = head[..lineEnd];
        if (status.Length < 12 || !status.StartsWith("HTTP/1."u8) || !Utf8Parser.TryParse(status.Slice(9, 3), out int code, out _))
        {
            return LeanResult.Failed;
        }

        var keepAlive = status[7] == (byte)'1';
        var response = context.Response;
        response.StatusCode = code;
        long? length = null;
        var chunked = false;
        var lineIndex = 0;
        var rest = head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var next = rest.IndexOf("\r\n"u8);
            var line = rest[..next];
            rest = rest[(next + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return LeanResult.Failed;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long parsed, out var used) || used != value.Length)
                {
                    return LeanResult.Failed;
                }

                length = parsed;
                continue;
            }

            if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = true;
                continue;
            }

            if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                keepAlive = Ascii.EqualsIgnoreCase(value, "keep-alive"u8) || (keepAlive && !Ascii.EqualsIgnoreCase(value, "close"u8));
                continue;
            }

            if (Ascii.EqualsIgnoreCase(name, "Keep-Alive"u8))
            {
                continue;
            }

            var (headerName, headerValue) = Strings(lineIndex++, line, name, value);
            response.Headers.Append(headerName, headerValue);
        }

        if (lineIndex < _lines.Count)
        {
            _lines.RemoveRange(lineIndex, _lines.Count - lineIndex);
        }

        var bodyStart = headEnd + 4;
        var buffered = end - bodyStart;
        var noBody = HttpMethods.IsHead(request.Method) || code is 204 or 304 || code < 200;
        if (noBody)
        {
            if (length is { } headLength && HttpMethods.IsHead(request.Method))
            {
                response.ContentLength = headLength;
            }

            return keepAlive && buffered == 0 ? LeanResult.Reusable : LeanResult.Done;
        }

        if (chunked)
        {
            // Out of this floor's scope (the bench upstream answers with Content-Length).
            return LeanResult.Failed;
        }

        var writer = response.BodyWriter;
        if (length is { } remaining)
        {
            response.ContentLength = remaining;
            var take = (int)Math.Min(buffered, remaining);
            writer.Write(_read.AsSpan(bodyStart, take));
            remaining -= take;
            while (remaining > 0)
            {
                var memory = writer.GetMemory();
                var n = await _socket.ReceiveAsync(memory[..(int)Math.Min(memory.Length, remaining)], SocketFlags.None, context.RequestAborted);
                if (n == 0)
                {
                    return LeanResult.Failed;
                }

                writer.Advance(n);
                remaining -= n;
                await writer.FlushAsync(context.RequestAborted);
            }

            return keepAlive && buffered <= take ? LeanResult.Reusable : LeanResult.Done;
        }

        // No length: the body runs until the upstream closes.
        writer.Write(_read.AsSpan(bodyStart, buffered));
        while (true)
        {
            var memory = writer.GetMemory();
            var n = await _socket.ReceiveAsync(memory, SocketFlags.None, context.RequestAborted);
            if (n == 0)
            {
                return LeanResult.Done;
            }

            writer.Advance(n);
            await writer.FlushAsync(context.RequestAborted);
        }
    }

    private (string Name, string Value) Strings(int index, ReadOnlySpan<byte> line, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (index < _lines.Count && _lines[index].Line.AsSpan().SequenceEqual(line))
        {
            return (_lines[index].Name, _lines[index].Value);
        }

        var entry = (line.ToArray(), Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value));
        if (index < _lines.Count)
        {
            _lines[index] = entry;
        }
        else
        {
            _lines.Add(entry);
        }

        return (entry.Item2, entry.Item3);
    }
}
