using System.Buffers.Text;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace CrowNest.Edge.Upstream;

/// <summary>
/// A response body read from its connection by Content-Length, chunked coding or until close. When the body has been
/// read to its end the connection goes back to the pool (if the response allows reuse); disposing the stream earlier
/// closes the connection, since the rest of the body would still be on it.
/// </summary>
internal sealed class Http1ResponseStream : Stream
{
    private const int MaxChunkLineLength = 8 * 1024;

    private readonly Mode _mode;
    private readonly bool _keepAlive;
    private Http1Connection? _connection;
    // Fixed: body bytes left. Chunked: bytes left in the current chunk's data.
    private long _remaining;
    private ChunkState _chunkState;

    private Http1ResponseStream(Http1Connection connection, Mode mode, long remaining, bool keepAlive)
    {
        _connection = connection;
        _mode = mode;
        _remaining = remaining;
        _keepAlive = keepAlive;
    }

    private enum Mode
    {
        Fixed,
        Chunked,
        UntilClose,
    }

    private enum ChunkState
    {
        Size,
        Data,
        DataEnd,
        Trailers,
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public static Http1ResponseStream Empty(Http1Connection connection, bool keepAlive)
    {
        var stream = new Http1ResponseStream(connection, Mode.Fixed, 0, keepAlive);
        stream.Complete();
        return stream;
    }

    public static Http1ResponseStream Fixed(Http1Connection connection, long length, bool keepAlive)
    {
        var stream = new Http1ResponseStream(connection, Mode.Fixed, length, keepAlive);
        if (length == 0)
        {
            stream.Complete();
        }

        return stream;
    }

    public static Http1ResponseStream Chunked(Http1Connection connection, bool keepAlive) => new(connection, Mode.Chunked, 0, keepAlive);

    public static Http1ResponseStream UntilClose(Http1Connection connection) => new(connection, Mode.UntilClose, 0, keepAlive: false);

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var connection = _connection;
        if (connection is null || buffer.IsEmpty)
        {
            return 0;
        }

        try
        {
            switch (_mode)
            {
                case Mode.Fixed:
                    {
                        var read = await ReadSomeAsync(connection, buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            throw new IOException($"The response ended {_remaining} bytes before its Content-Length.");
                        }

                        _remaining -= read;
                        if (_remaining == 0)
                        {
                            Complete();
                        }

                        return read;
                    }

                case Mode.UntilClose:
                    {
                        var read = await ReadSomeAsync(connection, buffer, cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            Complete();
                        }

                        return read;
                    }

                default:
                    return await ReadChunkedAsync(connection, buffer, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Abort();
            throw e is IOException ? e : new IOException("Reading the response body failed: " + e.Message, e);
        }
        catch
        {
            Abort();
            throw;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _connection is { } connection)
        {
            // A Content-Length body whose rest is already buffered can still be skipped and the connection kept.
            if (_mode == Mode.Fixed && _keepAlive && connection.Buffered >= _remaining)
            {
                connection.ReadStart += (int)_remaining;
                _remaining = 0;
                Complete();
            }
            else
            {
                Abort();
            }
        }

        base.Dispose(disposing);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<int> ReadSomeAsync(Http1Connection connection, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var buffered = connection.Buffered;
        if (buffered > 0)
        {
            var count = Math.Min(buffered, destination.Length);
            connection.ReadBuffer.AsSpan(connection.ReadStart, count).CopyTo(destination.Span);
            connection.ReadStart += count;
            return count;
        }

        // Nothing buffered: straight from the socket into the caller's buffer, no copy.
        return await connection.ReceiveAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadChunkedAsync(Http1Connection connection, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (_chunkState)
            {
                case ChunkState.Data:
                    {
                        var read = await ReadSomeAsync(connection, buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            throw new IOException("The response ended inside a chunk.");
                        }

                        _remaining -= read;
                        if (_remaining == 0)
                        {
                            _chunkState = ChunkState.DataEnd;
                        }

                        return read;
                    }

                case ChunkState.DataEnd:
                    {
                        var length = await ReadLineAsync(connection, cancellationToken).ConfigureAwait(false);
                        if (length != 0)
                        {
                            throw new IOException("A chunk's data is not followed by CRLF.");
                        }

                        _chunkState = ChunkState.Size;
                        break;
                    }

                case ChunkState.Size:
                    {
                        var length = await ReadLineAsync(connection, cancellationToken).ConfigureAwait(false);
                        var line = connection.ReadBuffer.AsSpan(connection.ReadStart - length - 2, length);
                        var extension = line.IndexOf((byte)';');
                        var digits = (extension < 0 ? line : line[..extension]).Trim(" \t"u8);
                        if (digits.IsEmpty || digits.Length > 15 || !Utf8Parser.TryParse(digits, out long size, out var used, 'X') || used != digits.Length)
                        {
                            throw new IOException("The response has an invalid chunk size.");
                        }

                        if (size == 0)
                        {
                            _chunkState = ChunkState.Trailers;
                        }
                        else
                        {
                            _remaining = size;
                            _chunkState = ChunkState.Data;
                        }

                        break;
                    }

                default:
                    {
                        // Trailer fields are read and dropped; the forwarder has nowhere useful to send them on HTTP/1.1.
                        var length = await ReadLineAsync(connection, cancellationToken).ConfigureAwait(false);
                        if (length == 0)
                        {
                            Complete();
                            return 0;
                        }

                        break;
                    }
            }
        }
    }

    /// <summary>Consumes one CRLF-terminated line from the connection's buffer; returns its length without the CRLF.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<int> ReadLineAsync(Http1Connection connection, CancellationToken cancellationToken)
    {
        var searched = 0;
        while (true)
        {
            var buffered = connection.ReadBuffer.AsSpan(connection.ReadStart, connection.Buffered);
            var end = buffered[searched..].IndexOf("\r\n"u8);
            if (end >= 0)
            {
                var length = searched + end;
                connection.ReadStart += length + 2;
                return length;
            }

            if (buffered.Length > MaxChunkLineLength)
            {
                throw new IOException("A chunk line of the response is too long.");
            }

            searched = Math.Max(0, buffered.Length - 1);
            if (await connection.FillAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new IOException("The response ended inside its chunked framing.");
            }
        }
    }

    private void Complete()
    {
        var connection = _connection;
        _connection = null;
        if (connection is null)
        {
            return;
        }

        // Bytes beyond the response are not something a keep-alive connection may carry: close it instead.
        if (_keepAlive && connection.Buffered == 0)
        {
            connection.Release();
        }
        else
        {
            connection.Dispose();
        }
    }

    private void Abort()
    {
        var connection = _connection;
        _connection = null;
        connection?.Dispose();
    }
}

/// <summary>The raw connection after a 101 response: the upgraded protocol in both directions; never pooled again.</summary>
internal sealed class Http1DuplexStream(Http1Connection connection) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var buffered = connection.Buffered;
        if (buffered > 0)
        {
            var count = Math.Min(buffered, buffer.Length);
            connection.ReadBuffer.AsSpan(connection.ReadStart, count).CopyTo(buffer.Span);
            connection.ReadStart += count;
            return count;
        }

        try
        {
            return await connection.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new IOException(e.Message, e);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await connection.SendAllAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new IOException(e.Message, e);
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            connection.Dispose();
        }

        base.Dispose(disposing);
    }
}
