using System.Diagnostics;
using CrowNest.Subscriptions.Tests.Infrastructure;

namespace CrowNest.Subscriptions.Tests;

/// <summary>A message with enough shape to catch serialization mistakes.</summary>
public sealed record Note(int Seq, string Text);

/// <summary>Behaviour every provider must have; each provider's test class derives from this.</summary>
public abstract class TopicEventBusContract : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];

    /// <summary>
    /// A provider instance ("a server"). For distributed providers every call is a new instance on the same backing
    /// store; the in-memory provider is single-instance, so calls without options return one shared instance.
    /// </summary>
    protected abstract Task<Bus> CreateInstanceAsync(SubscriptionOptions? options = null);

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    protected T Own<T>(T disposable) where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    protected static string NewTopic(string name) => $"{name}:{Guid.NewGuid():N}";

    [Fact]
    public async Task Every_subscriber_on_every_instance_gets_every_message_in_order()
    {
        var first = await CreateInstanceAsync();
        var second = await CreateInstanceAsync();
        var topic = NewTopic("project/7/files");
        var readers = new List<EventReader<Note>>();
        foreach (var instance in new[] { first, second })
        {
            for (var i = 0; i < 5; i++)
            {
                readers.Add(Own(await instance.Receiver.OpenReaderAsync<Note>(topic)));
            }
        }

        for (var seq = 0; seq < 3; seq++)
        {
            await first.Sender.SendAsync(topic, new Note(seq, $"from first {seq}"));
        }

        await second.Sender.SendAsync(topic, new Note(3, "from second"));

        foreach (var reader in readers)
        {
            var received = await reader.NextAsync(4);
            Assert.Equal([new(0, "from first 0"), new(1, "from first 1"), new(2, "from first 2"), new(3, "from second")], received);
        }
    }

    [Fact]
    public async Task Every_subscriber_of_one_event_gets_the_same_received_instant_taken_after_the_send()
    {
        var bus = await CreateInstanceAsync();
        var topic = NewTopic("stamped");
        var readers = new List<EventReader<Note>>();
        for (var i = 0; i < 5; i++)
        {
            readers.Add(Own(await bus.Receiver.OpenReaderAsync<Note>(topic)));
        }

        var beforeFirst = Stopwatch.GetTimestamp();
        await bus.Sender.SendAsync(topic, new Note(1, "first"));
        var stamps = new List<long>();
        foreach (var reader in readers)
        {
            var next = await reader.NextEventAsync();
            Assert.NotNull(next);
            stamps.Add(next.Value.ReceivedAt);
        }

        // One instant per event (a read started after it may answer every subscriber), never before the send.
        Assert.Single(stamps.Distinct());
        Assert.True(stamps[0] >= beforeFirst);

        await bus.Sender.SendAsync(topic, new Note(2, "second"));
        foreach (var reader in readers)
        {
            var next = await reader.NextEventAsync();
            Assert.NotNull(next);
            Assert.True(next.Value.ReceivedAt > stamps[0]);
        }
    }

    [Fact]
    public async Task Topics_are_isolated()
    {
        var bus = await CreateInstanceAsync();
        var other = await CreateInstanceAsync();
        var a = NewTopic("a");
        var b = NewTopic("b");
        var readerA = Own(await other.Receiver.OpenReaderAsync<Note>(a));
        var readerB = Own(await other.Receiver.OpenReaderAsync<Note>(b));

        await bus.Sender.SendAsync(a, new Note(1, "for a"));
        await bus.Sender.SendAsync(b, new Note(2, "for b"));
        await bus.Sender.SendAsync(a, new Note(3, "for a again"));

        // Sent in this order by one sender: had "for a" leaked into b, it would be b's first message.
        Assert.Equal(new Note(2, "for b"), await readerB.NextAsync());
        Assert.Equal([new(1, "for a"), new(3, "for a again")], await readerA.NextAsync(2));
    }

    [Fact]
    public async Task Messages_from_one_sender_arrive_in_send_order()
    {
        var sender = await CreateInstanceAsync();
        var receiver = await CreateInstanceAsync();
        var topic = NewTopic("ordered");
        var reader = Own(await receiver.Receiver.OpenReaderAsync<int>(topic));

        for (var i = 0; i < 300; i++)
        {
            await sender.Sender.SendAsync(topic, i);
        }

        Assert.Equal(Enumerable.Range(0, 300), await reader.NextAsync(300));
    }

    [Fact]
    public async Task Large_payloads_are_delivered_intact()
    {
        var sender = await CreateInstanceAsync();
        var receiver = await CreateInstanceAsync();
        var topic = NewTopic("large");
        var local = Own(await sender.Receiver.OpenReaderAsync<Note>(topic));
        var remote = Own(await receiver.Receiver.OpenReaderAsync<Note>(topic));
        // 100 KB, non-ASCII included (escaped JSON grows further), far above NOTIFY's 8000-byte limit.
        var text = string.Concat(Enumerable.Range(0, 100 * 1024 / 6).Select(i => $"ü{i % 1000:D3}-Ω-"))[..(100 * 1024)];
        var small = new Note(2, "small after large");

        await sender.Sender.SendAsync(topic, new Note(1, text));
        await sender.Sender.SendAsync(topic, small);

        foreach (var reader in new[] { local, remote })
        {
            var large = await reader.NextAsync();
            Assert.Equal(1, large.Seq);
            Assert.Equal(text, large.Text);
            Assert.Equal(small, await reader.NextAsync());
        }
    }

    [Fact]
    public async Task Disposing_a_subscription_stops_its_delivery_only()
    {
        var sender = await CreateInstanceAsync();
        var receiver = await CreateInstanceAsync();
        var topic = NewTopic("unsubscribe");
        var leaving = Own(await receiver.Receiver.OpenReaderAsync<Note>(topic));
        var staying = Own(await receiver.Receiver.OpenReaderAsync<Note>(topic));

        await sender.Sender.SendAsync(topic, new Note(1, "both"));
        Assert.Equal(new Note(1, "both"), await leaving.NextAsync());
        Assert.Equal(new Note(1, "both"), await staying.NextAsync());

        await leaving.Stream.DisposeAsync();
        await sender.Sender.SendAsync(topic, new Note(2, "staying only"));

        Assert.Equal(new Note(2, "staying only"), await staying.NextAsync());
        await leaving.AssertEndedAsync();
    }

    [Fact]
    public async Task Resubscribing_after_the_last_subscriber_left_receives_again()
    {
        var sender = await CreateInstanceAsync();
        var receiver = await CreateInstanceAsync();
        var topic = NewTopic("again");
        for (var round = 0; round < 3; round++)
        {
            await using var reader = await receiver.Receiver.OpenReaderAsync<int>(topic);
            await sender.Sender.SendAsync(topic, round);
            Assert.Equal(round, await reader.NextAsync());
        }
    }

    [Fact]
    public async Task Ending_the_enumeration_unsubscribes()
    {
        var bus = await CreateInstanceAsync();
        var topic = NewTopic("break");
        var stream = await bus.Receiver.SubscribeAsync<int>(topic);
        var staying = Own(await bus.Receiver.OpenReaderAsync<int>(topic));
        await bus.Sender.SendAsync(topic, 1);
        await foreach (var item in stream.ReadEventsAsync())
        {
            Assert.Equal(1, item.Message);
            break;
        }

        await bus.Sender.SendAsync(topic, 2);
        Assert.Equal([1, 2], await staying.NextAsync(2));
        // Reading again is refused rather than silently getting nothing.
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var unused in stream.ReadEventsAsync())
            {
            }
        });
    }

    [Fact]
    public async Task A_full_buffer_ends_only_the_slow_subscriber_with_an_overflow_error()
    {
        var bus = await CreateInstanceAsync(new SubscriptionOptions { SubscriberCapacity = 10 });
        var topic = NewTopic("overflow");
        var slow = Own(await bus.Receiver.OpenReaderAsync<int>(topic));
        var fast = Own(await bus.Receiver.OpenReaderAsync<int>(topic));

        for (var i = 0; i < 30; i++)
        {
            await bus.Sender.SendAsync(topic, i);
            // Lock-step with the fast reader, so only the slow one can fall behind.
            Assert.Equal(i, await fast.NextAsync());
        }

        // The slow subscriber still gets what fitted in its buffer, then the typed error; never more than the capacity.
        Assert.Equal(Enumerable.Range(0, 10), await slow.NextAsync(10));
        var error = await Assert.ThrowsAsync<SubscriptionException>(slow.NextEventAsync);
        Assert.Equal(SubscriptionErrorCode.BufferOverflow, error.Code);
        Assert.Equal("SUBSCRIPTION_BUFFER_OVERFLOW", error.ErrorCode);
    }

    [Fact]
    public async Task Completing_a_topic_ends_its_streams_normally()
    {
        var sender = await CreateInstanceAsync();
        var receiver = await CreateInstanceAsync();
        var topic = NewTopic("complete");
        var other = NewTopic("other");
        var reader = Own(await receiver.Receiver.OpenReaderAsync<int>(topic));
        var otherReader = Own(await receiver.Receiver.OpenReaderAsync<int>(other));

        await sender.Sender.SendAsync(topic, 1);
        await sender.Sender.CompleteAsync(topic);
        await sender.Sender.SendAsync(other, 2);

        Assert.Equal(1, await reader.NextAsync());
        await reader.AssertEndedAsync();
        Assert.Equal(2, await otherReader.NextAsync());
    }

    [Fact]
    public async Task Invalid_topics_are_rejected_with_a_code()
    {
        var bus = await CreateInstanceAsync();
        var error = await Assert.ThrowsAsync<SubscriptionException>(async () => await bus.Sender.SendAsync("", 1));
        Assert.Equal(SubscriptionErrorCode.InvalidArgument, error.Code);
        error = await Assert.ThrowsAsync<SubscriptionException>(async () => await bus.Receiver.OpenReaderAsync<int>(""));
        Assert.Equal(SubscriptionErrorCode.InvalidArgument, error.Code);
    }
}

/// <summary>One provider instance under test.</summary>
public sealed record Bus(ITopicEventSender Sender, ITopicEventReceiver Receiver);
