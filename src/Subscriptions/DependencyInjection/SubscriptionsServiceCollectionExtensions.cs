using CrowNest.Subscriptions;
using CrowNest.Subscriptions.InMemory;
using CrowNest.Subscriptions.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CrowNest topic pub/sub.</summary>
public static class SubscriptionsServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SubscriptionOptions"/> bound from the <c>Subscriptions</c> configuration section. Choose a provider
    /// on the returned builder (<see cref="CrowNestSubscriptionsBuilder.AddInMemory"/> or
    /// <see cref="CrowNestSubscriptionsBuilder.AddPostgres"/>); registrations use TryAdd, so the first provider wins.
    /// </summary>
    /// <param name="services">The service collection.</param>
    public static CrowNestSubscriptionsBuilder AddCrowNestSubscriptions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SubscriptionOptions>().BindConfiguration(SubscriptionOptions.SectionName);
        services.AddLogging();
        return new CrowNestSubscriptionsBuilder(services);
    }
}

/// <summary>Returned by <see cref="SubscriptionsServiceCollectionExtensions.AddCrowNestSubscriptions"/> to pick a provider.</summary>
/// <param name="services">The service collection.</param>
public sealed class CrowNestSubscriptionsBuilder(IServiceCollection services)
{
    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>Uses the single-instance <see cref="InMemoryTopicEventBus"/> for <see cref="ITopicEventSender"/> and <see cref="ITopicEventReceiver"/>.</summary>
    public CrowNestSubscriptionsBuilder AddInMemory()
    {
        Services.TryAddSingleton(provider => new InMemoryTopicEventBus(provider.GetRequiredService<IOptions<SubscriptionOptions>>().Value));
        Services.TryAddSingleton<ITopicEventSender>(provider => provider.GetRequiredService<InMemoryTopicEventBus>());
        Services.TryAddSingleton<ITopicEventReceiver>(provider => provider.GetRequiredService<InMemoryTopicEventBus>());
        return this;
    }

    /// <summary>
    /// Uses the PostgreSQL <c>LISTEN</c>/<c>NOTIFY</c> <see cref="PostgresTopicEventBus"/> for
    /// <see cref="ITopicEventSender"/> and <see cref="ITopicEventReceiver"/>.
    /// </summary>
    /// <param name="dataSource">Resolves the database shared by every instance (e.g. the platform's data source).</param>
    public CrowNestSubscriptionsBuilder AddPostgres(Func<IServiceProvider, NpgsqlDataSource> dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        Services.TryAddSingleton(provider => new PostgresTopicEventBus(
            dataSource(provider),
            provider.GetRequiredService<IOptions<SubscriptionOptions>>().Value,
            provider.GetService<ILogger<PostgresTopicEventBus>>()));
        Services.TryAddSingleton<ITopicEventSender>(provider => provider.GetRequiredService<PostgresTopicEventBus>());
        Services.TryAddSingleton<ITopicEventReceiver>(provider => provider.GetRequiredService<PostgresTopicEventBus>());
        return this;
    }

    /// <summary>Overrides options after configuration binding.</summary>
    /// <param name="configure">Returns the options to use, typically <c>o =&gt; o with { ... }</c>.</param>
    public CrowNestSubscriptionsBuilder Configure(Func<SubscriptionOptions, SubscriptionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.AddSingleton<IPostConfigureOptions<SubscriptionOptions>>(new ReplaceOptions(configure));
        return this;
    }

    /// <summary>Applies a `with`-style update by copying the new record's properties onto the options instance.</summary>
    private sealed class ReplaceOptions(Func<SubscriptionOptions, SubscriptionOptions> configure) : IPostConfigureOptions<SubscriptionOptions>
    {
        public void PostConfigure(string? name, SubscriptionOptions options)
        {
            var updated = configure(options);
            foreach (var property in typeof(SubscriptionOptions).GetProperties().Where(p => p.CanWrite))
            {
                property.SetValue(options, property.GetValue(updated));
            }
        }
    }
}
