using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using CrowNest.Subscriptions.InMemory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace CrowNest.Subscriptions.Postgres;

/// <summary>
/// Distributed provider over PostgreSQL <c>LISTEN</c>/<c>NOTIFY</c>: every instance using the same database (and
/// <see cref="PostgresSubscriptionOptions.ChannelPrefix"/>) receives every message sent to a topic it has subscribers for.
/// </summary>
/// <remarks>
/// One dedicated listener connection per instance <c>LISTEN</c>s the channel of every topic with a local subscriber
/// (see docs/subscriptions.md). Senders use pooled connections and never wait for the listener. Local subscribers get
/// messages through the same NOTIFY delivery as remote ones, so all instances observe one order per topic.
/// </remarks>
public sealed partial class PostgresTopicEventBus : ITopicEventSender, ITopicEventReceiver, IAsyncDisposable
{
    // Backpressure towards the listener connection when dispatch falls behind (PostgreSQL then queues notifications).
    private const int InboundQueueCapacity = 10_000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresSubscriptionOptions _options;
    private readonly JsonSerializerOptions _json;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private readonly string _prefix;
    private readonly string _table;
    private readonly string _controlChannel;
    private readonly TopicRegistry _registry = new();
    private readonly Action<Subscriber> _unsubscribe;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<Inbound> _inbound = Channel.CreateBounded<Inbound>(
        new BoundedChannelOptions(InboundQueueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    // Guards the listen state below and registry changes, so "is the channel listened?" and "add subscriber" are atomic.
    private readonly Lock _state = new();
    private readonly Dictionary<string, int> _wantedChannels = new(StringComparer.Ordinal);
    private readonly HashSet<string> _listened = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _tableGate = new(1, 1);
    private Task? _listener;
    private Task? _dispatcher;
    private bool _tableReady;
    private int _wakeRequested;
    private int _disposed;
    private long _lastCleanup = Environment.TickCount64;

    /// <summary>Creates the provider. The listener connection opens on the first subscription.</summary>
    /// <param name="dataSource">Database shared by all instances that exchange events.</param>
    /// <param name="options">Options; null uses the defaults.</param>
    /// <param name="logger">Logger; null logs nothing.</param>
    public PostgresTopicEventBus(NpgsqlDataSource dataSource, SubscriptionOptions? options = null, ILogger<PostgresTopicEventBus>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        options ??= new SubscriptionOptions();
        _dataSource = dataSource;
        _options = options.Postgres;
        _capacity = InMemoryTopicEventBus.CheckCapacity(options.SubscriberCapacity);
        _prefix = PostgresChannelNames.ValidatePrefix(_options.ChannelPrefix);
        _table = PostgresChannelNames.ValidateTable(_options.PayloadTable);
        _controlChannel = PostgresChannelNames.Control(_prefix);
        _json = _options.SerializerOptions ?? JsonSerializerOptions.Web;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _unsubscribe = Unsubscribe;
    }

    /// <summary>Backend process id of the listener connection while connected (tests terminate it).</summary>
    /// <summary><c>application_name</c> of the listener connection (find it in <c>pg_stat_activity</c>).</summary>
    public const string ListenerApplicationName = "crownest_pubsub_listener";

    internal int? ListenerProcessId { get; private set; }

    /// <summary>Number of times the listener connected (1 after the first connect, +1 per reconnect).</summary>
    internal int ConnectCount { get; private set; }

    /// <inheritdoc />
    public async ValueTask SendAsync<TMessage>(string topic, TMessage message, CancellationToken cancellationToken = default)
    {
        TopicRegistry.ValidateTopic(topic);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var messageJson = JsonSerializer.SerializeToUtf8Bytes(message, _json);
        var channel = PostgresChannelNames.ForTopic(_prefix, topic);
        var envelope = Envelope(topic, w =>
        {
            w.WritePropertyName("m");
            w.WriteRawValue(messageJson, skipInputValidation: true);
        });
        try
        {
            if (Encoding.UTF8.GetByteCount(envelope) <= _options.MaxInlinePayloadBytes)
            {
                await NotifyAsync(channel, envelope, cancellationToken).ConfigureAwait(false);
                return;
            }

            await EnsurePayloadTableAsync(cancellationToken).ConfigureAwait(false);
            // One statement: the row is committed together with (so visible before) the NOTIFY that references it.
            await using var command = _dataSource.CreateCommand(
                $"""
                WITH p AS (INSERT INTO {_table} (topic, payload) VALUES ($1, $2) RETURNING id)
                SELECT pg_notify($3, json_build_object('t', $1::text, 'r', p.id)::text) FROM p
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = topic, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = Encoding.UTF8.GetString(messageJson), NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = channel, NpgsqlDbType = NpgsqlDbType.Text });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SubscriptionException(SubscriptionErrorCode.Unavailable, $"Could not publish to topic '{topic}': {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(string topic, CancellationToken cancellationToken = default)
    {
        TopicRegistry.ValidateTopic(topic);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var envelope = Envelope(topic, w => w.WriteBoolean("c", true));
        try
        {
            await NotifyAsync(PostgresChannelNames.ForTopic(_prefix, topic), envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SubscriptionException(SubscriptionErrorCode.Unavailable, $"Could not complete topic '{topic}': {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<ISourceStream<TMessage>> SubscribeAsync<TMessage>(string topic, CancellationToken cancellationToken = default)
    {
        TopicRegistry.ValidateTopic(topic);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        EnsureStarted();
        var stream = new SourceStream<TMessage>(topic, _capacity, _unsubscribe);
        var channel = PostgresChannelNames.ForTopic(_prefix, topic);
        Task? listening = null;
        lock (_state)
        {
            if (_registry.Add(stream))
            {
                _wantedChannels[channel] = _wantedChannels.GetValueOrDefault(channel) + 1;
            }

            if (!_listened.Contains(channel))
            {
                if (!_pending.TryGetValue(channel, out var tcs))
                {
                    tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _pending[channel] = tcs;
                }

                listening = tcs.Task;
            }
        }

        if (listening is not null)
        {
            try
            {
                Wake();
                // Returning only once LISTEN is active means every message sent after this call is delivered.
                await listening.WaitAsync(_options.SubscribeTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw new SubscriptionException(SubscriptionErrorCode.Unavailable,
                    $"Could not subscribe to topic '{topic}': the PostgreSQL listener is not connected.", e);
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        return stream;
    }

    /// <summary>Deletes spilled payloads older than <see cref="PostgresSubscriptionOptions.PayloadTimeToLive"/>.</summary>
    /// <param name="cancellationToken">Cancels the cleanup.</param>
    /// <returns>Number of rows deleted (0 when the table does not exist).</returns>
    public async Task<int> CleanupPayloadsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand($"DELETE FROM {_table} WHERE created_at < now() - $1");
        command.Parameters.Add(new NpgsqlParameter { Value = _options.PayloadTimeToLive, NpgsqlDbType = NpgsqlDbType.Interval });
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    /// <summary>Stops the listener and ends every local subscription normally.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.ConfigureAwait(false);
        }

        _inbound.Writer.TryComplete();
        if (_dispatcher is not null)
        {
            await _dispatcher.ConfigureAwait(false);
        }

        foreach (var subscriber in _registry.All().ToList())
        {
            subscriber.End(null);
        }

        lock (_state)
        {
            foreach (var tcs in _pending.Values)
            {
                tcs.TrySetException(new ObjectDisposedException(nameof(PostgresTopicEventBus)));
            }

            _pending.Clear();
        }

        _stopping.Dispose();
        _tableGate.Dispose();
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _listener) is not null)
        {
            return;
        }

        lock (_state)
        {
            if (_listener is null)
            {
                _dispatcher = Task.Run(DispatchLoopAsync);
                _listener = Task.Run(ListenLoopAsync);
            }
        }
    }

    private void Unsubscribe(Subscriber subscriber)
    {
        lock (_state)
        {
            if (!_registry.Remove(subscriber))
            {
                return;
            }

            // The topic has no local subscriber left; delivery already stopped (dispatch looks subscribers up).
            // UNLISTEN happens on the listener's next turn, without a wake-up.
            var channel = PostgresChannelNames.ForTopic(_prefix, subscriber.Topic);
            if (_wantedChannels.TryGetValue(channel, out var count))
            {
                if (count <= 1)
                {
                    _wantedChannels.Remove(channel);
                }
                else
                {
                    _wantedChannels[channel] = count - 1;
                }
            }
        }
    }

    /// <summary>Interrupts the listener's wait (it cannot run LISTEN while waiting) with a NOTIFY on its control channel.</summary>
    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakeRequested, 1) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await NotifyAsync(_controlChannel, "", _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or ObjectDisposedException)
            {
                // The listener is down or stopping; it reconciles its LISTENs when it (re)connects anyway.
                Volatile.Write(ref _wakeRequested, 0);
            }
        });
    }

    private async Task NotifyAsync(string channel, string payload, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = channel, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = payload, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Envelope(string topic, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("t", topic);
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task EnsurePayloadTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _tableReady) || !_options.CreatePayloadTable)
        {
            return;
        }

        await _tableGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_tableReady)
            {
                return;
            }

            await using var command = _dataSource.CreateCommand(CreateTableSql(_table));
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
            {
                // Another instance created it concurrently (IF NOT EXISTS is not race-free in PostgreSQL).
            }

            _tableReady = true;
        }
        finally
        {
            _tableGate.Release();
        }
    }

    /// <summary>DDL of the spill table (also in docs/subscriptions.md for hosts that create it in a migration).</summary>
    internal static string CreateTableSql(string table) =>
        $"""
        CREATE TABLE IF NOT EXISTS {table} (
            id bigserial PRIMARY KEY,
            topic text NOT NULL,
            payload text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    private async Task ListenLoopAsync()
    {
        var ct = _stopping.Token;
        var delay = _options.ReconnectDelay;
        while (!ct.IsCancellationRequested)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                connection.Notification += OnNotification;
                // Named so operators (and tests) can find the listener in pg_stat_activity.
                await ExecuteAsync(connection, $"SET application_name = '{ListenerApplicationName}'; LISTEN {_controlChannel}", ct).ConfigureAwait(false);
                await ReconcileAsync(connection, ct).ConfigureAwait(false);
                ListenerProcessId = connection.ProcessID;
                ConnectCount++;
                if (ConnectCount > 1)
                {
                    LogReconnected(_logger, ConnectCount - 1);
                    // Queued behind the notifications received before the drop, so subscribers see it in order.
                    await _inbound.Writer.WriteAsync(Inbound.Reconnected, ct).ConfigureAwait(false);
                }
                else
                {
                    LogConnected(_logger, connection.ProcessID);
                }

                delay = _options.ReconnectDelay;
                while (true)
                {
                    var notified = await connection.WaitAsync(_options.KeepAliveInterval, ct).ConfigureAwait(false);
                    if (!notified)
                    {
                        await ExecuteAsync(connection, "SELECT 1", ct).ConfigureAwait(false);
                        await CleanupIfDueAsync(ct).ConfigureAwait(false);
                    }

                    await ReconcileAsync(connection, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                ListenerProcessId = null;
                lock (_state)
                {
                    _listened.Clear();
                }

                // Jitter spreads the reconnects of many instances after a database restart.
                var wait = delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
                LogListenerLost(_logger, e, wait.TotalMilliseconds);
                try
                {
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            }
            finally
            {
                if (connection is not null)
                {
                    connection.Notification -= OnNotification;
                    await DisposeQuietlyAsync(connection).ConfigureAwait(false);
                }
            }
        }

        ListenerProcessId = null;
    }

    /// <summary>Brings the connection's LISTEN set in line with the topics that have local subscribers.</summary>
    private async Task ReconcileAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        Volatile.Write(ref _wakeRequested, 0);
        while (true)
        {
            List<string> listen;
            List<string> unlisten;
            lock (_state)
            {
                listen = [.. _wantedChannels.Keys.Where(c => !_listened.Contains(c))];
                unlisten = [.. _listened.Where(c => !_wantedChannels.ContainsKey(c))];
                // Marked not listened before UNLISTEN runs, so a concurrent subscriber waits for the next LISTEN.
                _listened.ExceptWith(unlisten);
                foreach (var channel in _pending.Keys.Where(c => !_wantedChannels.ContainsKey(c)).ToList())
                {
                    _pending.Remove(channel, out var orphan);
                    orphan!.TrySetResult();
                }
            }

            if (listen.Count == 0 && unlisten.Count == 0)
            {
                return;
            }

            var sql = string.Join("; ", listen.Select(c => $"LISTEN {c}").Concat(unlisten.Select(c => $"UNLISTEN {c}")));
            await ExecuteAsync(connection, sql, ct).ConfigureAwait(false);
            lock (_state)
            {
                foreach (var channel in listen)
                {
                    _listened.Add(channel);
                    if (_pending.Remove(channel, out var tcs))
                    {
                        tcs.TrySetResult();
                    }
                }
            }
        }
    }

    private async Task CleanupIfDueAsync(CancellationToken ct)
    {
        var now = Environment.TickCount64;
        if (now - _lastCleanup < _options.PayloadTimeToLive.TotalMilliseconds / 2)
        {
            return;
        }

        _lastCleanup = now;
        try
        {
            var deleted = await CleanupPayloadsAsync(ct).ConfigureAwait(false);
            if (deleted > 0)
            {
                LogCleanedUp(_logger, deleted);
            }
        }
        catch (NpgsqlException e)
        {
            LogCleanupFailed(_logger, e);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task DisposeQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            // A broken connection may fail to close cleanly; the pool discards it either way.
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == _controlChannel)
        {
            return;
        }

        var item = new Inbound(e.Payload);
        if (!_inbound.Writer.TryWrite(item))
        {
            try
            {
                // Dispatch is behind: block the listener so PostgreSQL's notification queue absorbs the burst, not our memory.
                _inbound.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
            }
            catch (ChannelClosedException)
            {
                // Disposing: nobody reads any more.
            }
        }
    }

    private async Task DispatchLoopAsync()
    {
        await foreach (var item in _inbound.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (ReferenceEquals(item, Inbound.Reconnected))
                {
                    var reconnectedAt = Stopwatch.GetTimestamp();
                    foreach (var subscriber in _registry.All())
                    {
                        subscriber.SignalReconnected(reconnectedAt);
                    }

                    continue;
                }

                await DispatchAsync(item.Payload).ConfigureAwait(false);
            }
            catch (Exception e) when (e is JsonException or NpgsqlException or InvalidOperationException or KeyNotFoundException)
            {
                LogDispatchFailed(_logger, e);
            }
        }
    }

    private async Task DispatchAsync(string payload)
    {
        // Taken before any subscriber gets the event (see TopicEvent.ReceivedAt); the change it signals is committed.
        var receivedAt = Stopwatch.GetTimestamp();
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var topic = root.GetProperty("t").GetString()!;
        var subscribers = _registry.Get(topic);
        if (subscribers.Length == 0)
        {
            return;
        }

        if (root.TryGetProperty("c", out _))
        {
            foreach (var subscriber in subscribers)
            {
                subscriber.End(null);
            }

            return;
        }

        string? spilled = null;
        if (root.TryGetProperty("r", out var reference))
        {
            Exception? failure = null;
            try
            {
                spilled = await LoadPayloadAsync(reference.GetInt64()).ConfigureAwait(false);
            }
            catch (NpgsqlException e)
            {
                failure = e;
            }

            if (spilled is null)
            {
                // The row expired, was deleted or could not be read: the subscribers missed a message, which is what
                // "reconnected" tells them (re-read the current state).
                LogPayloadMissing(_logger, failure, reference.GetInt64(), topic);
                foreach (var subscriber in subscribers)
                {
                    subscriber.SignalReconnected(receivedAt);
                }

                return;
            }
        }

        var message = root.TryGetProperty("m", out var inline) ? inline : default;
        // Deserialize once per distinct subscriber type, not once per subscriber.
        Type? lastType = null;
        object? lastValue = null;
        Dictionary<Type, object?>? others = null;
        foreach (var subscriber in subscribers)
        {
            var type = subscriber.MessageType;
            object? value;
            if (type == lastType)
            {
                value = lastValue;
            }
            else if (others?.TryGetValue(type, out value) != true)
            {
                try
                {
                    value = spilled is null ? message.Deserialize(type, _json) : JsonSerializer.Deserialize(spilled, type, _json);
                }
                catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
                {
                    subscriber.End(new SubscriptionException(SubscriptionErrorCode.InvalidMessage,
                        $"A message on topic '{topic}' could not be read as {type.Name}: {e.Message}", e));
                    continue;
                }

                if (lastType is not null)
                {
                    (others ??= [])[lastType] = lastValue;
                }

                lastType = type;
                lastValue = value;
            }

            if (value is null && type.IsValueType && Nullable.GetUnderlyingType(type) is null)
            {
                subscriber.End(new SubscriptionException(SubscriptionErrorCode.InvalidMessage,
                    $"A null message on topic '{topic}' cannot be read as {type.Name}."));
                continue;
            }

            subscriber.DeliverObject(value, receivedAt);
        }
    }

    private async Task<string?> LoadPayloadAsync(long id)
    {
        await using var command = _dataSource.CreateCommand($"SELECT payload FROM {_table} WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Bigint });
        return await command.ExecuteScalarAsync(_stopping.Token).ConfigureAwait(false) as string;
    }

    private sealed record Inbound(string Payload)
    {
        public static readonly Inbound Reconnected = new("");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriptions listener connected (backend pid {ProcessId})")]
    private static partial void LogConnected(ILogger logger, int processId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscriptions listener reconnected (reconnect #{Count}); subscribers are told to re-read state")]
    private static partial void LogReconnected(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscriptions listener connection lost or failed; retrying in {DelayMs} ms")]
    private static partial void LogListenerLost(ILogger logger, Exception exception, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "A subscription notification could not be dispatched")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spilled payload {Id} of topic '{Topic}' could not be loaded (expired?); subscribers are told to re-read state")]
    private static partial void LogPayloadMissing(ILogger logger, Exception? exception, long id, string topic);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleted {Count} expired spilled subscription payloads")]
    private static partial void LogCleanedUp(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting expired spilled subscription payloads failed")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception);
}
