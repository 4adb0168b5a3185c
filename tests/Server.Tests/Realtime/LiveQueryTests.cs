using CrowNest.GraphQL.Execution;
using CrowNest.Platform.Apps;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Schema.Resolvers;
using CrowNest.Server.Tests.Apps;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Subscriptions;
using CrowNest.Subscriptions.Postgres;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.Realtime;

/// <summary>
/// <see cref="LiveQuery"/> over the server's real PostgreSQL pub/sub and the real <see cref="AppService"/> (apps stand in
/// for any entity: the topic only signals a change, the state is re-read as the subscriber).
/// </summary>
public sealed class LiveQueryTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private CrowNestFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = new CrowNestFactory(database.ConnectionString);
        _ = _factory.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task EmitsCurrentStateThenEachChangeAndNothingForUnchangedState()
    {
        var (caller, workspace, _) = await CallerAsync("live");
        var app = await CreateAppAsync(caller, workspace, "first");
        var topic = "test:app:" + app.Id;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stream = await LiveQuery.StreamAsync(_factory.Services, caller, topic, Load(app.Id), cts.Token);
        await using var e = stream.GetAsyncEnumerator(cts.Token);

        Assert.True(await e.MoveNextAsync());
        Assert.Equal("first", e.Current.Name);
        Assert.Equal(typeof(PostgresTopicEventBus), _factory.Services.GetRequiredService<ITopicEventSender>().GetType());

        await SetAsync(app.Id, "name", "second");
        await SendAsync(topic);
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("second", e.Current.Name);

        // An event without a state change emits nothing: the next item is the following change.
        await SendAsync(topic);
        await SetAsync(app.Id, "description", "described");
        await SendAsync(topic);
        Assert.True(await e.MoveNextAsync());
        Assert.Equal("second", e.Current.Name);
        Assert.Equal("described", e.Current.Description);
    }

    [Fact]
    public async Task AnInvisibleObjectIsNotFoundAndAMissingScopeIsForbiddenAtSubscribeTime()
    {
        var (mine, workspace, _) = await CallerAsync("mine");
        var (theirs, _, _) = await CallerAsync("theirs");
        var app = await CreateAppAsync(mine, workspace, "private");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var notFound = await Assert.ThrowsAsync<GraphQLException>(() => LiveQuery.StreamAsync(_factory.Services, theirs, "test:app:" + app.Id, Load(app.Id), cts.Token));
        Assert.Equal("NOT_FOUND", notFound.Code);

        var noScope = mine with { Scopes = [Scopes.SandboxRead] };
        var forbidden = await Assert.ThrowsAsync<GraphQLException>(() => LiveQuery.StreamAsync(_factory.Services, noScope, "test:app:" + app.Id, Load(app.Id), cts.Token));
        Assert.Equal("FORBIDDEN", forbidden.Code);
    }

    [Fact]
    public async Task LosingAccessEndsTheStreamWithForbidden()
    {
        var (caller, workspace, userId) = await CallerAsync("loser");
        var app = await CreateAppAsync(caller, workspace, "shared");
        var topic = "test:app:" + app.Id;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stream = await LiveQuery.StreamAsync(_factory.Services, caller, topic, Load(app.Id), cts.Token);
        await using var e = stream.GetAsyncEnumerator(cts.Token);
        Assert.True(await e.MoveNextAsync());

        await using (var db = AppRows.NewDb(database.ConnectionString))
        {
            await db.WorkspaceMembers.Where(m => m.WorkspaceId == workspace && m.UserId == userId).ExecuteDeleteAsync();
        }

        await SendAsync(topic);
        var error = await Assert.ThrowsAsync<GraphQLException>(async () => await e.MoveNextAsync());
        Assert.Equal("FORBIDDEN", error.Code);
    }

    [Fact]
    public async Task SubscribersWithTheSameCredentialsShareOneReadPerEventAndOtherCallersReadTheirOwn()
    {
        var (caller, workspace, _) = await CallerAsync("shared");
        var app = await CreateAppAsync(caller, workspace, "v1");
        var topic = "test:app:" + app.Id;
        var reads = 0;
        LiveLoad<App> counting = (services, c, ct) =>
        {
            Interlocked.Increment(ref reads);
            return services.GetRequiredService<AppService>().GetAsync(c, app.Id, ct);
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var otherKey = caller with { ApiKeyId = PrefixedId.New(PrefixedId.ApiKey) };
        var enumerators = new List<IAsyncEnumerator<App>>();
        foreach (var subscriber in Enumerable.Repeat(caller, 20).Append(otherKey))
        {
            var stream = await LiveQuery.StreamAsync(_factory.Services, subscriber, topic, counting, cts.Token);
            var e = stream.GetAsyncEnumerator(cts.Token);
            Assert.True(await e.MoveNextAsync());
            enumerators.Add(e);
        }

        Assert.Equal(21, Volatile.Read(ref reads)); // the initial state is read per subscriber

        await SetAsync(app.Id, "name", "v2");
        await SendAsync(topic);
        foreach (var e in enumerators)
        {
            Assert.True(await e.MoveNextAsync());
            Assert.Equal("v2", e.Current.Name);
        }

        // One read for the 20 subscribers with the same key (they all get the same object), one for the other key.
        Assert.Equal(23, Volatile.Read(ref reads));
        Assert.All(enumerators.Take(20), e => Assert.Same(enumerators[0].Current, e.Current));
        Assert.NotSame(enumerators[0].Current, enumerators[20].Current);

        foreach (var e in enumerators)
        {
            await e.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASubscriberThatFallsBehindIsEndedAloneAndTheOthersOfItsFeedKeepReceiving()
    {
        await using var factory = new CrowNestFactory(database.ConnectionString, new Dictionary<string, string?> { ["Subscriptions:SubscriberCapacity"] = "2" });
        var (caller, workspace, _) = await CallerAsync("slow");
        var app = await CreateAppAsync(caller, workspace, "v1");
        var topic = "test:app:" + app.Id;
        var sender = factory.Services.GetRequiredService<ITopicEventSender>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var slow = (await LiveQuery.StreamAsync(factory.Services, caller, topic, Load(app.Id), cts.Token)).GetAsyncEnumerator(cts.Token);
        await using var fast = (await LiveQuery.StreamAsync(factory.Services, caller, topic, Load(app.Id), cts.Token)).GetAsyncEnumerator(cts.Token);
        Assert.True(await slow.MoveNextAsync());
        Assert.True(await fast.MoveNextAsync());

        // The slow subscriber reads nothing while three changes arrive: its buffer holds two, the third ends it.
        foreach (var name in new[] { "v2", "v3", "v4" })
        {
            await SetAsync(app.Id, "name", name);
            await sender.SendAsync(topic, new { changed = true });
            Assert.True(await fast.MoveNextAsync());
            Assert.Equal(name, fast.Current.Name);
        }

        Assert.True(await slow.MoveNextAsync());
        Assert.Equal("v2", slow.Current.Name);
        Assert.True(await slow.MoveNextAsync());
        Assert.Equal("v3", slow.Current.Name);
        var overflow = await Assert.ThrowsAsync<GraphQLException>(async () => await slow.MoveNextAsync());
        Assert.Equal("SUBSCRIPTION_BUFFER_OVERFLOW", overflow.Code);

        await SetAsync(app.Id, "name", "v5");
        await sender.SendAsync(topic, new { changed = true });
        Assert.True(await fast.MoveNextAsync());
        Assert.Equal("v5", fast.Current.Name);
    }

    private static LiveLoad<App> Load(string id) => (services, caller, ct) => services.GetRequiredService<AppService>().GetAsync(caller, id, ct);

    private async Task SendAsync(string topic) =>
        await _factory.Services.GetRequiredService<ITopicEventSender>().SendAsync(topic, new { changed = true });

    private async Task SetAsync(string appId, string column, string value)
    {
        await using var db = AppRows.NewDb(database.ConnectionString);
        // Column names are the test's own constants.
#pragma warning disable EF1002
        await db.Database.ExecuteSqlRawAsync($"UPDATE apps SET {column} = {{0}} WHERE id = {{1}}", value, appId);
#pragma warning restore EF1002
    }

    private async Task<App> CreateAppAsync(Caller caller, string workspace, string name)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var (app, error) = await scope.ServiceProvider.GetRequiredService<AppService>()
            .CreateAsync(caller, new CreateAppInput { WorkspaceId = workspace, Name = name }, CancellationToken.None);
        Assert.Null(error);
        return app!;
    }

    private async Task<(Caller Caller, string WorkspaceId, string UserId)> CallerAsync(string slug)
    {
        var (org, user, workspaces) = await AppRows.TenancyAsync(database.ConnectionString, $"{slug}-{Guid.NewGuid():N}"[..20], 1);
        await using var db = AppRows.NewDb(database.ConnectionString);
        db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = org.Id, UserId = user.Id, Role = OrganizationRoles.Member, CreatedAt = DateTimeOffset.UtcNow });
        db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaces[0].Id, UserId = user.Id, Role = WorkspaceRoles.Editor, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        var caller = new Caller { ApiKeyId = PrefixedId.New(PrefixedId.ApiKey), UserId = user.Id, OrganizationId = org.Id, Scopes = [.. Scopes.All.Where(s => s != Scopes.Admin)] };
        return (caller, workspaces[0].Id, user.Id);
    }
}
