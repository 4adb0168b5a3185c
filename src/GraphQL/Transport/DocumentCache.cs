using System.Collections.Concurrent;
using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Transport;

/// <summary>A parsed document with its parse or validation errors and per-operation analysis, shared by all requests.</summary>
internal sealed class CachedDocument(DocumentNode? document, IReadOnlyList<GraphQLError>? errors)
{
    /// <summary>The parsed document; null when parsing failed.</summary>
    public DocumentNode? Document { get; } = document;

    /// <summary>Parse or validation errors; null when the document is valid.</summary>
    public IReadOnlyList<GraphQLError>? Errors { get; } = errors;

    /// <summary>Variable-independent analysis per operation name ("" for the anonymous operation).</summary>
    public ConcurrentDictionary<string, OperationAnalysis> Analyses { get; } = new(StringComparer.Ordinal);
}

/// <summary>A bounded LRU map from document hash to <see cref="CachedDocument"/>.</summary>
internal sealed class DocumentCache(int capacity)
{
    private readonly Dictionary<DocumentHash, LinkedListNode<(DocumentHash Key, CachedDocument Value)>> _map = [];
    private readonly LinkedList<(DocumentHash Key, CachedDocument Value)> _order = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _map.Count;
            }
        }
    }

    public bool TryGet(DocumentHash key, out CachedDocument value)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                // Move to front only when not already there: the common hot-document case stays a lookup.
                if (!ReferenceEquals(_order.First, node))
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                }

                value = node.Value.Value;
                return true;
            }
        }

        value = null!;
        return false;
    }

    public void Add(DocumentHash key, CachedDocument value)
    {
        if (capacity <= 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _order.Remove(existing);
            }
            else if (_map.Count >= capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _map.Remove(last.Value.Key);
            }

            _map[key] = _order.AddFirst((key, value));
        }
    }
}
