using System.Text.Json;

namespace CrowNest.GraphQL.Transport;

/// <summary>
/// Remembers, per thread, the last query text read from a request body with its sha256: a client repeating a document
/// (the common case) skips decoding the string and hashing it again. Only exact byte equality reuses an entry.
/// </summary>
internal static class QueryTextMemo
{
    private const int MaxLength = 8 * 1024;

    [ThreadStatic]
    private static Entry? t_last;

    /// <summary>The text and hash of the string token at <paramref name="reader"/> (contiguous and unescaped).</summary>
    public static (string Text, DocumentHash Hash) Read(ref Utf8JsonReader reader)
    {
        var utf8 = reader.ValueSpan;
        var last = t_last;
        if (last is not null && utf8.SequenceEqual(last.Utf8))
        {
            return (last.Text, last.Hash);
        }

        var text = reader.GetString()!;
        var hash = DocumentHash.Compute(utf8);
        if (utf8.Length <= MaxLength)
        {
            t_last = new Entry(utf8.ToArray(), text, hash);
        }

        return (text, hash);
    }

    private sealed record Entry(byte[] Utf8, string Text, DocumentHash Hash);
}
