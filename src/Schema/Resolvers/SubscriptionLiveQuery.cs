using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using CrowNest.GraphQL;
using CrowNest.GraphQL.Execution;
using CrowNest.Platform;
using CrowNest.Platform.Auth;
using CrowNest.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
    /// <remarks>
    /// Subscribers of one topic with the same credentials (and <typeparamref name="T"/>) share one feed: one pub/sub
    /// subscription, one re-read and one fingerprint per event, handed to every subscriber's own bounded buffer (so a
    /// slow subscriber only ends itself). <paramref name="load"/> must therefore depend only on the topic and the caller.
    /// </remarks>
    public static async Task<IAsyncEnumerable<T>> StreamAsync<T>(
        IServiceProvider services, Caller caller, string topic, LiveLoad<T> load, CancellationToken cancellationToken)
    {
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var receiver = services.GetRequiredService<ITopicEventReceiver>();
        var capacity = services.GetService<IOptions<SubscriptionOptions>>()?.Value.SubscriberCapacity ?? new SubscriptionOptions().SubscriberCapacity;
        var callerKey = CallerKey(caller);
        var member = await Feed<T>.JoinAsync(receiver, scopes, caller, callerKey, topic, load, capacity, cancellationToken);
        try
        {
            var startedAt = Stopwatch.GetTimestamp();
            var first = await LoadAsync(scopes, caller, load, cancellationToken);
            if (first.Error is { } error)
            {
                throw ErrorHelper.From(error);
            }

            member.Start(first.Value!, member.Feed.Canonical(Fingerprint(first.Value!)), startedAt);
            return member;
        }
        catch
        {
            member.Leave();
            throw;
        }
    }

    /// <summary><see cref="StreamAsync{T}(IServiceProvider, Caller, string, LiveLoad{T}, CancellationToken)"/> for a resolver.</summary>
    public static Task<IAsyncEnumerable<T>> StreamAsync<T>(IResolverContext context, string topic, LiveLoad<T> load) =>
        StreamAsync(context.Services, context.Caller(), topic, load, context.CancellationToken);

    private static async Task<Result<T>> LoadAsync<T>(IServiceScopeFactory scopes, Caller caller, LiveLoad<T> load, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await load(scope.ServiceProvider, caller, cancellationToken);
    }

    private static string Fingerprint<T>(T value) => JsonSerializer.Serialize(value, FingerprintOptions);

    private static string CallerKey(Caller caller) =>
        string.Join('\n', caller.ApiKeyId, caller.UserId, caller.OrganizationId, string.Join(' ', caller.Scopes));

    /// <summary>
    /// The subscribers of one topic with the same credentials on one pub/sub instance. One pub/sub subscription signals
    /// changes; one loader re-reads the object after each signal (signals that arrive during a read coalesce into the
    /// next read, which starts after them) and offers the state to every member. Lives while it has members.
    /// </summary>
    private sealed class Feed<T>
    {
        // Below this many members per core a feed delivers on one thread (a thread-pool hop costs more than it saves).
        private const int MembersPerSlice = 128;

        private static readonly ConditionalWeakTable<ITopicEventReceiver, ConcurrentDictionary<(string Topic, string Caller), Feed<T>>> Registries = new();

        private readonly ConcurrentDictionary<(string Topic, string Caller), Feed<T>> _registry;
        private readonly (string Topic, string Caller) _key;
        private readonly ITopicEventReceiver _receiver;
        private readonly IServiceScopeFactory _scopes;
        private readonly Caller _caller;
        private readonly LiveLoad<T> _load;
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _lock = new();
        private readonly List<Member<T>> _members = [];
        private Member<T>[]? _snapshot;
        private Task? _subscribed;
        private bool _closed;

        // The last fingerprint seen: members whose state is equal keep this one string rather than one copy each
        // (~2 KB per idle subscription of a preview session).
        private string? _fingerprint;

        public string Topic => _key.Topic;

        private Feed(ConcurrentDictionary<(string, string), Feed<T>> registry, (string, string) key, ITopicEventReceiver receiver, IServiceScopeFactory scopes, Caller caller, LiveLoad<T> load)
        {
            _registry = registry;
            _key = key;
            _receiver = receiver;
            _scopes = scopes;
            _caller = caller;
            _load = load;
            ShareKey = key.Item1 + "\n" + key.Item2;
        }

        /// <summary>The members' share key (one string for all of them).</summary>
        public string ShareKey { get; }

        /// <summary><paramref name="fingerprint"/>, or an equal string the feed already holds.</summary>
        public string Canonical(string fingerprint)
        {
            var known = Volatile.Read(ref _fingerprint);
            if (string.Equals(known, fingerprint, StringComparison.Ordinal))
            {
                return known!;
            }

            Volatile.Write(ref _fingerprint, fingerprint);
            return fingerprint;
        }

        /// <summary>Adds a member to the topic's feed for the caller (created on first use); returns once the feed listens.</summary>
        public static async Task<Member<T>> JoinAsync(
            ITopicEventReceiver receiver, IServiceScopeFactory scopes, Caller caller, string callerKey, string topic, LiveLoad<T> load, int capacity,
            CancellationToken cancellationToken)
        {
            var registry = Registries.GetValue(receiver, static _ => new());
            var key = (topic, callerKey);
            while (true)
            {
                var feed = registry.GetOrAdd(key, k => new Feed<T>(registry, k, receiver, scopes, caller, load));
                var (member, subscribed) = feed.TryAdd(capacity);
                if (member is null)
                {
                    // Closing: make way for a fresh feed.
                    registry.TryRemove(new KeyValuePair<(string, string), Feed<T>>(key, feed));
                    continue;
                }

                try
                {
                    await subscribed!.WaitAsync(cancellationToken);
                    return member;
                }
                catch
                {
                    member.Leave();
                    throw;
                }
            }
        }

        private (Member<T>? Member, Task? Subscribed) TryAdd(int capacity)
        {
            lock (_lock)
            {
                if (_closed)
                {
                    return (null, null);
                }

                var member = new Member<T>(this, ShareKey, capacity);
                _members.Add(member);
                _snapshot = null;
                _subscribed ??= SubscribeAsync();
                return (member, _subscribed);
            }
        }

        public void Remove(Member<T> member)
        {
            lock (_lock)
            {
                var index = _members.IndexOf(member);
                if (index < 0)
                {
                    return;
                }

                // Order between members does not matter: move the last one into the gap.
                _members[index] = _members[^1];
                _members.RemoveAt(_members.Count - 1);
                _snapshot = null;
                if (_members.Count > 0 || _closed)
                {
                    return;
                }

                _closed = true;
            }

            _registry.TryRemove(new KeyValuePair<(string, string), Feed<T>>(_key, this));
            _stop.Cancel();
        }

        private async Task SubscribeAsync()
        {
            ISourceStream<object> source;
            try
            {
                source = await _receiver.SubscribeAsync<object>(_key.Topic, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Close(ex);
                throw;
            }

            _ = RunAsync(source);
        }

        private async Task RunAsync(ISourceStream<object> source)
        {
            // Capacity 1, extra writes dropped: a signal that arrives while one is pending is covered by the same read.
            var signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
            {
                FullMode = BoundedChannelFullMode.DropWrite,
                SingleReader = true,
                SingleWriter = true,
            });
            var loader = Task.Run(() => LoadLoopAsync(signal.Reader));
            Exception? failure = null;
            try
            {
                await foreach (var _ in ReadEventsOrFailAsync(source, _stop.Token).ConfigureAwait(false))
                {
                    signal.Writer.TryWrite(true);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The last member left.
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                signal.Writer.TryComplete();
                await source.DisposeAsync().ConfigureAwait(false);
            }

            // A read signalled before the topic ended is still delivered, then the members end (normally or with the failure).
            await loader.ConfigureAwait(false);
            Close(failure);
        }

        private async Task LoadLoopAsync(ChannelReader<bool> signals)
        {
            while (await signals.WaitToReadAsync().ConfigureAwait(false))
            {
                signals.TryRead(out _);
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                // A read that starts after the signal reflects every change the signal stands for.
                var startedAt = Stopwatch.GetTimestamp();
                Result<T> result;
                try
                {
                    result = await LoadAsync(_scopes, _caller, _load, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Close(ex);
                    return;
                }

                if (result.Error is { } error)
                {
                    // Not visible any more (deleted, membership or key revoked): every member (same credentials) lost access.
                    Close(new GraphQLException(new GraphQLError(
                        error.Kind == ErrorKind.Forbidden ? error.Message : "Access to the subscribed object was lost",
                        ForbiddenCode)));
                    return;
                }

                var value = result.Value!;
                var fingerprint = Canonical(Fingerprint(value));
                await OfferAsync(Snapshot(), value, fingerprint, startedAt).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Hands a state to every member. An offer runs the member's whole delivery on the calling thread (the engine's
        /// shared execution, the transport's framing and its write to the connection's output pipe; the socket send
        /// itself runs on Kestrel's I/O queues), so a big feed is split into slices that run on the thread pool at
        /// once, leaving one core for those sends; the next state is offered only after every slice finished
        /// (per-member order).
        /// </summary>
        private static Task OfferAsync(Member<T>[] members, T value, string fingerprint, long startedAt)
        {
            var slices = Math.Min(Environment.ProcessorCount - 1, members.Length / MembersPerSlice);
            if (slices <= 1)
            {
                OfferRange(members, 0, members.Length, value, fingerprint, startedAt);
                return Task.CompletedTask;
            }

            var size = (members.Length + slices - 1) / slices;
            var others = new Task[slices - 1];
            for (var i = 1; i < slices; i++)
            {
                var start = i * size;
                var end = Math.Min(members.Length, start + size);
                others[i - 1] = Task.Run(() => OfferRange(members, start, end, value, fingerprint, startedAt));
            }

            OfferRange(members, 0, size, value, fingerprint, startedAt);
            return Task.WhenAll(others);
        }

        private static void OfferRange(Member<T>[] members, int start, int end, T value, string fingerprint, long startedAt)
        {
            for (var i = start; i < end; i++)
            {
                members[i].Offer(value, fingerprint, startedAt);
            }
        }

        private Member<T>[] Snapshot()
        {
            if (Volatile.Read(ref _snapshot) is { } snapshot)
            {
                return snapshot;
            }

            lock (_lock)
            {
                return _snapshot ??= [.. _members];
            }
        }

        /// <summary>Ends every member (normally when <paramref name="error"/> is null) and retires the feed.</summary>
        private void Close(Exception? error)
        {
            Member<T>[] members;
            lock (_lock)
            {
                _closed = true;
                members = [.. _members];
                _members.Clear();
                _snapshot = null;
            }

            _registry.TryRemove(new KeyValuePair<(string, string), Feed<T>>(_key, this));
            _stop.Cancel();
            foreach (var member in members)
            {
                member.Complete(error);
            }
        }
    }

    /// <summary>
    /// One subscriber of a <see cref="Feed{T}"/>: its own bounded buffer of states (first its own initial read), read
    /// once as the subscription's source stream. It lets the engine execute each shared state once for all members
    /// (<see cref="ISharedSubscriptionSource"/>: the share key is the topic and the credentials).
    /// </summary>
    private sealed class Member<T>(Feed<T> feed, string shareKey, int capacity) : IAsyncEnumerable<T>, IAsyncEnumerator<T>, ISharedSubscriptionSource
    {
        // Synchronous continuations: the feed's loader runs each waiting member's next step (the engine's shared
        // execution, a copy into the transport's buffer) itself instead of queueing one thread-pool item per member
        // per event; the transports' own buffers hand the sends to the thread pool, where they run in parallel.
        private readonly Channel<T> _buffer = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
            AllowSynchronousContinuations = true,
        });

        private readonly Lock _lock = new();
        private CancellationTokenRegistration _cancellation;
        private int _enumerated;
        private int _left;
        private bool _completed;
        private bool _started;
        private string? _last;
        private long _lastStartedAt = long.MinValue;
        private (T Value, string Fingerprint, long StartedAt)? _pending;

        public string ShareKey => shareKey;

        public Feed<T> Feed => feed;

        public T Current { get; private set; } = default!;

        /// <summary>Emits the member's own initial read, then a feed state offered meanwhile if it is newer and differs.</summary>
        public void Start(T first, string fingerprint, long startedAt)
        {
            lock (_lock)
            {
                _started = true;
                Write(first, fingerprint, startedAt);
                if (_pending is { } pending && pending.StartedAt > startedAt && !string.Equals(pending.Fingerprint, fingerprint, StringComparison.Ordinal))
                {
                    Write(pending.Value, pending.Fingerprint, pending.StartedAt);
                }

                _pending = null;
            }
        }

        /// <summary>A state read by the feed: emitted when it is newer than the last one and differs from it.</summary>
        public void Offer(T value, string fingerprint, long startedAt)
        {
            lock (_lock)
            {
                if (!_started)
                {
                    _pending = (value, fingerprint, startedAt);
                    return;
                }

                if (startedAt <= _lastStartedAt)
                {
                    return;
                }

                if (ReferenceEquals(fingerprint, _last) || string.Equals(fingerprint, _last, StringComparison.Ordinal))
                {
                    // Unchanged; remember the feed's string so that the next comparison is by reference.
                    _last = fingerprint;
                    _lastStartedAt = startedAt;
                    return;
                }

                Write(value, fingerprint, startedAt);
            }
        }

        private void Write(T value, string fingerprint, long startedAt)
        {
            _last = fingerprint;
            _lastStartedAt = startedAt;
            if (!_buffer.Writer.TryWrite(value) && !Volatile.Read(ref _completed))
            {
                var overflow = new SubscriptionException(SubscriptionErrorCode.BufferOverflow,
                    $"The subscriber of topic '{feed.Topic}' fell more than {capacity} events behind and was ended.");
                Complete(new GraphQLException(new GraphQLError(overflow.Message, overflow.ErrorCode)));
                Leave();
            }
        }

        /// <summary>Ends the member's stream after what it buffered (normally when <paramref name="error"/> is null).</summary>
        public void Complete(Exception? error)
        {
            // A write after this fails because the stream ended (e.g. the feed closed), not because it overflowed.
            Volatile.Write(ref _completed, true);
            _buffer.Writer.TryComplete(error);
        }

        /// <summary>Stops receiving (the subscription ended or was never returned).</summary>
        public void Leave()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                Complete(null);
                feed.Remove(this);
            }
        }

        public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _enumerated, 1) != 0)
            {
                throw new InvalidOperationException("A live subscription stream can be read only once.");
            }

            // One registration for the stream's life instead of one per wait: cancelling ends the buffer with the
            // cancellation, which the next (or pending) wait throws.
            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(
                    static (state, token) => ((Member<T>)state!).Complete(new OperationCanceledException(token)), this);
            }

            return this;
        }

        public ValueTask<bool> MoveNextAsync()
        {
            if (_buffer.Reader.TryRead(out var item))
            {
                Current = item;
                return new ValueTask<bool>(true);
            }

            // Idle: the state already handed over (a whole entity) is not kept while waiting for the next one.
            Current = default!;
            return WaitAsync();
        }

        private async ValueTask<bool> WaitAsync()
        {
            var reader = _buffer.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                if (reader.TryRead(out var item))
                {
                    Current = item;
                    return true;
                }
            }

            return false;
        }

        public ValueTask DisposeAsync()
        {
            _cancellation.Dispose();
            Leave();
            return ValueTask.CompletedTask;
        }
    }
}
