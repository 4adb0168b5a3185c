using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CrowNest.Server.Tests.Apps;

/// <summary>
/// A real UDP DNS responder on loopback answering TXT queries from <see cref="Records"/> (NXDOMAIN otherwise), so the
/// production DNS TXT verifier runs unchanged against a zone the test controls.
/// </summary>
internal sealed class FakeDnsServer : IAsyncDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeDnsServer() => _loop = Task.Run(RunAsync);

    public ConcurrentDictionary<string, string[]> Records { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string Address => ((IPEndPoint)_udp.Client.LocalEndPoint!).ToString();

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try
            {
                received = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            var reply = Answer(received.Buffer);
            await _udp.SendAsync(reply, received.RemoteEndPoint);
        }
    }

    private byte[] Answer(byte[] query)
    {
        var pos = 12;
        var labels = new List<string>();
        while (query[pos] != 0)
        {
            labels.Add(Encoding.ASCII.GetString(query, pos + 1, query[pos]));
            pos += query[pos] + 1;
        }

        var questionEnd = pos + 5;
        var name = string.Join('.', labels);
        var found = Records.TryGetValue(name, out var values);
        var response = new List<byte>(query[..questionEnd]);
        response[2] = 0x81;
        response[3] = (byte)(found ? 0x80 : 0x83);
        var count = found ? values!.Length : 0;
        response[6] = (byte)(count >> 8);
        response[7] = (byte)count;
        for (var i = 0; i < count; i++)
        {
            var text = Encoding.UTF8.GetBytes(values![i]);
            response.AddRange([0xC0, 0x0C, 0, 16, 0, 1, 0, 0, 0, 60]);
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)(text.Length + 1));
            response.AddRange(length);
            response.Add((byte)text.Length);
            response.AddRange(text);
        }

        return [.. response];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp.Dispose();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }
}
