using System.Collections.Concurrent;

namespace CrowNest.Subscriptions;

/// <summary>
/// Topic → subscribers. Reads (the publish path) are lock-free snapshots; changes copy the topic's array under a lock.
/// </summary>
internal sealed class TopicRegistry
{
    private readonly ConcurrentDictionary<string, Subscriber[]> _topics = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Adds a subscriber; true when its topic had no subscriber before.</summary>
    public bool Add(Subscriber subscriber)
    {
        lock (_lock)
        {
            if (_topics.TryGetValue(subscriber.Topic, out var current))
            {
                _topics[subscriber.Topic] = [.. current, subscriber];
                return false;
            }

            _topics[subscriber.Topic] = [subscriber];
            return true;
        }
    }

    /// <summary>Removes a subscriber; true when its topic has no subscriber left.</summary>
    public bool Remove(Subscriber subscriber)
    {
        lock (_lock)
        {
            if (!_topics.TryGetValue(subscriber.Topic, out var current))
            {
                return false;
            }

            var index = Array.IndexOf(current, subscriber);
            if (index < 0)
            {
                return false;
            }

            if (current.Length == 1)
            {
                _topics.TryRemove(subscriber.Topic, out _);
                return true;
            }

            var next = new Subscriber[current.Length - 1];
            Array.Copy(current, 0, next, 0, index);
            Array.Copy(current, index + 1, next, index, current.Length - index - 1);
            _topics[subscriber.Topic] = next;
            return false;
        }
    }

    public bool HasSubscribers(string topic) => _topics.ContainsKey(topic);

    public Subscriber[] Get(string topic) => _topics.TryGetValue(topic, out var subscribers) ? subscribers : [];

    public string[] Topics() => [.. _topics.Keys];

    public IEnumerable<Subscriber> All() => _topics.Values.SelectMany(s => s);

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
