using CrowNest.Subscriptions.Postgres;
using CrowNest.Subscriptions.Tests.Infrastructure;
using Npgsql;

namespace CrowNest.Subscriptions.Tests;

/// <summary>The contract against a real PostgreSQL; every instance has its own data source, like separate servers.</summary>
public sealed class PostgresTopicEventBusTests(PostgresFixture postgres) : TopicEventBusContract
{
    private static readonly SubscriptionOptions FastReconnect = new()
    {
        Postgres = new PostgresSubscriptionOptions { ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(400) },
    };

    private string _connectionString = "";
    private int _instances;

    public override async ValueTask InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    protected override Task<Bus> CreateInstanceAsync(SubscriptionOptions? options = null)
    {
        var bus = CreateBus(options);
        return Task.FromResult(new Bus(bus, bus));
    }

    private PostgresTopicEventBus CreateBus(SubscriptionOptions? options = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = $"server{Interlocked.Increment(ref _instances)}" };
        var dataSource = Own(NpgsqlDataSource.Create(builder));
        return Own(new PostgresTopicEventBus(dataSource, options));
    }

    private async Task<T?> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var arg in args)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = arg });
        }

        return (T?)await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task A_killed_listener_reconnects_relistens_every_topic_and_tells_every_subscriber()
    {
        var sender = CreateBus();
        var receiver = CreateBus(FastReconnect);
        var files = NewTopic("files");
        var status = NewTopic("status");
        var readers = new[]
        {
            Own(await receiver.OpenReaderAsync<Note>(files)),
            Own(await receiver.OpenReaderAsync<Note>(files)),
            Own(await receiver.OpenReaderAsync<Note>(status)),
        };
        await sender.SendAsync(files, new Note(1, "before"));
        await sender.SendAsync(status, new Note(1, "before"));
        foreach (var reader in readers)
        {
            Assert.Equal(new Note(1, "before"), await reader.NextAsync());
        }

        var killed = receiver.ListenerProcessId;
        Assert.NotNull(killed);
        Assert.True(await ScalarAsync<bool>("SELECT pg_terminate_backend($1)", killed.Value));

        foreach (var reader in readers)
        {
            var next = await reader.NextEventAsync();
            Assert.NotNull(next);
            Assert.True(next.Value.IsReconnected);
        }

        Assert.Equal(2, receiver.ConnectCount);
        Assert.NotEqual(killed, receiver.ListenerProcessId);
        await sender.SendAsync(files, new Note(2, "after"));
        await sender.SendAsync(status, new Note(2, "after"));
        foreach (var reader in readers)
        {
            Assert.Equal(new Note(2, "after"), await reader.NextAsync());
        }
    }

    [Fact]
    public async Task The_listener_retries_until_the_database_accepts_connections_again()
    {
        var receiver = CreateBus(FastReconnect);
        var topic = NewTopic("outage");
        var reader = Own(await receiver.OpenReaderAsync<int>(topic));
        var database = new NpgsqlConnectionStringBuilder(_connectionString).Database!;

        await postgres.ExecuteAdminAsync($"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false");
        try
        {
            await postgres.ExecuteAdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
            // Several attempts fail meanwhile (50, 100, 200, 400 ms...); none may end the subscription.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Null(receiver.ListenerProcessId);
        }
        finally
        {
            await postgres.ExecuteAdminAsync($"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true");
        }

        var next = await reader.NextEventAsync();
        Assert.True(next?.IsReconnected);
        // A sender whose pooled connections were not killed: the outage broke every connection of the receiver's pool.
        var sender = CreateBus();
        await sender.SendAsync(topic, 42);
        Assert.Equal(42, await reader.NextAsync());
    }

    [Fact]
    public async Task Large_payloads_travel_through_the_payload_table_and_expire()
    {
        var sender = CreateBus(new SubscriptionOptions { Postgres = new PostgresSubscriptionOptions { PayloadTimeToLive = TimeSpan.Zero } });
        var receiver = CreateBus();
        var topic = NewTopic("spill");
        var reader = Own(await receiver.OpenReaderAsync<string>(topic));
        var inlineLimit = new string('x', 7_900);
        var large = new string('y', 20_000);

        await sender.SendAsync(topic, inlineLimit);
        await sender.SendAsync(topic, large);

        Assert.Equal([inlineLimit, large], await reader.NextAsync(2));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM pubsub_payloads"));
        Assert.Equal(1, await sender.CleanupPayloadsAsync());
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM pubsub_payloads"));
    }

    [Fact]
    public async Task A_payload_that_expired_before_it_was_read_is_reported_as_a_gap()
    {
        var sender = CreateBus();
        var receiver = CreateBus();
        var topic = NewTopic("gap");
        var reader = Own(await receiver.OpenReaderAsync<string>(topic));
        // A reference to a row that does not exist, as after a cleanup that raced the receiver.
        await ScalarAsync<object>("SELECT pg_notify($1, json_build_object('t', $2::text, 'r', -1)::text)",
            PostgresChannelNames.ForTopic("crownest_", topic), topic);
        await sender.SendAsync(topic, "next");

        var gap = await reader.NextEventAsync();
        Assert.True(gap?.IsReconnected);
        Assert.Equal("next", await reader.NextAsync());
    }

    [Fact]
    public async Task Messages_that_do_not_fit_the_subscriber_type_end_only_that_subscriber()
    {
        var sender = CreateBus();
        var receiver = CreateBus();
        var topic = NewTopic("typed");
        var numbers = Own(await receiver.OpenReaderAsync<int>(topic));
        var texts = Own(await receiver.OpenReaderAsync<string>(topic));

        await sender.SendAsync(topic, "not a number");

        Assert.Equal("not a number", await texts.NextAsync());
        var error = await Assert.ThrowsAsync<SubscriptionException>(numbers.NextEventAsync);
        Assert.Equal(SubscriptionErrorCode.InvalidMessage, error.Code);
    }

    [Fact]
    public async Task Topics_up_to_the_maximum_length_work_and_longer_ones_are_rejected()
    {
        var bus = CreateBus();
        var topic = string.Concat(Enumerable.Repeat("ü", SubscriptionOptions.MaxTopicLength));
        var reader = Own(await bus.OpenReaderAsync<string>(topic));
        var large = new string('z', 10_000);
        await bus.SendAsync(topic, "small");
        await bus.SendAsync(topic, large);
        await bus.CompleteAsync(topic);
        Assert.Equal(["small", large], await reader.NextAsync(2));
        await reader.AssertEndedAsync();

        var error = await Assert.ThrowsAsync<SubscriptionException>(async () => await bus.SendAsync(topic + "x", 1));
        Assert.Equal(SubscriptionErrorCode.InvalidArgument, error.Code);
    }

    [Fact]
    public async Task An_unreachable_database_fails_subscribe_and_send_with_unavailable()
    {
        var builder = new NpgsqlConnectionStringBuilder(_connectionString) { Database = "crownest_does_not_exist" };
        var dataSource = Own(NpgsqlDataSource.Create(builder));
        var bus = Own(new PostgresTopicEventBus(dataSource, FastReconnect with
        {
            Postgres = FastReconnect.Postgres with { SubscribeTimeout = TimeSpan.FromMilliseconds(500) },
        }));

        var error = await Assert.ThrowsAsync<SubscriptionException>(async () => await bus.SubscribeAsync<int>("t"));
        Assert.Equal(SubscriptionErrorCode.Unavailable, error.Code);
        error = await Assert.ThrowsAsync<SubscriptionException>(async () => await bus.SendAsync("t", 1));
        Assert.Equal(SubscriptionErrorCode.Unavailable, error.Code);
        Assert.Equal("SUBSCRIPTION_UNAVAILABLE", error.ErrorCode);
    }

    [Fact]
    public void Channel_names_are_short_lowercase_identifiers_that_differ_per_topic()
    {
        string[] topics = ["a", "A", "a ", "project/1/files", new string('x', 5_000), "ünïcödé \"quoted\"; DROP TABLE x"];
        var names = topics.Select(t => PostgresChannelNames.ForTopic("crownest_", t)).ToList();
        Assert.Equal(topics.Length, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^crownest_[0-9a-f]{40}$", n));
        Assert.Throws<ArgumentException>(() => PostgresChannelNames.ValidatePrefix("Bad-Prefix"));
    }
}
