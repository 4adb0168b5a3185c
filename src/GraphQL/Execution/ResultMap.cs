using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace CrowNest.GraphQL.Execution;

/// <summary>
/// An object in the response: response keys in selection order with their completed values. Keys are shared by every
/// object completed from the same selection, values live in one array, so an object costs two small allocations.
/// </summary>
public sealed class ResultMap : IReadOnlyDictionary<string, object?>
{
    private readonly string[] _keys;
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

        _keys = keys;
        _values = values;
    }

    /// <inheritdoc />
    public int Count => _keys.Length;

    /// <summary>The key at <paramref name="index"/> (response order) — lets writers iterate without enumerators.</summary>
    public string GetKey(int index) => _keys[index];

    /// <summary>The value at <paramref name="index"/> (response order).</summary>
    public object? GetValue(int index) => _values[index];

    /// <inheritdoc />
    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    /// <inheritdoc />
    public IEnumerable<string> Keys => _keys;

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
        for (var i = 0; i < _keys.Length; i++)
        {
            if (string.Equals(_keys[i], key, StringComparison.Ordinal))
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
        public readonly KeyValuePair<string, object?> Current => new(_map._keys[_index], _map._values[_index]);

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc />
        public bool MoveNext() => ++_index < _map._keys.Length;

        /// <inheritdoc />
        public void Reset() => _index = -1;

        /// <inheritdoc />
        public readonly void Dispose()
        {
        }
    }
}
