using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CrowNest.Subscriptions.Postgres;

/// <summary>
/// NOTIFY channel names. Every topic maps to <c>prefix + 40 hex digits of SHA-256(topic)</c>: a lower-case identifier
/// of fixed length below PostgreSQL's 63-byte limit, safe for any topic text (no quoting or case-folding surprises).
/// The topic is also carried in the payload, so a receiver never trusts the channel alone.
/// </summary>
internal static partial class PostgresChannelNames
{
    private const int HashHexLength = 40;

    public static string ForTopic(string prefix, string topic)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(topic), hash);
        return prefix + Convert.ToHexStringLower(hash[..(HashHexLength / 2)]);
    }

    /// <summary>The process-private channel used to wake the listener (its shape never equals a topic channel).</summary>
    public static string Control(string prefix) => $"{prefix}ctl_{Guid.NewGuid():N}";

    public static string ValidatePrefix(string prefix) => prefix is not null && PrefixPattern().IsMatch(prefix)
        ? prefix
        : throw new ArgumentException(
            $"Subscriptions:Postgres:ChannelPrefix '{prefix}' must be 1-20 characters of a-z, 0-9 and '_', starting with a letter or '_'.",
            nameof(prefix));

    public static string ValidateTable(string table) => table is not null && TablePattern().IsMatch(table)
        ? table
        : throw new ArgumentException(
            $"Subscriptions:Postgres:PayloadTable '{table}' must be an identifier of a-z, 0-9 and '_' (optionally schema-qualified).",
            nameof(table));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,19}$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex TablePattern();
}
