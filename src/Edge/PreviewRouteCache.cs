using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CrowNest.Edge;

/// <summary>
/// Bounded in-memory cache of preview routes in front of <see cref="IPreviewRouteStore"/>. Known slugs live for
/// <see cref="EdgeOptions.RouteCacheTtl"/>, unknown ones for <see cref="EdgeOptions.RouteCacheNegativeTtl"/>; concurrent
/// misses for one slug share a single store lookup, and failed lookups are not cached.
/// </summary>
/// <remarks>
/// The server keeps the cache fresh: when a preview is created, revoked, expired or moved (its PostgreSQL NOTIFY
/// arrives), it calls <see cref="Invalidate"/> with the slug; after a lost LISTEN connection it calls
/// <see cref="InvalidateAll"/>. The TTLs only bound staleness when a notification is missed.
/// </remarks>
public sealed class PreviewRouteCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly IPreviewRouteStore _store;
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    private readonly long _negativeTtlTicks;
    private readonly int _capacity;
    private int _count;
    private int _sweeping;

    /// <summary>Creates the cache over <paramref name="store"/>.</summary>
    public PreviewRouteCache(IPreviewRouteStore store, IOptions<EdgeOptions> options, TimeProvider timeProvider)
    {
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        _store = store;
        _time = timeProvider;
        var o = options.Value;
        _ttlTicks = ToTimestampTicks(o.RouteCacheTtl, timeProvider);
        _negativeTtlTicks = ToTimestampTicks(o.RouteCacheNegativeTtl, timeProvider);
        _capacity = Math.Max(1, o.RouteCacheCapacity);
    }

    /// <summary>Number of cached slugs (approximate under concurrency).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Returns the route of <paramref name="slug"/> (lower case), from the cache or the store.</summary>
    public ValueTask<PreviewRoute?> GetAsync(string slug, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(slug, out var entry))
        {
            var task = entry.Task;
            if (!task.IsCompletedSuccessfully)
            {
                // In flight, or just failed (the awaiter then sees the store's exception).
                return new ValueTask<PreviewRoute?>(task.WaitAsync(cancellationToken));
            }

            if (Volatile.Read(ref entry.ExpiresAt) > _time.GetTimestamp())
            {
                return new ValueTask<PreviewRoute?>(task.Result);
            }
        }

        return Load(slug, entry, cancellationToken);
    }

    /// <summary>
    /// The cached, still fresh route (or known absence) of <paramref name="slug"/> (lower case), without allocating;
    /// false when the store has to be asked (<see cref="GetAsync"/>).
    /// </summary>
    internal bool TryGetCached(ReadOnlySpan<char> slug, out PreviewRoute? route)
    {
        if (_bySpan.TryGetValue(slug, out var entry) && entry.Task.IsCompletedSuccessfully
            && Volatile.Read(ref entry.ExpiresAt) > _time.GetTimestamp())
        {
            route = entry.Task.Result;
            return true;
        }

        route = null;
        return false;
    }

    /// <summary>Forgets <paramref name="slug"/>; the next request for it asks the store. Call on a preview change notification.</summary>
    public void Invalidate(string slug)
    {
        if (_entries.TryRemove(slug.ToLowerInvariant(), out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Forgets every route, e.g. after the notification channel was lost and changes may have been missed.</summary>
    public void InvalidateAll()
    {
        foreach (var pair in _entries)
        {
            if (_entries.TryRemove(pair))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    private ValueTask<PreviewRoute?> Load(string slug, Entry? stale, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<PreviewRoute?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = new Entry(completion.Task);
        var installed = stale is null ? _entries.TryAdd(slug, entry) : _entries.TryUpdate(slug, entry, stale);
        if (!installed)
        {
            // Another request started the lookup (or it was invalidated meanwhile): start over and share its result.
            return GetAsync(slug, cancellationToken);
        }

        if (stale is null && Interlocked.Increment(ref _count) > _capacity)
        {
            Trim();
        }

        _ = FillAsync(slug, entry, completion);
        return new ValueTask<PreviewRoute?>(completion.Task.WaitAsync(cancellationToken));
    }

    private async Task FillAsync(string slug, Entry entry, TaskCompletionSource<PreviewRoute?> completion)
    {
        try
        {
            // Shared by every waiter, so no single caller's cancellation may abort it.
            var route = await _store.FindBySlugAsync(slug, CancellationToken.None);
            Volatile.Write(ref entry.ExpiresAt, _time.GetTimestamp() + (route is null ? _negativeTtlTicks : _ttlTicks));
            completion.SetResult(route);
        }
        catch (Exception e)
        {
            if (_entries.TryRemove(KeyValuePair.Create(slug, entry)))
            {
                Interlocked.Decrement(ref _count);
            }

            completion.SetException(e);
        }
    }

    private void Trim()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            foreach (var pair in _entries)
            {
                if (pair.Value.Task.IsCompleted && Volatile.Read(ref pair.Value.ExpiresAt) <= now && _entries.TryRemove(pair))
                {
                    Interlocked.Decrement(ref _count);
                }
            }

            // Still full of live entries: drop arbitrary ones down to three quarters rather than one per miss.
            var target = _capacity * 3 / 4;
            foreach (var pair in _entries)
            {
                if (Volatile.Read(ref _count) <= target)
                {
                    break;
                }

                if (_entries.TryRemove(pair))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private static long ToTimestampTicks(TimeSpan span, TimeProvider time) =>
        span <= TimeSpan.Zero ? 0 : (long)(span.TotalSeconds * time.TimestampFrequency);

    private sealed class Entry(Task<PreviewRoute?> task)
    {
        public readonly Task<PreviewRoute?> Task = task;

        // Timestamp after which the entry is stale; set once the lookup has completed.
        public long ExpiresAt = long.MaxValue;
    }
}
