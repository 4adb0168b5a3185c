using System.Collections.Concurrent;
using CrowNest.Platform.Data;
using CrowNest.Server.Hosting;
using Npgsql;

namespace CrowNest.Server.Auth;

/// <summary>
/// Validated API keys, kept for at most <see cref="Lifetime"/> so a busy key is not looked up on every request.
/// Keyed by the secret's SHA-256 (hex), never the secret. Correctness rests on invalidation: migration 0011 NOTIFYs
/// <see cref="NotifyChannel"/> with the hash whenever a key row changes (revoked, re-scoped, expiry, last_used_at) or
/// is deleted, and <see cref="ApiKeyCacheInvalidator"/> drops that entry on every instance; the short lifetime bounds
/// staleness if the listener is down. Only successes are cached, so a newly created key works immediately. Use is
/// recorded on a miss (the once-a-minute condition is in the UPDATE), so lastUsedAt lags by at most the lifetime.
/// </summary>
public sealed class ApiKeyCache(TimeProvider time)
{
    public const string NotifyChannel = "crownest_api_keys";

    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    // Bumped by every invalidation: a lookup that started before one may not store what it read.
    private long _generation;

    public ApiKeyCache()
        : this(TimeProvider.System)
    {
    }

    /// <summary>The generation to pass to <see cref="Store"/> for a lookup starting now.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public ApiKey? Get(string hashHex)
    {
        if (!_entries.TryGetValue(hashHex, out var entry))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now >= entry.CachedUntil || (entry.Key.ExpiresAt is { } expires && now >= expires))
        {
            _entries.TryRemove(KeyValuePair.Create(hashHex, entry));
            return null;
        }

        return entry.Key;
    }

    public void Store(string hashHex, ApiKey key, long generation)
    {
        var entry = new Entry(key, time.GetUtcNow() + Lifetime);
        _entries[hashHex] = entry;
        if (Generation != generation)
        {
            // An invalidation raced with the lookup; what was read may already be stale.
            _entries.TryRemove(KeyValuePair.Create(hashHex, entry));
        }
    }

    /// <summary>
    /// Raised after every invalidation: a key row changed, or notifications may have been missed (listener
    /// reconnected). Open streams re-check their keys on it (<c>ApiKeyStreamWatcher</c>), so one LISTEN serves both.
    /// </summary>
    public event Action? KeysChanged;

    public void Invalidate(string hashHex)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(hashHex, out _);
        KeysChanged?.Invoke();
    }

    public void InvalidateAll()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        KeysChanged?.Invoke();
    }

    private sealed record Entry(ApiKey Key, DateTimeOffset CachedUntil);
}

/// <summary>
/// LISTENs on <see cref="ApiKeyCache.NotifyChannel"/> and evicts changed keys. After a lost connection the whole cache
/// is dropped, because notifications sent meanwhile are gone.
/// </summary>
public sealed class ApiKeyCacheInvalidator(NpgsqlDataSource dataSource, ApiKeyCache cache, ILogger<ApiKeyCacheInvalidator> logger)
    : NotifyListener(dataSource, ApiKeyCache.NotifyChannel, logger)
{
    protected override void OnNotification(string payload) => cache.Invalidate(payload);

    protected override void OnReset() => cache.InvalidateAll();
}
