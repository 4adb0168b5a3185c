using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace CrowNest.Edge.Upstream;

/// <summary>
/// One keep-alive HTTP/1.1 connection: writes a request, parses the response head, and owns the read buffer the
/// response body stream reads from. Used by one request at a time.
/// </summary>
internal sealed class Http1Connection : IDisposable
{
    private const int ReadBufferSize = 16 * 1024;
    private static readonly Version Http10 = HttpVersion.Version10;
    private static readonly Version Http11 = HttpVersion.Version11;

    private readonly Socket _socket;
    private readonly Http1Pool _pool;
    private byte[] _writeBuffer = new byte[4096];
    private int _written;
    private byte[] _readBuffer = new byte[ReadBufferSize];
    // The previous response's header lines with their strings: an upstream answering the same lines again (most headers
    // of most responses) costs no string allocations.
    private CachedHeader[] _headerCache = [];
    private bool _disposed;

    public Http1Connection(Socket socket, Http1Pool pool)
    {
        _socket = socket;
        _pool = pool;
        LastUsed = Environment.TickCount64;
    }

    public long LastUsed { get; set; }

    public Socket Socket => _socket;

    public byte[] ReadBuffer => _readBuffer;

    /// <summary>Start of unread bytes in <see cref="ReadBuffer"/>.</summary>
    public int ReadStart { get; set; }

    /// <summary>End of unread bytes in <see cref="ReadBuffer"/>.</summary>
    public int ReadEnd { get; set; }

    public int Buffered => ReadEnd - ReadStart;

    /// <summary>False when a pooled connection is readable: the server closed it (EOF) or sent bytes nobody asked for.</summary>
    public bool LooksAlive()
    {
        try
        {
            return !_socket.Poll(0, SelectMode.SelectRead);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    public void Release() => _pool.Return(this);

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _socket.Dispose();
        }
    }

    /// <summary>Fills the read buffer with at least one more byte; 0 at EOF.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> FillAsync(CancellationToken cancellationToken)
    {
        if (ReadStart == ReadEnd)
        {
            ReadStart = ReadEnd = 0;
        }
        else if (ReadEnd == _readBuffer.Length)
        {
            if (ReadStart > 0)
            {
                Buffer.BlockCopy(_readBuffer, ReadStart, _readBuffer, 0, ReadEnd - ReadStart);
                ReadEnd -= ReadStart;
                ReadStart = 0;
            }
            else
            {
                Array.Resize(ref _readBuffer, _readBuffer.Length * 2);
            }
        }

        var read = await _socket.ReceiveAsync(_readBuffer.AsMemory(ReadEnd), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        ReadEnd += read;
        return read;
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> destination, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(destination, SocketFlags.None, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await _socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <summary>
    /// Sends the request and reads the response head. With <paramref name="canRetry"/>, a connection found closed before
    /// any response byte arrived throws <see cref="Http1StaleConnectionException"/> so the caller retries on a new one.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool canRetry, CancellationToken cancellationToken)
    {
        var content = request.Content;
        var chunked = false;
        long? contentLength = null;
        if (content is not null)
        {
            contentLength = content.Headers.ContentLength;
            chunked = contentLength is null;
        }

        var closeAfter = WriteHead(request, content, contentLength, chunked);
        try
        {
            await SendAllAsync(_writeBuffer.AsMemory(0, _written), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException) when (canRetry)
        {
            throw new Http1StaleConnectionException();
        }

        if (content is not null)
        {
            var body = new Http1RequestBodyStream(this, chunked ? -1 : contentLength!.Value);
            await content.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
            await body.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        var isHead = request.Method == HttpMethod.Head;
        while (true)
        {
            var head = await ReadHeadAsync(canRetry, cancellationToken).ConfigureAwait(false);
            canRetry = false;
            var response = ParseHead(request, head, isHead, closeAfter, out var interim);
            if (!interim)
            {
                return response!;
            }
        }
    }

    private bool WriteHead(HttpRequestMessage request, HttpContent? content, long? contentLength, bool chunked)
    {
        _written = 0;
        var uri = request.RequestUri!;
        WriteLatin1(request.Method.Method);
        WriteByte((byte)' ');
        WriteLatin1(uri.PathAndQuery);
        WriteAscii(" HTTP/1.1\r\nHost: ");
        // Read unvalidated: the typed Host getter parses the value into a Uri on every request (the edge copies the
        // client's Host, which Kestrel already checked; WriteLatin1 still refuses line breaks).
        WriteLatin1(request.Headers.NonValidated.TryGetValues("Host", out var host) && host.Count > 0 ? host.ToString() : _pool.Authority);
        WriteCrLf();
        var closeAfter = false;
        foreach (var header in request.Headers.NonValidated)
        {
            var name = header.Key;
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var value in header.Value)
                {
                    closeAfter |= value.Contains("close", StringComparison.OrdinalIgnoreCase);
                }
            }

            WriteHeader(name, header.Value);
        }

        if (content is not null)
        {
            foreach (var header in content.Headers.NonValidated)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    WriteHeader(header.Key, header.Value);
                }
            }

            if (chunked)
            {
                WriteAscii("Transfer-Encoding: chunked\r\n");
            }
            else
            {
                WriteAscii("Content-Length: ");
                WriteNumber(contentLength!.Value);
                WriteCrLf();
            }
        }
        else if (request.Method == HttpMethod.Post || request.Method == HttpMethod.Put || request.Method == HttpMethod.Patch)
        {
            // As SocketsHttpHandler does: servers may insist on a length for these methods (411).
            WriteAscii("Content-Length: 0\r\n");
        }

        WriteCrLf();
        return closeAfter;
    }

    private void WriteHeader(string name, HeaderStringValues values)
    {
        WriteLatin1(name);
        WriteAscii(": ");
        // The separators SocketsHttpHandler uses when a header has several values.
        var separator = name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? "; "
            : name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase) || name.Equals("Server", StringComparison.OrdinalIgnoreCase) ? " "
            : ", ";
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                WriteAscii(separator);
            }

            first = false;
            WriteLatin1(value);
        }

        WriteCrLf();
    }

    private void Ensure(int count)
    {
        if (_written + count > _writeBuffer.Length)
        {
            Array.Resize(ref _writeBuffer, Math.Max(_writeBuffer.Length * 2, _written + count));
        }
    }

    private void WriteByte(byte value)
    {
        Ensure(1);
        _writeBuffer[_written++] = value;
    }

    private void WriteCrLf()
    {
        Ensure(2);
        _writeBuffer[_written++] = (byte)'\r';
        _writeBuffer[_written++] = (byte)'\n';
    }

    /// <summary>Our own constant text (may hold CRLF).</summary>
    private void WriteAscii(string value)
    {
        Ensure(value.Length);
        _written += Encoding.Latin1.GetBytes(value, _writeBuffer.AsSpan(_written));
    }

    private void WriteLatin1(string value)
    {
        Ensure(value.Length);
        foreach (var c in value)
        {
            // A value with a line break would smuggle a header or a request: refuse it (HttpHeaders' own rule).
            if (c is '\r' or '\n' or > '\u00ff')
            {
                throw new HttpRequestException(HttpRequestError.InvalidResponse, "A request header contains a character that cannot be sent in HTTP/1.1.");
            }
        }

        _written += Encoding.Latin1.GetBytes(value, _writeBuffer.AsSpan(_written));
    }

    private void WriteNumber(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _writeBuffer.AsSpan(_written), out var length);
        _written += length;
    }

    /// <summary>Reads until the buffer holds a whole response head; returns its length (up to and including CRLFCRLF).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadHeadAsync(bool canRetry, CancellationToken cancellationToken)
    {
        var searchFrom = ReadStart;
        while (true)
        {
            var buffered = _readBuffer.AsSpan(searchFrom, ReadEnd - searchFrom);
            var end = buffered.IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return searchFrom + end + 4 - ReadStart;
            }

            if (Buffered > _pool.Handler.MaxResponseHeadersBytes)
            {
                throw new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, "The response head exceeds the size limit.");
            }

            searchFrom = Math.Max(ReadStart, ReadEnd - 3);
            var offset = searchFrom - ReadStart;
            int read;
            try
            {
                read = await FillAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException) when (canRetry && Buffered == 0)
            {
                throw new Http1StaleConnectionException();
            }

            searchFrom = ReadStart + offset;
            if (read == 0)
            {
                if (canRetry && Buffered == 0)
                {
                    throw new Http1StaleConnectionException();
                }

                throw new HttpRequestException(HttpRequestError.ResponseEnded, "The server closed the connection before sending a complete response head.");
            }
        }
    }

    private HttpResponseMessage? ParseHead(HttpRequestMessage request, int headLength, bool isHead, bool closeAfter, out bool interim)
    {
        var head = _readBuffer.AsSpan(ReadStart, headLength - 2);
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = head[..lineEnd];
        // "HTTP/1.x SSS[ reason]"
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var consumed) || consumed != 3 || status < 100
            || (statusLine.Length > 12 && statusLine[12] != (byte)' '))
        {
            throw new HttpRequestException(HttpRequestError.InvalidResponse, "The server sent an invalid HTTP/1.x status line.");
        }

        var http10 = statusLine[7] == (byte)'0';
        if (status is >= 100 and < 200 and not 101)
        {
            // 100 Continue, 103 Early Hints: interim, the final response follows.
            ReadStart += headLength;
            interim = true;
            return null;
        }

        interim = false;
        var response = new HttpResponseMessage((HttpStatusCode)status) { Version = http10 ? Http10 : Http11, RequestMessage = request };
        if (statusLine.Length > 13)
        {
            var reason = statusLine[13..];
            var known = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
            if (!Ascii.Equals(reason, known))
            {
                response.ReasonPhrase = Encoding.Latin1.GetString(reason);
            }
        }

        var content = new Http1Content();
        long contentLength = -1;
        var chunked = false;
        var hasTransferEncoding = false;
        var keepAlive = !http10;
        var lines = head[(lineEnd + 2)..];
        var index = 0;
        while (!lines.IsEmpty)
        {
            var next = lines.IndexOf("\r\n"u8);
            var line = next < 0 ? lines : lines[..next];
            lines = next < 0 ? [] : lines[(next + 2)..];
            if (line.IsEmpty)
            {
                continue;
            }

            var (name, value) = HeaderStrings(index++, line);
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }

            var colon = line.IndexOf((byte)':');
            var rawValue = line[(colon + 1)..].Trim(" \t"u8);
            switch (name.Length)
            {
                case 14 when name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase):
                    if (!Utf8Parser.TryParse(rawValue, out long length, out var used) || used != rawValue.Length || length < 0
                        || (contentLength >= 0 && contentLength != length))
                    {
                        throw new HttpRequestException(HttpRequestError.InvalidResponse, "The server sent an invalid Content-Length.");
                    }

                    contentLength = length;
                    break;
                case 17 when name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase):
                    hasTransferEncoding = true;
                    // Chunked must be the last coding; anything else is read until close (RFC 9112 6.3).
                    chunked = EndsWithToken(rawValue, "chunked"u8);
                    break;
                case 10 when name.Equals("Connection", StringComparison.OrdinalIgnoreCase):
                    if (ContainsToken(rawValue, "close"u8))
                    {
                        keepAlive = false;
                    }
                    else if (http10 && ContainsToken(rawValue, "keep-alive"u8))
                    {
                        keepAlive = true;
                    }

                    break;
            }
        }

        ReadStart += headLength;
        keepAlive &= !closeAfter;

        if (status == 101)
        {
            response.Content = content.With(new Http1DuplexStream(this));
            return response;
        }

        Http1ResponseStream body;
        if (isHead || status is 204 or 304)
        {
            body = Http1ResponseStream.Empty(this, keepAlive);
        }
        else if (hasTransferEncoding)
        {
            body = chunked ? Http1ResponseStream.Chunked(this, keepAlive) : Http1ResponseStream.UntilClose(this);
        }
        else if (contentLength >= 0)
        {
            body = Http1ResponseStream.Fixed(this, contentLength, keepAlive);
        }
        else
        {
            body = Http1ResponseStream.UntilClose(this);
        }

        response.Content = content.With(body);
        return response;
    }

    private (string Name, string Value) HeaderStrings(int index, ReadOnlySpan<byte> line)
    {
        if (index < _headerCache.Length && line.SequenceEqual(_headerCache[index].Line))
        {
            return (_headerCache[index].Name, _headerCache[index].Value);
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            throw new HttpRequestException(HttpRequestError.InvalidResponse, "The server sent an invalid header line.");
        }

        var nameBytes = line[..colon];
        if (nameBytes.IndexOfAny(" \t"u8) >= 0)
        {
            throw new HttpRequestException(HttpRequestError.InvalidResponse, "The server sent a header name with whitespace.");
        }

        var name = KnownHeaderNames.Get(nameBytes) ?? Encoding.Latin1.GetString(nameBytes);
        var value = Encoding.Latin1.GetString(line[(colon + 1)..].Trim(" \t"u8));
        if (index >= _headerCache.Length)
        {
            Array.Resize(ref _headerCache, Math.Max(index + 1, _headerCache.Length * 2));
        }

        _headerCache[index] = new CachedHeader(line.ToArray(), name, value);
        return (name, value);
    }

    private static bool ContainsToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }

    private static bool EndsWithToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        var comma = value.LastIndexOf((byte)',');
        return Ascii.EqualsIgnoreCase((comma < 0 ? value : value[(comma + 1)..]).Trim(" \t"u8), token);
    }

    private readonly record struct CachedHeader(byte[] Line, string Name, string Value);
}

/// <summary>A pooled connection turned out closed before the request got any answer; the request may be sent again.</summary>
internal sealed class Http1StaleConnectionException : Exception
{
}
