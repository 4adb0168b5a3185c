using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CrowNest.GraphQL.Transport;

/// <summary>A sha256 digest of a document's UTF-8 text: the document cache key and the trusted-document id.</summary>
public readonly record struct DocumentHash(ulong A, ulong B, ulong C, ulong D)
{
    /// <summary>Hashes UTF-8 bytes.</summary>
    public static DocumentHash Compute(ReadOnlySpan<byte> utf8)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(utf8, digest);
        return FromDigest(digest);
    }

    /// <summary>Hashes the UTF-8 encoding of a string.</summary>
    public static DocumentHash Compute(string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 1024)
        {
            Span<byte> buffer = stackalloc byte[max];
            var length = Encoding.UTF8.GetBytes(text, buffer);
            return Compute(buffer[..length]);
        }

        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Encoding.UTF8.GetBytes(text, rented);
            return Compute(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Parses a 64-digit hex id (case-insensitive), optionally prefixed with <c>sha256:</c>.</summary>
    public static bool TryParse(string? id, out DocumentHash hash)
    {
        hash = default;
        if (id is null)
        {
            return false;
        }

        var span = id.AsSpan();
        if (span.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
        {
            span = span[7..];
        }

        if (span.Length != 64)
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[32];
        if (Convert.FromHexString(span, digest, out _, out var written) != OperationStatus.Done || written != 32)
        {
            return false;
        }

        hash = FromDigest(digest);
        return true;
    }

    /// <summary>The lowercase hex form (the trusted-document id).</summary>
    public override string ToString()
    {
        Span<byte> digest = stackalloc byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(digest, A);
        BinaryPrimitives.WriteUInt64BigEndian(digest[8..], B);
        BinaryPrimitives.WriteUInt64BigEndian(digest[16..], C);
        BinaryPrimitives.WriteUInt64BigEndian(digest[24..], D);
        return Convert.ToHexStringLower(digest);
    }

    private static DocumentHash FromDigest(ReadOnlySpan<byte> digest) => new(
        BinaryPrimitives.ReadUInt64BigEndian(digest),
        BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(digest[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));
}
