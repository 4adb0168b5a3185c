using BenchmarkDotNet.Attributes;
using CrowNest.Subscriptions;
using CrowNest.Subscriptions.InMemory;

namespace CrowNest.Benchmarks;

/// <summary>A small event payload, as the platform publishes for a changed entity.</summary>
public sealed record ChangedEvent(string Id, int Version);

/// <summary>Fan-out of one event to many in-process subscribers through the in-memory provider.</summary>
[MemoryDiagnoser]
public class SubscriptionFanOutBenchmarks
{
    private const string Topic = "project/1/files";
    private readonly ChangedEvent _event = new("file-1", 1);
    private InMemoryTopicEventBus _bus = null!;
    private IAsyncEnumerator<TopicEvent<ChangedEvent>>[] _readers = [];

    /// <summary>Number of subscribers of the topic.</summary>
    [Params(1_000)]
    public int Subscribers { get; set; } = 1_000;

    /// <summary>Subscribes <see cref="Subscribers"/> readers to one topic.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _bus = new InMemoryTopicEventBus();
        _readers = new IAsyncEnumerator<TopicEvent<ChangedEvent>>[Subscribers];
        for (var i = 0; i < _readers.Length; i++)
        {
            var stream = _bus.SubscribeAsync<ChangedEvent>(Topic).AsTask().GetAwaiter().GetResult();
            _readers[i] = stream.ReadEventsAsync().GetAsyncEnumerator();
        }
    }

    /// <summary>
    /// One <c>SendAsync</c> to the topic, then every subscriber reads the event (synchronously available), so the
    /// buffers never fill: the cost of delivering one event to all subscribers end to end.
    /// </summary>
    [Benchmark]
    public int SendToAllSubscribers()
    {
        var send = _bus.SendAsync(Topic, _event);
        if (!send.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The in-memory send completes synchronously.");
        }

        var received = 0;
        foreach (var reader in _readers)
        {
            var next = reader.MoveNextAsync();
            if (!next.IsCompletedSuccessfully || !next.Result)
            {
                throw new InvalidOperationException("Every subscriber has the event buffered.");
            }

            received += reader.Current.Message.Version;
        }

        return received;
    }
}
