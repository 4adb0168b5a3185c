using CrowNest.Subscriptions.InMemory;
using CrowNest.Subscriptions.Tests.Infrastructure;

namespace CrowNest.Subscriptions.Tests;

public sealed class InMemoryTopicEventBusTests : TopicEventBusContract
{
    private readonly InMemoryTopicEventBus _shared = new();

    protected override Task<Bus> CreateInstanceAsync(SubscriptionOptions? options = null)
    {
        var bus = options is null ? _shared : new InMemoryTopicEventBus(options);
        return Task.FromResult(new Bus(bus, bus));
    }

    [Fact]
    public async Task A_message_of_another_type_ends_the_subscriber_with_a_code()
    {
        var bus = new InMemoryTopicEventBus();
        await using var reader = await bus.OpenReaderAsync<int>("typed");
        await bus.SendAsync("typed", "not a number");
        var error = await Assert.ThrowsAsync<SubscriptionException>(reader.NextEventAsync);
        Assert.Equal(SubscriptionErrorCode.InvalidMessage, error.Code);
    }

    [Fact]
    public async Task Subscribers_of_a_base_type_receive_derived_messages_by_reference()
    {
        var bus = new InMemoryTopicEventBus();
        await using var reader = await bus.OpenReaderAsync<object>("objects");
        var note = new Note(1, "x");
        await bus.SendAsync("objects", note);
        Assert.Same(note, await reader.NextAsync());
    }
}
