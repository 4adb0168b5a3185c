using System.Net;
using System.Net.Sockets;

namespace CrowNest.Edge.Upstream;

/// <summary>Idle keep-alive connections to one endpoint, most recently used first.</summary>
internal sealed class Http1Pool(SandboxHttpHandler handler, string host, int port) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly EndPoint _endPoint = SandboxHttpHandler.ParseAddress(host) is { } address
        ? new IPEndPoint(address, port)
        : new DnsEndPoint(host, port);
    private Http1Connection[] _idle = new Http1Connection[16];
    private int _count;
    private bool _disposed;

    public string Host { get; } = host;

    public int Port { get; } = port;

    public SandboxHttpHandler Handler { get; } = handler;

    /// <summary>The <c>Host</c> header toward this endpoint when the request has none.</summary>
    public string Authority { get; } = AuthorityOf(host, port);

    public int IdleCount
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>
    /// A pooled connection, or null. Connections idle longer than the idle timeout are closed; with
    /// <paramref name="probe"/> (requests that may not be retried) a connection the server already closed (readable at
    /// EOF, or with unexpected bytes) is closed too, so such a request is not lost on it.
    /// </summary>
    public Http1Connection? TryRent(bool probe)
    {
        var now = Environment.TickCount64;
        var idleLimit = (long)Handler.PooledConnectionIdleTimeout.TotalMilliseconds;
        while (true)
        {
            Http1Connection connection;
            lock (_lock)
            {
                if (_count == 0)
                {
                    return null;
                }

                connection = _idle[--_count];
                _idle[_count] = null!;
            }

            if (now - connection.LastUsed > idleLimit || (probe && !connection.LooksAlive()))
            {
                connection.Dispose();
                continue;
            }

            return connection;
        }
    }

    public void Return(Http1Connection connection)
    {
        connection.LastUsed = Environment.TickCount64;
        lock (_lock)
        {
            if (!_disposed && _count < Handler.MaxIdleConnectionsPerEndpoint)
            {
                if (_count == _idle.Length)
                {
                    Array.Resize(ref _idle, _idle.Length * 2);
                }

                _idle[_count++] = connection;
                return;
            }
        }

        connection.Dispose();
    }

    public async ValueTask<Http1Connection> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = _endPoint is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Handler.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(_endPoint, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Connecting to {Host}:{Port} timed out after {Handler.ConnectTimeout}.");
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new Http1Connection(socket, this);
    }

    /// <summary>Closes connections idle longer than the idle timeout (they would be closed on the next rent anyway).</summary>
    public void Scavenge()
    {
        var now = Environment.TickCount64;
        var idleLimit = (long)Handler.PooledConnectionIdleTimeout.TotalMilliseconds;
        List<Http1Connection>? expired = null;
        lock (_lock)
        {
            var kept = 0;
            for (var i = 0; i < _count; i++)
            {
                var connection = _idle[i];
                if (now - connection.LastUsed > idleLimit)
                {
                    (expired ??= []).Add(connection);
                }
                else
                {
                    _idle[kept++] = connection;
                }
            }

            Array.Clear(_idle, kept, _count - kept);
            _count = kept;
        }

        expired?.ForEach(c => c.Dispose());
    }

    private static string AuthorityOf(string host, int port)
    {
        // An IPv6 literal needs its brackets back in a Host header.
        var name = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
        return port == 80 ? name : $"{name}:{port}";
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            for (var i = 0; i < _count; i++)
            {
                _idle[i].Dispose();
            }

            Array.Clear(_idle);
            _count = 0;
        }
    }
}
