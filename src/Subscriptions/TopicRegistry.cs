using System.Collections.Concurrent;

namespace CrowNest.Subscriptions;

/// <summary>
/// Topic → subscribers. Changes update a list under a lock in O(1) amortized (subscribing 10,000 clients to one topic
/// must not copy a 10,000-element array per subscriber); the publish path reads a snapshot array, rebuilt at most once
/// per change and only when the topic is published to.
/// </summary>
internal sealed class TopicRegistry
{
    private readonly ConcurrentDictionary<string, Entry> _topics = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Adds a subscriber; true when its topic had no subscriber before.</summary>
    public bool Add(Subscriber subscriber)
    {
        lock (_lock)
        {
            if (_topics.TryGetValue(subscriber.Topic, out var entry))
            {
                entry.Subscribers.Add(subscriber);
                entry.Snapshot = null;
                return false;
            }

            entry = new Entry();
            entry.Subscribers.Add(subscriber);
            _topics[subscriber.Topic] = entry;
            return true;
        }
    }

    /// <summary>Removes a subscriber; true when its topic has no subscriber left.</summary>
    public bool Remove(Subscriber subscriber)
    {
        lock (_lock)
        {
            if (!_topics.TryGetValue(subscriber.Topic, out var entry))
            {
                return false;
            }

            var subscribers = entry.Subscribers;
            var index = subscribers.IndexOf(subscriber);
            if (index < 0)
            {
                return false;
            }

            if (subscribers.Count == 1)
            {
                _topics.TryRemove(subscriber.Topic, out _);
                return true;
            }

            // Delivery order between subscribers is not defined: move the last one into the gap instead of shifting.
            subscribers[index] = subscribers[^1];
            subscribers.RemoveAt(subscribers.Count - 1);
            entry.Snapshot = null;
            return false;
        }
    }

    public bool HasSubscribers(string topic) => _topics.ContainsKey(topic);

    public Subscriber[] Get(string topic)
    {
        if (!_topics.TryGetValue(topic, out var entry))
        {
            return [];
        }

        if (Volatile.Read(ref entry.Snapshot) is { } snapshot)
        {
            return snapshot;
        }

        lock (_lock)
        {
            return entry.Snapshot ??= [.. entry.Subscribers];
        }
    }

    public string[] Topics() => [.. _topics.Keys];

    public Subscriber[] All()
    {
        lock (_lock)
        {
            return [.. _topics.Values.SelectMany(e => e.Subscribers)];
        }
    }

    private sealed class Entry
    {
        public readonly List<Subscriber> Subscribers = new(1);
        public Subscriber[]? Snapshot;
    }

    internal static void ValidateTopic(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (topic.Length is 0 or > SubscriptionOptions.MaxTopicLength)
        {
            throw new SubscriptionException(SubscriptionErrorCode.InvalidArgument,
                $"A topic must be 1 to {SubscriptionOptions.MaxTopicLength} characters long (got {topic.Length}).");
        }
    }
}
