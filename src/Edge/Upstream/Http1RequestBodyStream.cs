using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace CrowNest.Edge.Upstream;

/// <summary>Streams a request body to the connection, framed by its Content-Length or as chunks.</summary>
internal sealed class Http1RequestBodyStream(Http1Connection connection, long contentLength) : Stream
{
    // Chunks up to this size go out with their framing in one send.
    private const int CoalesceLimit = 16 * 1024;
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();
    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();
    private long _sent;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    private bool IsChunked => contentLength < 0;

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        try
        {
            if (!IsChunked)
            {
                if (_sent + buffer.Length > contentLength)
                {
                    throw new HttpRequestException(HttpRequestError.Unknown, "The request body is longer than its Content-Length.");
                }

                _sent += buffer.Length;
                await connection.SendAllAsync(buffer, cancellationToken).ConfigureAwait(false);
                return;
            }

            _sent += buffer.Length;
            var frame = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length, CoalesceLimit) + 32);
            try
            {
                Utf8Formatter.TryFormat(buffer.Length, frame, out var length, 'X');
                frame[length++] = (byte)'\r';
                frame[length++] = (byte)'\n';
                if (buffer.Length <= CoalesceLimit)
                {
                    buffer.Span.CopyTo(frame.AsSpan(length));
                    length += buffer.Length;
                    frame[length++] = (byte)'\r';
                    frame[length++] = (byte)'\n';
                    await connection.SendAllAsync(frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await connection.SendAllAsync(frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                    await connection.SendAllAsync(buffer, cancellationToken).ConfigureAwait(false);
                    await connection.SendAllAsync(CrLf, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }
        catch (SocketException e)
        {
            throw new IOException("Sending the request body failed: " + e.Message, e);
        }
    }

    /// <summary>Ends the body: the last chunk, or a check that Content-Length bytes were sent.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (IsChunked)
        {
            await connection.SendAllAsync(LastChunk, cancellationToken).ConfigureAwait(false);
        }
        else if (_sent != contentLength)
        {
            throw new HttpRequestException(HttpRequestError.Unknown, $"The request body ended after {_sent} of {contentLength} bytes (Content-Length).");
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
