using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CrowNest.GraphQL.Execution;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrowNest.GraphQL.Transport.WebSockets;

/// <summary>One <c>graphql-transport-ws</c> socket: the receive loop, the operations it runs and the single sender.</summary>
internal sealed partial class GraphQLWebSocketConnection
{
    private readonly WebSocket _socket;
    private readonly HttpContext _context;
    private readonly RequestExecutor _executor;
    private readonly GraphQLWebSocketOptions _options;
    private readonly IGraphQLWebSocketInterceptor? _interceptor;
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim? _starts;
    private readonly SemaphoreSlim? _serverStarts;
    private readonly ConcurrentDictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    // Cancels operations and timers (closing); _abort gives up on the socket itself (client gone or close timed out).
    private readonly CancellationTokenSource _lifetime;
    private readonly CancellationTokenSource _abort;
    private int _initReceived;
    private int _activeOperations;
    private TaskCompletionSource? _operationsDrained;
    private volatile bool _acknowledged;
    private int _closing;
    private IReadOnlyDictionary<string, object?>? _contextData;
    private GraphQLCredentialsLease? _credentials;
    private CancellationTokenRegistration _revocation;

    public GraphQLWebSocketConnection(
        WebSocket socket,
        HttpContext context,
        RequestExecutor executor,
        GraphQLWebSocketOptions options,
        IGraphQLWebSocketInterceptor? interceptor,
        IServiceScopeFactory scopes,
        ILogger logger,
        SemaphoreSlim? serverStarts = null)
    {
        _socket = socket;
        _context = context;
        _executor = executor;
        _options = options;
        _interceptor = interceptor;
        _scopes = scopes;
        _logger = logger;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        _starts = options.MaxConcurrentStarts > 0 ? new SemaphoreSlim(options.MaxConcurrentStarts, options.MaxConcurrentStarts) : null;
        _serverStarts = serverStarts;

        // One registration for the whole connection instead of a linked token source per operation.
        _lifetime.Token.UnsafeRegister(static state => ((GraphQLWebSocketConnection)state!).StopOperations(), this);

        // Giving up on the socket aborts it, which fails a pending send: so sends pass no token (a cancelable token
        // sends every frame down the WebSocket's slow path, with a registration per frame).
        _abort.Token.UnsafeRegister(static state => ((WebSocket)state!).Abort(), socket);
    }

    public async Task RunAsync(bool subprotocolAccepted, CancellationToken stopping)
    {
        // Host shutdown: close with 1001 so that clients reconnect elsewhere instead of waiting for the shutdown timeout.
        using var shutdown = stopping.Register(() => Track(CloseAsync((int)WebSocketCloseStatus.EndpointUnavailable, "Server shutting down")));
        try
        {
            if (!subprotocolAccepted)
            {
                await CloseAsync(GraphQLWebSocketCloseCodes.SubprotocolNotAcceptable, "Subprotocol not acceptable").ConfigureAwait(false);
            }
            else
            {
                Track(WatchInitialisationAsync());
                if (_options.KeepAliveInterval is { } interval && interval > TimeSpan.Zero)
                {
                    Track(KeepAliveAsync(interval));
                }
            }

            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _revocation.DisposeAsync().ConfigureAwait(false);
            _credentials?.Dispose();
            await _lifetime.CancelAsync().ConfigureAwait(false);
            StopOperations();

            // Operations are counted rather than tracked one by one (an idle subscription should cost little).
            var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _operationsDrained, drained);
            if (Volatile.Read(ref _activeOperations) == 0)
            {
                drained.TrySetResult();
            }

            try
            {
                await Task.WhenAll(_running.Keys).ConfigureAwait(false);
                await drained.Task.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogConnectionFailed(_logger, ex);
            }

            _lifetime.Dispose();
            _abort.Dispose();
        }
    }

    private void StopOperations()
    {
        foreach (var operation in _operations.Values)
        {
            operation.Stop();
        }
    }

    private void Track(Task task)
    {
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task ReceiveLoopAsync()
    {
        var message = new ArrayBufferWriter<byte>(1024);
        var tooBig = false;
        while (true)
        {
            ValueWebSocketReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(message.GetMemory(4096), _abort.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                return;
            }

            if (received.MessageType == WebSocketMessageType.Close)
            {
                await AnswerCloseAsync().ConfigureAwait(false);
                return;
            }

            message.Advance(received.Count);
            if (message.WrittenCount > _options.MaxMessageSize && _options.MaxMessageSize > 0)
            {
                tooBig = true;
                message.ResetWrittenCount();
            }

            if (!received.EndOfMessage)
            {
                continue;
            }

            if (Volatile.Read(ref _closing) != 0)
            {
                // Closing: only the client's close frame matters now.
                message.ResetWrittenCount();
                tooBig = false;
                continue;
            }

            if (tooBig)
            {
                await CloseAsync((int)WebSocketCloseStatus.MessageTooBig, "Message too big").ConfigureAwait(false);
            }
            else if (received.MessageType != WebSocketMessageType.Text)
            {
                await CloseAsync(GraphQLWebSocketCloseCodes.BadRequest, "Binary messages are not supported").ConfigureAwait(false);
            }
            else
            {
                try
                {
                    await HandleMessageAsync(message.WrittenMemory).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    LogConnectionFailed(_logger, ex);
                    await CloseAsync(GraphQLWebSocketCloseCodes.InternalServerError, "Internal server error").ConfigureAwait(false);
                }
            }

            message.ResetWrittenCount();
            tooBig = false;
        }
    }

    private async Task HandleMessageAsync(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            await CloseAsync(GraphQLWebSocketCloseCodes.BadRequest, "Invalid message received: not JSON").ConfigureAwait(false);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var typeElement)
                || typeElement.ValueKind != JsonValueKind.String)
            {
                await CloseAsync(GraphQLWebSocketCloseCodes.BadRequest, "Invalid message received: missing the 'type' property").ConfigureAwait(false);
                return;
            }

            var type = typeElement.GetString();
            switch (type)
            {
                case "connection_init":
                    if (!TryGetObjectPayload(root, out var initPayload))
                    {
                        await BadMessageAsync(type).ConfigureAwait(false);
                        return;
                    }

                    await InitialiseAsync(initPayload).ConfigureAwait(false);
                    return;
                case "ping":
                    if (!TryGetObjectPayload(root, out var pingPayload))
                    {
                        await BadMessageAsync(type).ConfigureAwait(false);
                        return;
                    }

                    await SendAsync(Message("pong", null, pingPayload)).ConfigureAwait(false);
                    return;
                case "pong":
                    if (!TryGetObjectPayload(root, out _))
                    {
                        await BadMessageAsync(type).ConfigureAwait(false);
                    }

                    return;
                case "subscribe":
                    await SubscribeAsync(root).ConfigureAwait(false);
                    return;
                case "complete":
                    if (!TryGetId(root, out var completeId))
                    {
                        await BadMessageAsync(type).ConfigureAwait(false);
                        return;
                    }

                    if (_operations.TryRemove(completeId, out var operation))
                    {
                        operation.Stop();
                    }

                    return;
                default:
                    await CloseAsync(GraphQLWebSocketCloseCodes.BadRequest, Truncate($"Unexpected message of type {type} received")).ConfigureAwait(false);
                    return;
            }
        }
    }

    private Task BadMessageAsync(string? type) =>
        CloseAsync(GraphQLWebSocketCloseCodes.BadRequest, Truncate($"Invalid message received: malformed '{type}' message"));

    private async Task InitialiseAsync(JsonElement? payload)
    {
        if (Interlocked.Exchange(ref _initReceived, 1) != 0)
        {
            await CloseAsync(GraphQLWebSocketCloseCodes.TooManyInitialisationRequests, "Too many initialisation requests").ConfigureAwait(false);
            return;
        }

        var result = ConnectResult.Accept();
        if (_interceptor is not null)
        {
            try
            {
                result = await _interceptor.OnConnectAsync(_context, payload, _lifetime.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogInterceptorFailed(_logger, ex);
                await CloseAsync(GraphQLWebSocketCloseCodes.InternalServerError, "Internal server error").ConfigureAwait(false);
                return;
            }
        }

        if (result is null || !result.IsAccepted)
        {
            await CloseAsync(GraphQLWebSocketCloseCodes.Forbidden, Truncate(result?.RejectReason ?? "Forbidden")).ConfigureAwait(false);
            return;
        }

        if (result.User is { } user)
        {
            _context.User = user;
        }

        _contextData = result.ContextData;
        _acknowledged = true;
        await SendAsync(Message("connection_ack", null, null, result.AckPayload)).ConfigureAwait(false);
        if (_context.RequestServices.GetService<IGraphQLCredentialsWatcher>()?.Watch(_context) is { } lease)
        {
            _credentials = lease;
            _revocation = lease.Revoked.Register(() => Track(RevokeAsync(lease.Error)));
        }
    }

    /// <summary>The connection's credentials stopped being valid: end every operation with the error, then close 4403.</summary>
    private async Task RevokeAsync(GraphQLError error)
    {
        foreach (var operation in _operations.Values)
        {
            if (_operations.TryRemove(new KeyValuePair<string, Operation>(operation.Id, operation)))
            {
                operation.Stop();
                await SendAsync(ErrorMessage(operation.Id, [error])).ConfigureAwait(false);
            }
        }

        await CloseAsync(GraphQLWebSocketCloseCodes.Forbidden, "Forbidden: the connection's credentials were revoked").ConfigureAwait(false);
    }

    private async Task SubscribeAsync(JsonElement root)
    {
        if (!TryGetId(root, out var id)
            || !root.TryGetProperty("payload", out var payload)
            || payload.ValueKind != JsonValueKind.Object
            || !TryReadRequest(payload, out var request))
        {
            await BadMessageAsync("subscribe").ConfigureAwait(false);
            return;
        }

        if (!_acknowledged)
        {
            await CloseAsync(GraphQLWebSocketCloseCodes.Unauthorized, "Unauthorized").ConfigureAwait(false);
            return;
        }

        var operation = new Operation(id);
        if (!_operations.TryAdd(id, operation))
        {
            operation.Dispose();
            await CloseAsync(GraphQLWebSocketCloseCodes.SubscriberAlreadyExists, Truncate($"Subscriber for {id} already exists")).ConfigureAwait(false);
            return;
        }

        if (_options.MaxOperationsPerConnection > 0 && _operations.Count > _options.MaxOperationsPerConnection)
        {
            _operations.TryRemove(new KeyValuePair<string, Operation>(id, operation));
            operation.Dispose();
            await SendAsync(ErrorMessage(id, [new GraphQLError(
                $"At most {_options.MaxOperationsPerConnection} operations may run at once on one connection.", ErrorCodes.LimitExceeded)])).ConfigureAwait(false);
            return;
        }

        if (_lifetime.IsCancellationRequested)
        {
            // Closing: StopOperations may already have run.
            operation.Stop();
        }

        Interlocked.Increment(ref _activeOperations);
        var scope = _scopes.CreateAsyncScope();
        IAsyncEnumerable<ExecutionResult>? stream;
        IReadOnlyList<GraphQLError>? errors;
        try
        {
            // Prepared here, not in the running operation: the request (query text, variables) is not kept alive by an
            // idle subscription, only the stream is. The stream runs nothing until it is first read.
            var contextData = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (_contextData is not null)
            {
                foreach (var (key, value) in _contextData)
                {
                    contextData[key] = value;
                }
            }

            if (_executor.TryCreateStream(request with { ContextData = contextData }, scope.ServiceProvider, operation.Token, out stream, out errors))
            {
                _ = RunOperationAsync(operation, scope, stream);
                return;
            }
        }
        catch (Exception ex)
        {
            LogOperationFailed(_logger, ex, operation.Id);
            errors = [new GraphQLError("Unexpected error.", ErrorCodes.Internal)];
        }

        try
        {
            Finish(operation);
            await SendAsync(ErrorMessage(operation.Id, errors), operation).ConfigureAwait(false);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(false);
            operation.Dispose();
            OperationEnded();
        }
    }

    private void OperationEnded()
    {
        if (Interlocked.Decrement(ref _activeOperations) == 0)
        {
            Volatile.Read(ref _operationsDrained)?.TrySetResult();
        }
    }

    private async Task RunOperationAsync(Operation operation, AsyncServiceScope scope, IAsyncEnumerable<ExecutionResult> stream)
    {
        SubscriptionBuffer? buffer = null;
        var holdsStart = false;
        var holdsServerStart = false;
        try
        {
            // The socket's place first, then the server's: one busy socket cannot take every server-wide place.
            if (_starts is not null)
            {
                await _starts.WaitAsync(operation.Token).ConfigureAwait(false);
                holdsStart = true;
            }

            if (_serverStarts is not null)
            {
                await _serverStarts.WaitAsync(operation.Token).ConfigureAwait(false);
                holdsServerStart = true;
            }

            buffer = new SubscriptionBuffer(stream, _options.MaxBufferedMessages, operation.Cancellation);
            stream = null!; // the buffer holds its enumerator; the idle operation need not keep the enumerable too
            var first = buffer.WaitToReadAsync();
            if (holdsStart || holdsServerStart)
            {
                // The start (for a live query: loading the current state) ends with the first result, the end of the
                // stream or StartTimeout, whichever comes first; then the next operation may start.
                if (!first.IsCompleted)
                {
                    var pending = first.AsTask();
                    first = new ValueTask<bool>(pending);
                    await Task.WhenAny(pending, Task.Delay(_options.StartTimeout, operation.Token)).ConfigureAwait(false);
                }

                ReleaseStarts(ref holdsStart, ref holdsServerStart);
            }

            var readable = await first.ConfigureAwait(false);
            while (readable && await SendBufferedAsync(operation, buffer).ConfigureAwait(false))
            {
                readable = await buffer.WaitToReadAsync().ConfigureAwait(false);
            }

            await buffer.Producer.ConfigureAwait(false);
            Finish(operation);
            if (buffer.Overflowed)
            {
                await SendAsync(ErrorMessage(operation.Id, [buffer.OverflowError()]), operation).ConfigureAwait(false);
            }
            else if (buffer.Fault is { } fault)
            {
                LogSourceStreamFailed(_logger, fault, operation.Id);
                await SendAsync(ErrorMessage(operation.Id, [SubscriptionBuffer.ToError(fault, _executor.Options.Execution)]), operation).ConfigureAwait(false);
            }
            else
            {
                await SendAsync(Message("complete", operation.Id, null), operation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (operation.Token.IsCancellationRequested)
        {
            // Completed by the client or the connection closed.
        }
        catch (Exception ex)
        {
            LogOperationFailed(_logger, ex, operation.Id);
            Finish(operation);
            await SendAsync(ErrorMessage(operation.Id, [new GraphQLError("Unexpected error.", ErrorCodes.Internal)]), operation).ConfigureAwait(false);
        }
        finally
        {
            ReleaseStarts(ref holdsStart, ref holdsServerStart);
            Finish(operation);
            buffer?.Stop();
            if (buffer is not null)
            {
                await buffer.Producer.ConfigureAwait(false);
                buffer.Dispose();
            }

            await scope.DisposeAsync().ConfigureAwait(false);
            operation.Dispose();
            OperationEnded();
        }
    }

    private void ReleaseStarts(ref bool holdsStart, ref bool holdsServerStart)
    {
        if (holdsServerStart)
        {
            holdsServerStart = false;
            _serverStarts!.Release();
        }

        if (holdsStart)
        {
            holdsStart = false;
            _starts!.Release();
        }
    }

    /// <summary>
    /// Sends what is buffered; false once the operation was stopped or the socket cannot send. A method of its own so
    /// that the last result and message are not kept alive by the idle operation's state machine.
    /// </summary>
    private async Task<bool> SendBufferedAsync(Operation operation, SubscriptionBuffer buffer)
    {
        while (buffer.TryRead(out var result))
        {
            if (operation.Stopped)
            {
                return false;
            }

            // Pooled: the frame is only needed until the send completes.
            var (frame, length) = NextMessage(operation, result);
            try
            {
                if (!await SendAsync(frame.AsMemory(0, length), operation).ConfigureAwait(false))
                {
                    return false;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }

        return true;
    }

    // The id is released before the terminal message is sent, so that a client may reuse it as soon as it sees it.
    private void Finish(Operation operation) => _operations.TryRemove(new KeyValuePair<string, Operation>(operation.Id, operation));

    private async Task WatchInitialisationAsync()
    {
        try
        {
            await Task.Delay(_options.ConnectionInitTimeout, _lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (Volatile.Read(ref _initReceived) == 0)
        {
            await CloseAsync(GraphQLWebSocketCloseCodes.ConnectionInitialisationTimeout, "Connection initialisation timeout").ConfigureAwait(false);
        }
    }

    private async Task KeepAliveAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_lifetime.Token).ConfigureAwait(false))
            {
                if (!await SendAsync(Message("ping", null, null)).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Connection closing.
        }
    }

    /// <summary>Sends one message; false when the socket can no longer send or <paramref name="operation"/> was stopped.</summary>
    private Task<bool> SendAsync(byte[] message, Operation? operation = null) => SendAsync(message.AsMemory(), operation);

    /// <summary>Sends one message; false when the socket can no longer send or <paramref name="operation"/> was stopped.</summary>
    private async Task<bool> SendAsync(ReadOnlyMemory<byte> message, Operation? operation = null)
    {
        try
        {
            await _sendLock.WaitAsync(_abort.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }

        try
        {
            if (Volatile.Read(ref _closing) != 0 || _socket.State != WebSocketState.Open || operation?.Stopped == true)
            {
                return false;
            }

            await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes the socket with a protocol close code: operations stop, the client's close frame is awaited briefly.</summary>
    private async Task CloseAsync(int code, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        LogClosing(_logger, code, reason);
        try
        {
            await _lifetime.CancelAsync().ConfigureAwait(false);
            _abort.CancelAfter(_options.CloseTimeout);
            await _sendLock.WaitAsync(_abort.Token).ConfigureAwait(false);
            try
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, _abort.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The client is gone or does not read: the socket is aborted.
        }
    }

    /// <summary>The client closed the socket: answer with the same status if we have not closed already.</summary>
    private async Task AnswerCloseAsync()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        _abort.CancelAfter(_options.CloseTimeout);
        try
        {
            await _sendLock.WaitAsync(_abort.Token).ConfigureAwait(false);
            try
            {
                if (_socket.State == WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(_socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, _abort.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Gone.
        }
    }

    private static bool TryGetId(JsonElement root, out string id)
    {
        id = string.Empty;
        if (!root.TryGetProperty("id", out var element) || element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        id = element.GetString()!;
        return id.Length > 0;
    }

    /// <summary>A payload that is absent, null or an object (graphql-ws rejects any other payload).</summary>
    private static bool TryGetObjectPayload(JsonElement root, out JsonElement? payload)
    {
        payload = null;
        if (!root.TryGetProperty("payload", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        payload = element.Clone();
        return true;
    }

    private static bool TryReadRequest(JsonElement payload, out GraphQLRequest request)
    {
        request = null!;
        string? query = null, operationName = null, documentId = null;
        IReadOnlyDictionary<string, object?>? variables = null, extensions = null;
        foreach (var property in payload.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "query" or "operationName" or "documentId":
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (value.ValueKind != JsonValueKind.String)
                    {
                        return false;
                    }

                    if (property.NameEquals("query"))
                    {
                        query = value.GetString();
                    }
                    else if (property.NameEquals("operationName"))
                    {
                        operationName = value.GetString();
                    }
                    else
                    {
                        documentId = value.GetString();
                    }

                    break;
                case "variables" or "extensions":
                    if (value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (value.ValueKind != JsonValueKind.Object)
                    {
                        return false;
                    }

                    var map = JsonInput.ToDictionary(value.Clone());
                    if (property.NameEquals("variables"))
                    {
                        variables = map;
                    }
                    else
                    {
                        extensions = map;
                    }

                    break;
            }
        }

        if (query is null && documentId is null && extensions?.ContainsKey("persistedQuery") != true)
        {
            return false;
        }

        request = new GraphQLRequest
        {
            Query = query,
            OperationName = operationName,
            DocumentId = documentId,
            Variables = variables,
            Extensions = extensions,
        };
        return true;
    }

    private static byte[] Message(string type, string? id, JsonElement? payload, IReadOnlyDictionary<string, object?>? mapPayload = null, ExecutionResult? result = null)
    {
        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer, ResultWriter.WriterOptions))
        {
            writer.WriteStartObject();
            if (id is not null)
            {
                writer.WriteString("id"u8, id);
            }

            writer.WriteString("type"u8, type);
            if (payload is { } element)
            {
                writer.WritePropertyName("payload"u8);
                element.WriteTo(writer);
            }
            else if (mapPayload is not null)
            {
                writer.WritePropertyName("payload"u8);
                ResultWriter.WriteValue(writer, mapPayload);
            }
            else if (result is not null)
            {
                writer.WritePropertyName("payload"u8);
                ResultWriter.Write(writer, result);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }

    /// <summary>
    /// A <c>next</c> message: the operation's constant prefix, the payload, <c>}</c>. A result shared between
    /// subscriptions (one event executed once for all) is serialized once and only copied here.
    /// </summary>
    /// <remarks>The frame is rented from <see cref="ArrayPool{T}.Shared"/>: the caller returns it after sending.</remarks>
    private static (byte[] Frame, int Length) NextMessage(Operation operation, ExecutionResult result)
    {
        var prefix = operation.NextPrefix;
        if (SharedEventResults.TryGetPayloadBytes(result, out var payload))
        {
            var length = prefix.Length + payload.Length + 1;
            var message = ArrayPool<byte>.Shared.Rent(length);
            prefix.CopyTo(message, 0);
            payload.CopyTo(message, prefix.Length);
            message[length - 1] = (byte)'}';
            return (message, length);
        }

        using var buffer = new PooledBufferWriter();
        buffer.Write(prefix);
        ResultWriter.Write(buffer, result);
        buffer.Write("}"u8);
        var written = buffer.WrittenMemory.Span;
        var frame = ArrayPool<byte>.Shared.Rent(written.Length);
        written.CopyTo(frame);
        return (frame, written.Length);
    }

    /// <summary><c>{"id":"…","type":"next","payload":</c> for <paramref name="id"/>.</summary>
    private static byte[] NextPrefix(string id)
    {
        var message = Message("next", id, null);
        // Message ends with '}': replace it with the payload property's name.
        return [.. message.AsSpan(0, message.Length - 1), .. ",\"payload\":"u8];
    }

    private static byte[] ErrorMessage(string id, IReadOnlyList<GraphQLError> errors)
    {
        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer, ResultWriter.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id);
            writer.WriteString("type"u8, "error"u8);
            writer.WritePropertyName("payload"u8);
            writer.WriteStartArray();
            foreach (var error in errors)
            {
                ResultWriter.WriteError(writer, error);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }

    /// <summary>Close reasons are limited to 123 UTF-8 bytes.</summary>
    private static string Truncate(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= 123)
        {
            return reason;
        }

        var length = Math.Min(reason.Length, 120);
        while (length > 0 && Encoding.UTF8.GetByteCount(reason.AsSpan(0, length)) > 120)
        {
            length--;
        }

        return reason[..length] + "...";
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "GraphQL WebSocket closing with {Code}: {Reason}")]
    private static partial void LogClosing(ILogger logger, int code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "GraphQL WebSocket connection failed")]
    private static partial void LogConnectionFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "GraphQL WebSocket interceptor failed")]
    private static partial void LogInterceptorFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "GraphQL WebSocket operation {Id} failed")]
    private static partial void LogOperationFailed(ILogger logger, Exception exception, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GraphQL subscription source stream of operation {Id} failed")]
    private static partial void LogSourceStreamFailed(ILogger logger, Exception exception, string id);

    /// <summary>One running operation; <see cref="Stop"/> (client <c>complete</c>) ends delivery at once.</summary>
    /// <remarks>Not linked to the connection (the connection stops its operations itself): an idle one costs less.</remarks>
    private sealed class Operation(string id) : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private volatile bool _stopped;

        private byte[]? _nextPrefix;

        public string Id { get; } = id;

        /// <summary>The constant start of this operation's <c>next</c> messages, built on the first one.</summary>
        public byte[] NextPrefix => _nextPrefix ??= GraphQLWebSocketConnection.NextPrefix(Id);

        public CancellationToken Token => _cts.Token;

        /// <summary>Stops the operation's source stream (the subscription buffer cancels it on overflow).</summary>
        public CancellationTokenSource Cancellation => _cts;

        public bool Stopped => _stopped;

        public void Stop()
        {
            _stopped = true;
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        }

        public void Dispose() => _cts.Dispose();
    }
}
