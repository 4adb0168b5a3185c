using System.Security.Cryptography;

namespace CrowNest.Platform.Data;

/// <summary>
/// IDs of the form <c>prefix_XXXXXXXXXXXXXXXXXXXXXXXXXX</c>: 26 Crockford base32 characters holding a 48-bit
/// millisecond timestamp and 80 random bits (ULID layout), so IDs sort by creation time and never collide in practice.
/// </summary>
public static class PrefixedId
{
    public const string Organization = "org";
    public const string User = "usr";
    public const string Workspace = "ws";
    public const string Project = "prj";
    public const string ApiKey = "key";
    public const string App = "app";
    public const string AppVersion = "appver";
    public const string Sandbox = "sbx";
    public const string Command = "cmd";
    public const string Preview = "prv";

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int BodyLength = 26;

    public static string New(string prefix) => New(prefix, DateTimeOffset.UtcNow);

    public static string New(string prefix, DateTimeOffset time)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)time.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(ms & 0xFF);
            ms >>= 8;
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        return string.Create(prefix.Length + 1 + BodyLength, (prefix, bytes.ToArray()), static (span, state) =>
        {
            state.prefix.AsSpan().CopyTo(span);
            span[state.prefix.Length] = '_';
            Encode(state.Item2, span[(state.prefix.Length + 1)..]);
        });
    }

    /// <summary>True when <paramref name="id"/> is <paramref name="prefix"/>, '_' and a 26-char Crockford body.</summary>
    public static bool IsValid(string? id, string prefix)
    {
        if (id is null || id.Length != prefix.Length + 1 + BodyLength || !id.StartsWith(prefix + "_", StringComparison.Ordinal))
        {
            return false;
        }

        var body = id.AsSpan(prefix.Length + 1);
        // 128 bits in 26 chars leaves the top 2 bits of the first char unused, so it is at most '7'.
        return body[0] <= '7' && !body.ContainsAnyExcept(Alphabet);
    }

    private static void Encode(ReadOnlySpan<byte> value, Span<char> destination)
    {
        // Treat the 16 bytes as a 128-bit big-endian integer and emit 5 bits at a time from the top (2 leading pad bits).
        var hi = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(value);
        var lo = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(value[8..]);
        var number = new UInt128(hi, lo);
        for (var i = BodyLength - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(number & 31)];
            number >>= 5;
        }
    }
}
