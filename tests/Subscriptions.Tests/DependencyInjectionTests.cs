using CrowNest.Subscriptions.InMemory;
using CrowNest.Subscriptions.Postgres;
using CrowNest.Subscriptions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CrowNest.Subscriptions.Tests;

public sealed class DependencyInjectionTests(PostgresFixture postgres)
{
    private static ServiceCollection Services(Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        return services;
    }

    [Fact]
    public async Task In_memory_provider_serves_both_interfaces_with_bound_options()
    {
        var services = Services(new() { ["Subscriptions:SubscriberCapacity"] = "3" });
        services.AddCrowNestSubscriptions().AddInMemory();
        await using var provider = services.BuildServiceProvider();

        var sender = provider.GetRequiredService<ITopicEventSender>();
        var receiver = provider.GetRequiredService<ITopicEventReceiver>();
        Assert.IsType<InMemoryTopicEventBus>(sender);
        Assert.Same(sender, receiver);

        // The bound capacity (3) is in force: the fourth unread message overflows.
        await using var reader = await receiver.OpenReaderAsync<int>("t");
        for (var i = 0; i < 4; i++)
        {
            await sender.SendAsync("t", i);
        }

        Assert.Equal([0, 1, 2], await reader.NextAsync(3));
        var error = await Assert.ThrowsAsync<SubscriptionException>(reader.NextEventAsync);
        Assert.Equal(SubscriptionErrorCode.BufferOverflow, error.Code);
    }

    [Fact]
    public async Task Postgres_provider_uses_the_given_data_source_and_the_first_provider_wins()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var services = Services();
        services.AddCrowNestSubscriptions()
            .Configure(o => o with { SubscriberCapacity = 5 })
            .AddPostgres(_ => dataSource)
            .AddInMemory();
        await using (var provider = services.BuildServiceProvider())
        {
            var sender = provider.GetRequiredService<ITopicEventSender>();
            Assert.IsType<PostgresTopicEventBus>(sender);
            Assert.Same(sender, provider.GetRequiredService<ITopicEventReceiver>());

            await using var reader = await provider.GetRequiredService<ITopicEventReceiver>().OpenReaderAsync<string>("di");
            await sender.SendAsync("di", "hello");
            Assert.Equal("hello", await reader.NextAsync());
        }
    }
}
