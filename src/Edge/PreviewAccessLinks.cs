using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CrowNest.Edge;

/// <summary>Result of validating an access link token.</summary>
public enum AccessLinkStatus
{
    /// <summary>Signed for this preview and not expired.</summary>
    Valid,

    /// <summary>Not a token at all (bad encoding, length or version).</summary>
    Malformed,

    /// <summary>Tampered with, signed with another key, or issued for another preview.</summary>
    InvalidSignature,

    /// <summary>Correctly signed but past its expiry.</summary>
    Expired,
}

/// <summary>
/// Signs and checks short-lived preview access links and the preview session cookies they turn into.
/// </summary>
/// <remarks>
/// A token is URL-safe base64 (no padding) of <c>version(1) ‖ expiry unix seconds(8, big endian) ‖ nonce(12) ‖
/// HMAC-SHA256(32)</c>, the MAC covering the first three parts and the preview ID, so a token for preview A is
/// worthless on preview B. Links and session cookies use different keys, both derived (HKDF) from
/// <see cref="EdgeOptions.AccessKey"/>, so a cookie value is not a link and vice versa. A link is used as
/// <c>https://&lt;slug&gt;.&lt;domain&gt;/any/path?crownest_access=&lt;token&gt;</c>
/// (<see cref="EdgeOptions.AccessParameter"/>).
/// </remarks>
public sealed class PreviewAccessLinks
{
    private const byte Version = 1;
    private const int NonceLength = 12;
    private const int MacLength = 32;
    private const int PayloadLength = 1 + 8 + NonceLength;
    private const int TokenLength = PayloadLength + MacLength;
    private const int MaxStackBytes = 512;

    private readonly byte[] _linkKey;
    private readonly byte[] _sessionKey;
    private readonly TimeProvider _time;

    /// <summary>Creates the signer from <see cref="EdgeOptions.AccessKey"/> (or a random per-process key when unset).</summary>
    public PreviewAccessLinks(IOptions<EdgeOptions> options, TimeProvider timeProvider)
    {
        _time = timeProvider;
        var master = ReadKey(options.Value.AccessKey);
        _linkKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "crownest preview access link"u8.ToArray());
        _sessionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "crownest preview session"u8.ToArray());
    }

    /// <summary>Creates an access link token for <paramref name="previewId"/> valid for <paramref name="lifetime"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The lifetime is not positive.</exception>
    public string Create(string previewId, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrEmpty(previewId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        return Sign(_linkKey, previewId, _time.GetUtcNow() + lifetime);
    }

    /// <summary>Checks an access link token for <paramref name="previewId"/>.</summary>
    public AccessLinkStatus Validate(string token, string previewId) => Check(_linkKey, token, previewId);

    /// <summary>Session cookie value for <paramref name="previewId"/> valid until <paramref name="expiresAt"/>.</summary>
    internal string CreateSession(string previewId, DateTimeOffset expiresAt) => Sign(_sessionKey, previewId, expiresAt);

    /// <summary>Whether a session cookie value is valid for <paramref name="previewId"/>.</summary>
    internal bool IsValidSession(ReadOnlySpan<char> value, string previewId) => Check(_sessionKey, value, previewId) == AccessLinkStatus.Valid;

    private static byte[] ReadKey(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return RandomNumberGenerator.GetBytes(32);
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(configured);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Edge:AccessKey must be base64 (at least 32 bytes of random data)");
        }

        return key.Length >= 32 ? key : throw new InvalidOperationException("Edge:AccessKey must decode to at least 32 bytes");
    }

    private static string Sign(byte[] key, string previewId, DateTimeOffset expiresAt)
    {
        Span<byte> token = stackalloc byte[TokenLength];
        token[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(token[1..], expiresAt.ToUnixTimeSeconds());
        RandomNumberGenerator.Fill(token.Slice(9, NonceLength));
        Mac(key, token[..PayloadLength], previewId, token[PayloadLength..]);
        return Base64Url.EncodeToString(token);
    }

    private AccessLinkStatus Check(byte[] key, ReadOnlySpan<char> text, string previewId)
    {
        Span<byte> token = stackalloc byte[TokenLength + 3];
        if (text.Length != Base64Url.GetEncodedLength(TokenLength)
            || !Base64Url.TryDecodeFromChars(text, token, out var written)
            || written != TokenLength
            || token[0] != Version)
        {
            return AccessLinkStatus.Malformed;
        }

        Span<byte> expected = stackalloc byte[MacLength];
        Mac(key, token[..PayloadLength], previewId, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, token.Slice(PayloadLength, MacLength)))
        {
            return AccessLinkStatus.InvalidSignature;
        }

        var expires = BinaryPrimitives.ReadInt64BigEndian(token[1..]);
        return _time.GetUtcNow().ToUnixTimeSeconds() < expires ? AccessLinkStatus.Valid : AccessLinkStatus.Expired;
    }

    private static void Mac(byte[] key, ReadOnlySpan<byte> payload, string previewId, Span<byte> destination)
    {
        var size = PayloadLength + Encoding.UTF8.GetMaxByteCount(previewId.Length);
        Span<byte> input = size <= MaxStackBytes ? stackalloc byte[MaxStackBytes] : new byte[size];
        payload.CopyTo(input);
        var idLength = Encoding.UTF8.GetBytes(previewId, input[PayloadLength..]);
        HMACSHA256.HashData(key, input[..(PayloadLength + idLength)], destination);
    }
}
