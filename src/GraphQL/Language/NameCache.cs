using System.Collections.Concurrent;

namespace CrowNest.GraphQL.Language;

/// <summary>Process-wide intern table for short names so repeated documents allocate no name strings. Bounded so hostile input cannot grow it.</summary>
internal static class NameCache
{
    private const int MaxEntries = 16_384;
    private const int MaxNameLength = 48;

    private static readonly ConcurrentDictionary<string, string> Table = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Table.GetAlternateLookup<ReadOnlySpan<char>>();
    private static int _count;

    // Per-thread direct-mapped front cache: a hit costs one hash of three characters and a span comparison, far less than
    // a ConcurrentDictionary lookup with a full string hash.
    private const int FrontSize = 512;
    [ThreadStatic]
    private static string?[]? _front;

    static NameCache()
    {
        string[] common =
        [
            "query", "mutation", "subscription", "fragment", "on", "true", "false", "null", "schema", "scalar", "type",
            "interface", "union", "enum", "input", "directive", "extend", "implements", "repeatable", "id", "name",
            "__typename", "__schema", "__type", "include", "skip", "if", "deprecated", "reason", "specifiedBy", "url",
            "oneOf", "String", "Int", "Float", "Boolean", "ID", "Query", "Mutation", "Subscription",
        ];
        foreach (var name in common)
        {
            Get(name);
        }
    }

    public static string Get(ReadOnlySpan<char> name)
    {
        if (name.Length > MaxNameLength || name.Length == 0)
        {
            return new string(name);
        }

        var front = _front ??= new string?[FrontSize];
        var slot = (int)((uint)((name.Length * 31) ^ (name[0] * 7) ^ (name[^1] << 3) ^ name[name.Length >> 1]) % FrontSize);
        var cached = front[slot];
        if (cached is not null && name.SequenceEqual(cached))
        {
            return cached;
        }

        if (Lookup.TryGetValue(name, out var existing))
        {
            front[slot] = existing;
            return existing;
        }

        var created = new string(name);
        if (Volatile.Read(ref _count) < MaxEntries && Table.TryAdd(created, created))
        {
            Interlocked.Increment(ref _count);
            front[slot] = created;
        }

        return created;
    }
}
