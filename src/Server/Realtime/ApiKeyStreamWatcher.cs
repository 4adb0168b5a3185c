using System.Threading.Channels;
using CrowNest.GraphQL;
using CrowNest.GraphQL.Transport;
using CrowNest.Server.Auth;
using Npgsql;

namespace CrowNest.Server.Realtime;

/// <summary>
/// Ends GraphQL WebSocket connections and SSE streams whose API key is revoked, deleted or expires while they run, on
/// every server instance: the api_keys NOTIFY of migration 0011 reaches every instance through
/// <see cref="ApiKeyCache.KeysChanged"/>, and the watcher re-reads the keys it has open streams for; a key's <c>expiresAt</c>
/// arms a timer. The transport then ends each operation with a FORBIDDEN error and closes the socket with 4403.
/// One watch per key (shared by all its streams), so a notification costs one query however many streams are open.
/// </summary>
public sealed partial class ApiKeyStreamWatcher : IGraphQLCredentialsWatcher, IDisposable
{
    public const string ForbiddenCode = "FORBIDDEN";

    // Timers fire at least this often for far-away expiries (CancelAfter/Timer cannot span years).
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromDays(1);

    private static readonly GraphQLError RevokedError = new("The API key of this connection was revoked or has expired.", ForbiddenCode);

    private readonly NpgsqlDataSource _dataSource;
    private readonly ApiKeyCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger<ApiKeyStreamWatcher> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, KeyWatch> _keys = new(StringComparer.Ordinal);
    private readonly Channel<string?> _checks = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _disposed;

    public ApiKeyStreamWatcher(NpgsqlDataSource dataSource, ApiKeyCache cache, TimeProvider time, ILogger<ApiKeyStreamWatcher> logger)
    {
        _dataSource = dataSource;
        // The cache's NOTIFY listener (ApiKeyCacheInvalidator) reports every key change and every reconnect.
        _cache = cache;
        _cache.KeysChanged += CheckAll;
        _time = time;
        _logger = logger;
        _loop = Task.Run(CheckLoopAsync);
    }

    /// <summary>Number of keys with open streams (tests).</summary>
    public int WatchedKeys
    {
        get
        {
            lock (_gate)
            {
                return _keys.Count;
            }
        }
    }

    public GraphQLCredentialsLease? Watch(HttpContext context)
    {
        if (context.User.FindFirst(CrowNestClaims.ApiKeyId)?.Value is not { Length: > 0 } keyId)
        {
            return null;
        }

        KeyWatch watch;
        var created = false;
        lock (_gate)
        {
            if (!_keys.TryGetValue(keyId, out watch!))
            {
                watch = new KeyWatch(keyId);
                _keys[keyId] = watch;
                created = true;
            }

            watch.Streams++;
        }

        if (created)
        {
            // Reads the expiry, and catches a revocation that raced with this stream's authentication.
            _checks.Writer.TryWrite(keyId);
        }

        return new GraphQLCredentialsLease(watch.Revoked, RevokedError, () => Release(watch));
    }

    /// <summary>Some key changed (NOTIFY) or notifications may have been missed (listener reconnected): re-read all.</summary>
    public void CheckAll() => _checks.Writer.TryWrite(null);

    public void Dispose()
    {
        // Registered as itself and as IGraphQLCredentialsWatcher: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _cache.KeysChanged -= CheckAll;
        _checks.Writer.TryComplete();
        _stopping.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopping.
        }

        _stopping.Dispose();
        lock (_gate)
        {
            foreach (var watch in _keys.Values)
            {
                watch.Dispose();
            }

            _keys.Clear();
        }
    }

    private void Release(KeyWatch watch)
    {
        lock (_gate)
        {
            if (--watch.Streams == 0)
            {
                if (_keys.TryGetValue(watch.KeyId, out var current) && current == watch)
                {
                    _keys.Remove(watch.KeyId);
                }

                watch.Dispose();
            }
        }
    }

    private async Task CheckLoopAsync()
    {
        var reader = _checks.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token))
            {
                // Coalesce: a burst of notifications costs one query.
                var all = false;
                var some = new HashSet<string>(StringComparer.Ordinal);
                while (reader.TryRead(out var keyId))
                {
                    all |= keyId is null;
                    if (keyId is not null)
                    {
                        some.Add(keyId);
                    }
                }

                List<KeyWatch> watches;
                lock (_gate)
                {
                    watches = [.. _keys.Values.Where(w => all || some.Contains(w.KeyId))];
                }

                if (watches.Count == 0)
                {
                    continue;
                }

                try
                {
                    await CheckAsync(watches, _stopping.Token);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    LogCheckFailed(_logger, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, _stopping.Token);
                    foreach (var watch in watches)
                    {
                        _checks.Writer.TryWrite(watch.KeyId);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task CheckAsync(List<KeyWatch> watches, CancellationToken ct)
    {
        var valid = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        await using (var command = _dataSource.CreateCommand("SELECT id, expires_at FROM api_keys WHERE id = ANY($1) AND revoked_at IS NULL"))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = watches.Select(w => w.KeyId).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                valid[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            }
        }

        var now = _time.GetUtcNow();
        foreach (var watch in watches)
        {
            if (!valid.TryGetValue(watch.KeyId, out var expiresAt) || expiresAt <= now)
            {
                LogRevoked(_logger, watch.KeyId);
                Forget(watch);
                watch.Revoke();
            }
            else
            {
                watch.ArmExpiry(expiresAt is { } at ? at - now : null, _time, () => _checks.Writer.TryWrite(watch.KeyId));
            }
        }
    }

    /// <summary>A revoked key's later streams get a fresh watch (and are refused at authentication anyway).</summary>
    private void Forget(KeyWatch watch)
    {
        lock (_gate)
        {
            if (_keys.TryGetValue(watch.KeyId, out var current) && current == watch)
            {
                _keys.Remove(watch.KeyId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key {KeyId} was revoked or expired: ending its GraphQL streams")]
    private static partial void LogRevoked(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking API keys of open GraphQL streams failed ({Reason}); retrying")]
    private static partial void LogCheckFailed(ILogger logger, string reason);

    private sealed class KeyWatch(string keyId) : IDisposable
    {
        private readonly CancellationTokenSource _revoked = new();
        private readonly Lock _gate = new();
        private ITimer? _expiry;
        private bool _disposed;

        public string KeyId { get; } = keyId;

        /// <summary>Open streams of the key (guarded by the watcher's lock).</summary>
        public int Streams { get; set; }

        public CancellationToken Revoked => _revoked.Token;

        public void ArmExpiry(TimeSpan? remaining, TimeProvider time, Action recheck)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _expiry?.Dispose();
                _expiry = remaining is { } due
                    ? time.CreateTimer(_ => recheck(), null, due < MaxTimerDue ? due : MaxTimerDue, Timeout.InfiniteTimeSpan)
                    : null;
            }
        }

        /// <summary>Cancels on the thread pool: the streams' callbacks must not run on the check loop or under a lock.</summary>
        public void Revoke() => ThreadPool.UnsafeQueueUserWorkItem(static cts => cts.Cancel(), _revoked, preferLocal: false);

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                // The token source is left to the GC (it has no timer): disposing it could race with a revocation
                // whose callbacks are still running.
                _disposed = true;
                _expiry?.Dispose();
            }
        }
    }
}
