using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace CrowNest.GraphQL.Execution;

/// <summary>
/// An object in the response: response keys in selection order with their completed values. Keys are shared by every
/// object completed from the same selection, values live in one array, so an object costs two small allocations.
/// </summary>
public sealed class ResultMap : IReadOnlyDictionary<string, object?>
{
    private readonly ResultKeys _keys;
    private readonly object?[] _values;

    /// <summary>Creates a map over parallel key and value arrays (of the same length; not copied).</summary>
    public ResultMap(string[] keys, object?[] values)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        if (keys.Length != values.Length)
        {
            throw new ArgumentException("Keys and values must have the same length.", nameof(values));
        }

        _keys = new ResultKeys(keys, null);
        _values = values;
    }

    /// <summary>The executor's constructor: keys shared by a selection plan, with their JSON encoding computed once.</summary>
    internal ResultMap(ResultKeys keys, object?[] values)
    {
        _keys = keys;
        _values = values;
    }

    /// <summary>Pre-encoded keys (parallel to the keys) when the executor built this map; lets writers skip transcoding names.</summary>
    internal JsonEncodedText[]? EncodedKeys => _keys.Encoded;

    /// <summary>Pre-encoded <c>"key":</c> / <c>,"key":</c> bytes per key when the executor built this map (see <see cref="ResultKeys.Prefixes"/>).</summary>
    internal byte[][]? KeyPrefixes => _keys.Prefixes;

    /// <inheritdoc />
    public int Count => _keys.Names.Length;

    /// <summary>The key at <paramref name="index"/> (response order) — lets writers iterate without enumerators.</summary>
    public string GetKey(int index) => _keys.Names[index];

    /// <summary>The value at <paramref name="index"/> (response order).</summary>
    public object? GetValue(int index) => _values[index];

    /// <inheritdoc />
    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    /// <inheritdoc />
    public IEnumerable<string> Keys => _keys.Names;

    /// <inheritdoc />
    public IEnumerable<object?> Values => _values;

    /// <inheritdoc />
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = null;
            return false;
        }

        value = _values[index];
        return true;
    }

    /// <summary>A struct enumerator in response order.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<KeyValuePair<string, object?>> IEnumerable<KeyValuePair<string, object?>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        // Objects have few keys: a linear ordinal scan beats hashing.
        var names = _keys.Names;
        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(names[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Enumerates entries in response order.</summary>
    public struct Enumerator : IEnumerator<KeyValuePair<string, object?>>
    {
        private readonly ResultMap _map;
        private int _index;

        internal Enumerator(ResultMap map)
        {
            _map = map;
            _index = -1;
        }

        /// <inheritdoc />
        public readonly KeyValuePair<string, object?> Current => new(_map._keys.Names[_index], _map._values[_index]);

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc />
        public bool MoveNext() => ++_index < _map._keys.Names.Length;

        /// <inheritdoc />
        public void Reset() => _index = -1;

        /// <inheritdoc />
        public readonly void Dispose()
        {
        }
    }
}

/// <summary>Response keys shared by every object of one selection, optionally with their JSON property-name encoding.</summary>
internal sealed class ResultKeys(string[] names, JsonEncodedText[]? encoded)
{
    public string[] Names { get; } = names;

    public JsonEncodedText[]? Encoded { get; } = encoded;

    /// <summary>
    /// Per key, the UTF-8 bytes a JSON writer puts before its value: <c>"key":</c> for the first, <c>,"key":</c> after
    /// (one copy per member instead of four writes). Null when the keys are not pre-encoded.
    /// </summary>
    public byte[][]? Prefixes { get; } = encoded is null ? null : CreatePrefixes(encoded);

    private static byte[][] CreatePrefixes(JsonEncodedText[] encoded)
    {
        var prefixes = new byte[encoded.Length][];
        for (var i = 0; i < encoded.Length; i++)
        {
            var key = encoded[i].EncodedUtf8Bytes;
            var comma = i > 0 ? 1 : 0;
            var prefix = new byte[comma + key.Length + 3];
            if (comma == 1)
            {
                prefix[0] = (byte)',';
            }

            prefix[comma] = (byte)'"';
            key.CopyTo(prefix.AsSpan(comma + 1));
            prefix[^2] = (byte)'"';
            prefix[^1] = (byte)':';
            prefixes[i] = prefix;
        }

        return prefixes;
    }
}
