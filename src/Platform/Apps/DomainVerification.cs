using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrowNest.Platform.Apps;

/// <summary>Apps settings (configuration section <c>Apps</c>).</summary>
public sealed record AppsOptions
{
    /// <summary>Domains the platform serves itself; custom domains may not be these or under them.</summary>
    public IReadOnlyList<string> PlatformDomains { get; init; } = ["crownest.app", "crownest.dev", "localhost"];

    /// <summary>How often pending custom domains are re-checked in the background; zero disables the worker.</summary>
    public TimeSpan DomainVerifyInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>DNS server for TXT lookups; null = the first <c>nameserver</c> of /etc/resolv.conf (else 1.1.1.1).</summary>
    public string? DnsServer { get; init; }
}

/// <summary>The outcome of one domain check; <see cref="Error"/> says why it failed.</summary>
public sealed record DomainCheck(bool Verified, string? Error);

/// <summary>Decides whether the owner of an app controls a hostname (pluggable; DNS TXT by default).</summary>
public interface IDomainVerifier
{
    Task<DomainCheck> VerifyAsync(string hostname, string expectedValue, CancellationToken ct);
}

/// <summary>
/// Looks up TXT records at <c>_crownest.&lt;hostname&gt;</c> with a plain UDP DNS query (.NET has no TXT resolver)
/// and succeeds when one of them equals the expected value.
/// </summary>
public sealed class DnsTxtDomainVerifier(IOptions<AppsOptions> options) : IDomainVerifier
{
    public async Task<DomainCheck> VerifyAsync(string hostname, string expectedValue, CancellationToken ct)
    {
        var name = "_crownest." + hostname;
        try
        {
            var records = await LookupTxtAsync(name, ResolveServer(options.Value.DnsServer), ct);
            return records.Contains(expectedValue)
                ? new DomainCheck(true, null)
                : new DomainCheck(false, records.Count == 0
                    ? $"no TXT record at {name}; publish \"{expectedValue}\""
                    : $"TXT records at {name} do not contain \"{expectedValue}\"");
        }
        catch (Exception e) when (e is SocketException or TimeoutException or OperationCanceledException or InvalidDataException && !ct.IsCancellationRequested)
        {
            return new DomainCheck(false, $"DNS lookup of {name} failed: {e.Message}");
        }
    }

    private static IPEndPoint ResolveServer(string? configured)
    {
        var text = configured;
        if (text is null && File.Exists("/etc/resolv.conf"))
        {
            text = File.ReadLines("/etc/resolv.conf").Select(l => l.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                .FirstOrDefault(p => p.Length >= 2 && p[0] == "nameserver")?[1];
        }

        return IPEndPoint.TryParse(text ?? "1.1.1.1", out var endpoint)
            ? (endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, 53) : endpoint)
            : new IPEndPoint(IPAddress.Parse("1.1.1.1"), 53);
    }

    /// <summary>One TXT query; returns each record's character-strings joined.</summary>
    public static async Task<IReadOnlyList<string>> LookupTxtAsync(string name, IPEndPoint server, CancellationToken ct)
    {
        var id = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue);
        var query = new List<byte>(64);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], 0x0100); // recursion desired
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], 1);
        query.AddRange(header.ToArray());
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            query.Add((byte)bytes.Length);
            query.AddRange(bytes);
        }

        query.AddRange([0, 0, 16, 0, 1]); // root, QTYPE TXT, QCLASS IN
        using var udp = new UdpClient(server.AddressFamily);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        await udp.SendAsync(query.ToArray(), server, timeout.Token);
        var response = (await udp.ReceiveAsync(timeout.Token)).Buffer;
        return Parse(response, id);
    }

    private static List<string> Parse(byte[] m, ushort id)
    {
        if (m.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(m) != id)
        {
            throw new InvalidDataException("bad DNS response");
        }

        var rcode = m[3] & 0x0F;
        if (rcode == 3)
        {
            return [];
        }

        if (rcode != 0)
        {
            throw new InvalidDataException($"DNS error code {rcode}");
        }

        var questions = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(4));
        var answers = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(6));
        var pos = 12;
        for (var i = 0; i < questions; i++)
        {
            pos = SkipName(m, pos) + 4;
        }

        var records = new List<string>();
        for (var i = 0; i < answers; i++)
        {
            pos = SkipName(m, pos);
            if (pos + 10 > m.Length)
            {
                throw new InvalidDataException("truncated DNS response");
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(pos));
            var length = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(pos + 8));
            pos += 10;
            if (pos + length > m.Length)
            {
                throw new InvalidDataException("truncated DNS response");
            }

            if (type == 16)
            {
                var text = new StringBuilder();
                for (var p = pos; p < pos + length;)
                {
                    var n = m[p++];
                    text.Append(Encoding.UTF8.GetString(m, p, Math.Min(n, pos + length - p)));
                    p += n;
                }

                records.Add(text.ToString());
            }

            pos += length;
        }

        return records;
    }

    private static int SkipName(byte[] m, int pos)
    {
        while (pos < m.Length)
        {
            var n = m[pos];
            if (n == 0)
            {
                return pos + 1;
            }

            if ((n & 0xC0) == 0xC0)
            {
                return pos + 2;
            }

            pos += n + 1;
        }

        throw new InvalidDataException("truncated DNS response");
    }
}

/// <summary>Re-checks pending custom domains every <see cref="AppsOptions.DomainVerifyInterval"/>.</summary>
public sealed partial class DomainVerificationWorker(IServiceScopeFactory scopes, IOptions<AppsOptions> options, ILogger<DomainVerificationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.DomainVerifyInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var checkedCount = await scope.ServiceProvider.GetRequiredService<AppService>().VerifyPendingDomainsAsync(100, stoppingToken);
                if (checkedCount > 0)
                {
                    LogChecked(checkedCount);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be briefly unavailable; the next tick retries.
                LogFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Checked {Count} pending custom domains")]
    private partial void LogChecked(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Custom domain verification pass failed")]
    private partial void LogFailed(Exception exception);
}
