using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CrowNest.Sandboxes.Docker;

/// <summary>
/// Typed Docker Engine API client over the daemon's unix socket (HttpClient + <see cref="UnixDomainSocketEndPoint"/>),
/// with the API version pinned in every path. Every failure is a <see cref="DockerException"/>.
/// </summary>
public sealed class DockerClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _socketPath;

    /// <summary>Creates a client for <paramref name="socketPath"/> speaking API <paramref name="apiVersion"/> (e.g. "1.41").</summary>
    public DockerClient(string socketPath = "/var/run/docker.sock", string apiVersion = "1.41")
    {
        _socketPath = socketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };

        // Streams (exec attach, logs, events) stay open for the life of a dev server: no global timeout.
        _http = new HttpClient(handler) { BaseAddress = new Uri($"http://docker/v{apiVersion}/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>GET /version.</summary>
    public Task<DockerVersion> GetVersionAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync("version", DockerJsonContext.Default.DockerVersion, cancellationToken);

    /// <summary>POST /containers/create.</summary>
    public Task<DockerIdResponse> CreateContainerAsync(string? name, ContainerCreateRequest request, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, "containers/create" + (name is null ? "" : "?name=" + Uri.EscapeDataString(name)),
            JsonContent(request, DockerJsonContext.Default.ContainerCreateRequest), DockerJsonContext.Default.DockerIdResponse, cancellationToken);

    /// <summary>POST /containers/{id}/start (already started is not an error).</summary>
    public Task StartContainerAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(id)}/start", null, cancellationToken);

    /// <summary>POST /containers/{id}/stop (already stopped is not an error).</summary>
    public Task StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(id)}/stop?t={(int)timeout.TotalSeconds}", null, cancellationToken);

    /// <summary>DELETE /containers/{id}.</summary>
    public Task RemoveContainerAsync(string id, bool force, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"containers/{Uri.EscapeDataString(id)}?force={Bool(force)}&v=true", null, cancellationToken);

    /// <summary>GET /containers/{id}/json.</summary>
    public Task<ContainerInspectResponse> InspectContainerAsync(string id, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"containers/{Uri.EscapeDataString(id)}/json", DockerJsonContext.Default.ContainerInspectResponse, cancellationToken);

    /// <summary>GET /containers/json filtered by label (<c>key</c> or <c>key=value</c>).</summary>
    public Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(bool all, IReadOnlyList<string> labelFilters, CancellationToken cancellationToken = default)
    {
        var filters = JsonSerializer.Serialize(new Dictionary<string, IReadOnlyList<string>> { ["label"] = labelFilters }, DockerJsonContext.Default.DictionaryStringIReadOnlyListString);
        return GetJsonAsync($"containers/json?all={Bool(all)}&filters={Uri.EscapeDataString(filters)}", DockerJsonContext.Default.IReadOnlyListContainerSummary, cancellationToken);
    }

    /// <summary>GET /containers/{id}/stats?stream=false.</summary>
    public Task<ContainerStatsResponse> GetContainerStatsAsync(string id, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"containers/{Uri.EscapeDataString(id)}/stats?stream=false&one-shot=true", DockerJsonContext.Default.ContainerStatsResponse, cancellationToken);

    /// <summary>POST /containers/{id}/exec.</summary>
    public Task<DockerIdResponse> CreateExecAsync(string containerId, ExecCreateRequest request, CancellationToken cancellationToken = default) =>
        SendJsonAsync(HttpMethod.Post, $"containers/{Uri.EscapeDataString(containerId)}/exec",
            JsonContent(request, DockerJsonContext.Default.ExecCreateRequest), DockerJsonContext.Default.DockerIdResponse, cancellationToken);

    /// <summary>
    /// POST /exec/{id}/start attached: returns the raw multiplexed output stream (read it with
    /// <see cref="ReadFramesAsync"/>); it ends when the process exits. Dispose it to detach.
    /// </summary>
    public async Task<Stream> StartExecAttachedAsync(string execId, CancellationToken cancellationToken = default)
    {
        var response = await SendRawAsync(HttpMethod.Post, $"exec/{Uri.EscapeDataString(execId)}/start",
            JsonContent(new ExecStartRequest(false, false), DockerJsonContext.Default.ExecStartRequest), cancellationToken).ConfigureAwait(false);
        return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>GET /exec/{id}/json.</summary>
    public Task<ExecInspectResponse> InspectExecAsync(string execId, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"exec/{Uri.EscapeDataString(execId)}/json", DockerJsonContext.Default.ExecInspectResponse, cancellationToken);

    /// <summary>GET /containers/{id}/logs: the multiplexed stdout/stderr of the main process (read with <see cref="ReadFramesAsync"/>).</summary>
    public async Task<Stream> GetContainerLogsAsync(string id, bool follow, CancellationToken cancellationToken = default)
    {
        var response = await SendRawAsync(HttpMethod.Get, $"containers/{Uri.EscapeDataString(id)}/logs?stdout=true&stderr=true&follow={Bool(follow)}", null, cancellationToken).ConfigureAwait(false);
        return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>PUT /containers/{id}/archive: extracts a tar stream into <paramref name="path"/> (which must exist).</summary>
    public Task PutArchiveAsync(string id, string path, Stream tar, CancellationToken cancellationToken = default)
    {
        var content = new StreamContent(tar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        return SendAsync(HttpMethod.Put, $"containers/{Uri.EscapeDataString(id)}/archive?path={Uri.EscapeDataString(path)}", content, cancellationToken);
    }

    /// <summary>GET /images/{name}/json.</summary>
    public Task<ImageInspectResponse> InspectImageAsync(string name, CancellationToken cancellationToken = default) =>
        GetJsonAsync($"images/{name}/json", DockerJsonContext.Default.ImageInspectResponse, cancellationToken);

    /// <summary>GET /events: streams events (optionally filtered by label) until cancelled.</summary>
    public async IAsyncEnumerable<DockerEvent> MonitorEventsAsync(IReadOnlyList<string> labelFilters, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var filters = JsonSerializer.Serialize(new Dictionary<string, IReadOnlyList<string>> { ["label"] = labelFilters }, DockerJsonContext.Default.DictionaryStringIReadOnlyListString);
        using var response = await SendRawAsync(HttpMethod.Get, "events?filters=" + Uri.EscapeDataString(filters), null, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), Encoding.UTF8);
        while (await ReadEventLineAsync(reader, cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0 && ParseEvent(line) is { } e)
            {
                yield return e;
            }
        }
    }

    /// <summary>Largest frame <see cref="ReadFramesAsync"/> accepts (the daemon sends at most 32 KB per frame).</summary>
    public const int MaxFrameLength = 16 * 1024 * 1024;

    /// <summary>
    /// Demultiplexes a non-TTY attach/logs stream: 8-byte header (stream type 0-2, 3 zero bytes, big-endian payload
    /// length) followed by the payload. The enumeration ends at a clean end of stream between frames. A stream that
    /// breaks (I/O error, end inside a frame), is not multiplexed (a TTY stream, a corrupt header, a frame over
    /// <see cref="MaxFrameLength"/>) or carries a daemon error frame (type 3) throws a <see cref="DockerException"/>,
    /// so a truncated output is never mistaken for a complete one.
    /// </summary>
    public static async IAsyncEnumerable<DockerStreamFrame> ReadFramesAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var header = new byte[8];
        while (true)
        {
            var read = await ReadFullyAsync(stream, header, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                yield break;
            }

            if (read < header.Length)
            {
                throw new DockerException(DockerError.Unexpected, null, $"The output stream ended inside a frame header ({read} of 8 bytes).");
            }

            var type = header[0];
            if (type > 3 || header[1] != 0 || header[2] != 0 || header[3] != 0)
            {
                throw new DockerException(DockerError.Unexpected, null, $"Not a multiplexed output stream (frame header {Convert.ToHexString(header)}); was the exec or container created with a TTY?");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            if (length > MaxFrameLength)
            {
                throw new DockerException(DockerError.Unexpected, null, $"Output frame of {length} bytes exceeds the {MaxFrameLength}-byte limit.");
            }

            var payload = new byte[length];
            read = await ReadFullyAsync(stream, payload, cancellationToken).ConfigureAwait(false);
            if (read < payload.Length)
            {
                throw new DockerException(DockerError.Unexpected, null, $"The output stream ended inside a frame ({read} of {length} bytes).");
            }

            if (type == 3)
            {
                // stdcopy's Systemerr: the daemon reports a failure of the attach itself in-band.
                throw new DockerException(DockerError.ServerError, null, "Docker reported an error on the output stream: " + Encoding.UTF8.GetString(payload));
            }

            yield return new DockerStreamFrame((DockerStreamType)type, payload);
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; I/O failures become <see cref="DockerException"/>.</summary>
    private static async ValueTask<int> ReadFullyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        try
        {
            while (total < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or ObjectDisposedException)
        {
            throw new DockerException(DockerError.DaemonUnavailable, null, "The output stream from the Docker daemon broke: " + ex.Message, ex);
        }

        return total;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static async ValueTask<string?> ReadEventLineAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new DockerException(DockerError.DaemonUnavailable, null, "The event stream from the Docker daemon broke: " + ex.Message, ex);
        }
    }

    private static DockerEvent? ParseEvent(string line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, DockerJsonContext.Default.DockerEvent);
        }
        catch (JsonException ex)
        {
            throw new DockerException(DockerError.Unexpected, null, $"Malformed event from the Docker daemon: {ex.Message}", ex);
        }
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static StringContent JsonContent<T>(T value, JsonTypeInfo<T> type) =>
        new(JsonSerializer.Serialize(value, type), Encoding.UTF8, "application/json");

    private async Task<T> GetJsonAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        await SendJsonAsync(HttpMethod.Get, path, null, type, cancellationToken).ConfigureAwait(false);

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(body, type) ?? throw new DockerException(DockerError.Unexpected, (int)response.StatusCode, $"Empty response from {method} {path}.");
        }
        catch (JsonException ex)
        {
            throw new DockerException(DockerError.Unexpected, (int)response.StatusCode, $"Malformed response from {method} {path}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new DockerException(DockerError.Unexpected, (int)response.StatusCode, $"The response to {method} {path} broke off: {ex.Message}", ex);
        }
    }

    private async Task SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError || ex.InnerException is SocketException)
        {
            throw new DockerException(DockerError.DaemonUnavailable, null, $"Docker daemon is not reachable at '{_socketPath}': {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            // Connected, but no valid HTTP response (closed early, garbage): not a daemon we can talk to.
            throw new DockerException(DockerError.Unexpected, null, $"{method} {path}: no valid response from the Docker daemon at '{_socketPath}' ({ex.HttpRequestError}): {ex.Message}", ex);
        }

        // 304 Not Modified: start/stop of a container already in that state.
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotModified)
        {
            return response;
        }

        using (response)
        {
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                body = "(error body unreadable: " + ex.Message + ")";
            }

            string? message = null;
            try
            {
                message = JsonSerializer.Deserialize(body, DockerJsonContext.Default.DockerErrorResponse)?.Message;
            }
            catch (JsonException)
            {
            }

            var status = (int)response.StatusCode;
            throw new DockerException(DockerException.Classify(status), status, $"{method} {path} failed with {status}: {message ?? body}");
        }
    }

    /// <summary>A response body stream that also disposes its response.</summary>
    private sealed class ResponseStream(HttpResponseMessage response, Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
