using System.Net;
using System.Net.Sockets;

namespace CrowNest.Edge.Tests.TestSupport;

/// <summary>Sandbox ports that misbehave at the TCP level.</summary>
public sealed class BrokenUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _held = [];
    private readonly Task _loop;

    private BrokenUpstream(bool reset)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _loop = AcceptLoopAsync(reset);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Accepts, waits for the request, then resets the connection (RST).</summary>
    public static BrokenUpstream Resetting() => new(reset: true);

    /// <summary>Accepts and never answers.</summary>
    public static BrokenUpstream Silent() => new(reset: false);

    /// <summary>A port nothing listens on (bound once, then released): connections are refused.</summary>
    public static int RefusedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_held)
        {
            foreach (var socket in _held)
            {
                socket.Dispose();
            }
        }

        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(bool reset)
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            if (!reset)
            {
                lock (_held)
                {
                    _held.Add(socket);
                }

                continue;
            }

            var buffer = new byte[4096];
            _ = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
    }
}
