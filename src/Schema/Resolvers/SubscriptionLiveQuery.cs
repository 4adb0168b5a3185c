using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrowNest.GraphQL;
using CrowNest.GraphQL.Execution;
using CrowNest.Platform;
using CrowNest.Platform.Auth;
using CrowNest.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Schema.Resolvers;

/// <summary>
/// Loads an object through its domain service for a caller, in a fresh DI scope each time (a subscription outlives
/// any one request's DbContext).
/// </summary>
public delegate Task<Result<T>> LiveLoad<T>(IServiceProvider services, Caller caller, CancellationToken cancellationToken);

/// <summary>
/// "Current state, then every change" subscriptions: the topic only signals that something changed; each event (and
/// each pub/sub <c>Reconnected</c>) re-reads the object as the subscriber, so visibility is re-checked every time and
/// a state missed during a listener outage is still emitted.
/// </summary>
public static class LiveQuery
{
    /// <summary><c>extensions.code</c> when a live subscription's object stops being visible to the subscriber.</summary>
    public const string ForbiddenCode = "FORBIDDEN";

    private static readonly JsonSerializerOptions FingerprintOptions = new(JsonSerializerOptions.Web)
    {
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
    };

    /// <summary>
    /// Subscribes to <paramref name="topic"/>, then loads the object: a refused load (not visible → NOT_FOUND, missing
    /// scope → FORBIDDEN) fails the subscription at once. The stream yields the current state first, then the state
    /// after every event whenever it differs from the last one emitted; losing access ends it with FORBIDDEN.
    /// Subscribing before the first load means no change between the two can be missed.
    /// </summary>
    public static async Task<IAsyncEnumerable<T>> StreamAsync<T>(
        IServiceProvider services, Caller caller, string topic, LiveLoad<T> load, CancellationToken cancellationToken)
    {
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var receiver = services.GetRequiredService<ITopicEventReceiver>();
        var source = await receiver.SubscribeAsync<object>(topic, cancellationToken);
        try
        {
            var first = await LoadAsync(scopes, caller, load, cancellationToken);
            if (first.Error is { } error)
            {
                throw ErrorHelper.From(error);
            }

            return Run(scopes, caller, source, load, first.Value!);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    /// <summary><see cref="StreamAsync{T}(IServiceProvider, Caller, string, LiveLoad{T}, CancellationToken)"/> for a resolver.</summary>
    public static Task<IAsyncEnumerable<T>> StreamAsync<T>(IResolverContext context, string topic, LiveLoad<T> load) =>
        StreamAsync(context.Services, context.Caller(), topic, load, context.CancellationToken);

    private static async IAsyncEnumerable<T> Run<T>(
        IServiceScopeFactory scopes, Caller caller, ISourceStream<object> source, LiveLoad<T> load, T first,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var _ = source;
        var last = Fingerprint(first);
        yield return first;
        await using var events = source.ReadEventsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await events.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (SubscriptionException e)
            {
                throw new GraphQLException(new GraphQLError(e.Message, e.ErrorCode));
            }

            var (value, error) = await LoadAsync(scopes, caller, load, cancellationToken);
            if (error is not null)
            {
                // Not visible any more (deleted, membership or key revoked): the subscriber has lost access.
                throw new GraphQLException(new GraphQLError(
                    error.Kind == ErrorKind.Forbidden ? error.Message : "Access to the subscribed object was lost",
                    ForbiddenCode));
            }

            var fingerprint = Fingerprint(value!);
            if (fingerprint != last)
            {
                last = fingerprint;
                yield return value!;
            }
        }
    }

    private static async Task<Result<T>> LoadAsync<T>(IServiceScopeFactory scopes, Caller caller, LiveLoad<T> load, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await load(scope.ServiceProvider, caller, cancellationToken);
    }

    private static string Fingerprint<T>(T value) => JsonSerializer.Serialize(value, FingerprintOptions);
}
