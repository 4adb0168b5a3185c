using System.Collections.Concurrent;
using System.Diagnostics;
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
    /// <summary>
    /// The topic's events, with a pub/sub failure (e.g. the subscriber's buffer overflowed) surfaced as the GraphQL error
    /// that ends the subscription.
    /// </summary>
    internal static async IAsyncEnumerable<TopicEvent<T>> ReadEventsOrFailAsync<T>(ISourceStream<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
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

            yield return events.Current;
        }
    }

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

            // Every subscriber with the same topic and credentials sees the same states (one shared read per event),
            // so the engine may execute each state once for all of them.
            var callerKey = CallerKey(caller);
            return new SharedStream<T>(Run(scopes, caller, callerKey, source, load, first.Value!), source.Topic + "\n" + callerKey);
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
        IServiceScopeFactory scopes, Caller caller, string callerKey, ISourceStream<object> source, LiveLoad<T> load, T first,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var _ = source;
        var key = (source.Topic, callerKey);
        var shared = SharedLoads<T>.Acquire(key);
        try
        {
            var last = Fingerprint(first);
            yield return first;
            await foreach (var received in ReadEventsOrFailAsync(source, cancellationToken))
            {
                // The instant the provider handed over the event (not when this subscriber got round to it): with 1,000
                // subscribers woken by one event, a read started after that instant answers all of them.
                var receivedAt = received.ReceivedAt is > 0 and var at ? at : Stopwatch.GetTimestamp();
                var (value, error, fingerprint) = await shared.LoadAfterAsync(receivedAt, () => LoadAsync(scopes, caller, load, CancellationToken.None));
                if (error is not null)
                {
                    // Not visible any more (deleted, membership or key revoked): the subscriber has lost access.
                    throw new GraphQLException(new GraphQLError(
                        error.Kind == ErrorKind.Forbidden ? error.Message : "Access to the subscribed object was lost",
                        ForbiddenCode));
                }

                if (!string.Equals(fingerprint, last, StringComparison.Ordinal))
                {
                    last = fingerprint;
                    yield return value!;
                }
            }
        }
        finally
        {
            SharedLoads<T>.Release(key, shared);
        }
    }

    private static async Task<Result<T>> LoadAsync<T>(IServiceScopeFactory scopes, Caller caller, LiveLoad<T> load, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await load(scope.ServiceProvider, caller, cancellationToken);
    }

    private static string Fingerprint<T>(T value) => JsonSerializer.Serialize(value, FingerprintOptions);

    private static string CallerKey(Caller caller) =>
        string.Join('\n', caller.ApiKeyId, caller.UserId, caller.OrganizationId, string.Join(' ', caller.Scopes));

    /// <summary>
    /// One event fans out to every subscriber of a topic; subscribers with the same credentials share one re-read
    /// instead of each querying the database. A subscriber may only reuse a load that started after it received the
    /// event, so the shared state is never older than the event it answers.
    /// </summary>
    private static class SharedLoads<T>
    {
        private static readonly ConcurrentDictionary<(string Topic, string Caller), Entry> Entries = new();

        public static Entry Acquire((string Topic, string Caller) key)
        {
            while (true)
            {
                var entry = Entries.GetOrAdd(key, _ => new Entry());
                lock (entry)
                {
                    if (entry.References >= 0)
                    {
                        entry.References++;
                        return entry;
                    }
                }

                // Being removed by its last user: retry with a fresh entry.
                Entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
            }
        }

        public static void Release((string Topic, string Caller) key, Entry entry)
        {
            lock (entry)
            {
                if (--entry.References > 0)
                {
                    return;
                }

                entry.References = -1;
            }

            Entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
        }

        public sealed class Entry
        {
            private long _started = long.MinValue;
            private Task<Loaded<T>>? _load;

            public int References { get; set; }

            /// <summary>The running or finished read if it started after <paramref name="eventReceived"/>, else a new one.</summary>
            public Task<Loaded<T>> LoadAfterAsync(long eventReceived, Func<Task<Result<T>>> load)
            {
                lock (this)
                {
                    if (_load is null || _started <= eventReceived)
                    {
                        _started = Stopwatch.GetTimestamp();
                        _load = LoadOnceAsync(load);
                    }

                    return _load;
                }
            }

            // The fingerprint is computed once per read, not once per subscriber.
            private static async Task<Loaded<T>> LoadOnceAsync(Func<Task<Result<T>>> load)
            {
                var (value, error) = await load().ConfigureAwait(false);
                return error is null ? new Loaded<T>(value, null, Fingerprint(value!)) : new Loaded<T>(default, error, null);
            }
        }
    }

    /// <summary>A live stream that lets the engine share each state's execution (<see cref="ISharedSubscriptionSource"/>).</summary>
    private sealed class SharedStream<T>(IAsyncEnumerable<T> inner, string shareKey) : IAsyncEnumerable<T>, ISharedSubscriptionSource
    {
        public string ShareKey => shareKey;

        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => inner.GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>One shared read: the value (or the refusal) and the value's fingerprint.</summary>
    private readonly record struct Loaded<T>(T? Value, PlatformError? Error, string? Fingerprint);
}
