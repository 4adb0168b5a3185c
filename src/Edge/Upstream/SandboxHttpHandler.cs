using System.Net;
using System.Net.Sockets;

namespace CrowNest.Edge.Upstream;

/// <summary>
/// A lean HTTP/1.1 client handler for sandbox upstreams (plain HTTP on loopback or a private network), used as the
/// outbound client of YARP's <c>IHttpForwarder</c> instead of <see cref="SocketsHttpHandler"/>: keep-alive connections
/// pooled per endpoint, each request head written from one buffer with one send, the response head parsed in place
/// (header strings reused while a connection keeps answering the same lines), and response bodies streamed by
/// Content-Length, chunked coding or until close. A connection goes back to the pool only when its response body was
/// read to the end and the response allows reuse. A 101 response hands the raw connection over as a duplex content
/// stream (the WebSocket path of the forwarder). HTTP/2, TLS, proxies, redirects, cookies and decompression are not
/// supported: requests are always sent as HTTP/1.1 over plain TCP.
/// </summary>
public sealed class SandboxHttpHandler : HttpMessageHandler
{
    private readonly Dictionary<(string Host, int Port), Http1Pool> _pools = [];
    private readonly Lock _poolsLock = new();
    private readonly Timer _scavenger;
    private volatile bool _disposed;

    /// <summary>Creates the handler; the pool is scavenged of idle connections every few seconds.</summary>
    public SandboxHttpHandler()
    {
        _scavenger = new Timer(static state => ((SandboxHttpHandler)state!).Scavenge(), this, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    /// <summary>TCP connect timeout; a connect that takes longer fails the request (a timeout).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a pooled connection may stay idle before it is closed instead of reused. The default stays under
    /// Node's 5 s keep-alive timeout, so a dev server's own idle close rarely races a new request.
    /// </summary>
    public TimeSpan PooledConnectionIdleTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Idle connections kept per endpoint; more are closed when released.</summary>
    public int MaxIdleConnectionsPerEndpoint { get; init; } = 256;

    /// <summary>Largest accepted response head (status line and headers) in bytes.</summary>
    public int MaxResponseHeadersBytes { get; init; } = 64 * 1024;

    /// <summary>Idle connections held right now over all endpoints (for tests and diagnostics).</summary>
    public int IdleConnectionCount
    {
        get
        {
            lock (_poolsLock)
            {
                var count = 0;
                foreach (var pool in _pools.Values)
                {
                    count += pool.IdleCount;
                }

                return count;
            }
        }
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no RequestUri.");
        if (!uri.IsAbsoluteUri || !string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"{nameof(SandboxHttpHandler)} sends plain http:// requests only, not '{uri}'.");
        }

        return SendCoreAsync(request, GetPool(uri), cancellationToken);
    }

    /// <inheritdoc />
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _scavenger.Dispose();
            lock (_poolsLock)
            {
                foreach (var pool in _pools.Values)
                {
                    pool.Dispose();
                }

                _pools.Clear();
            }
        }

        base.Dispose(disposing);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, Http1Pool pool, CancellationToken cancellationToken)
    {
        // Only a request that cannot have had effects may be sent again on a fresh connection after a pooled one turned
        // out to be closed by the server: safe methods without a body (as browsers and SocketsHttpHandler do).
        var retryable = request.Content is null && IsSafe(request.Method);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var connection = pool.TryRent(probe: !retryable);
            var reused = connection is not null;
            if (connection is null)
            {
                try
                {
                    connection = await pool.ConnectAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or TimeoutException)
                {
                    throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connecting to {pool.Host}:{pool.Port} failed: {e.Message}", e);
                }
            }

            try
            {
                return await connection.SendAsync(request, reused && retryable, cancellationToken).ConfigureAwait(false);
            }
            catch (Http1StaleConnectionException)
            {
                connection.Dispose();
            }
            catch (OperationCanceledException)
            {
                connection.Dispose();
                throw;
            }
            catch (HttpRequestException)
            {
                connection.Dispose();
                throw;
            }
            catch (Exception e)
            {
                connection.Dispose();
                throw new HttpRequestException(HttpRequestError.Unknown, $"The request to {pool.Host}:{pool.Port} failed: {e.Message}", e);
            }
        }
    }

    private static bool IsSafe(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace;

    private Http1Pool GetPool(Uri uri)
    {
        var key = (uri.IdnHost, uri.Port);
        lock (_poolsLock)
        {
            if (!_pools.TryGetValue(key, out var pool))
            {
                pool = new Http1Pool(this, key.IdnHost, key.Port);
                _pools.Add(key, pool);
            }

            return pool;
        }
    }

    private void Scavenge()
    {
        lock (_poolsLock)
        {
            foreach (var pool in _pools.Values)
            {
                pool.Scavenge();
            }
        }
    }

    internal static IPAddress? ParseAddress(string host) =>
        IPAddress.TryParse(host.StartsWith('[') ? host[1..^1] : host, out var address) ? address : null;
}
