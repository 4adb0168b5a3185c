using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using CrowNest.GraphQL.Execution;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrowNest.GraphQL.Transport.Sse;

/// <summary>
/// GraphQL over Server-Sent Events in the graphql-sse protocol's distinct connections mode: a GET or POST with
/// <c>Accept: text/event-stream</c> is answered with an event stream of <c>next</c> events (one per result) and a
/// final <c>complete</c> event. Request errors (syntax, validation, limits) are reported as a <c>next</c> event with
/// the errors, keep-alive comments are sent while idle, and a client disconnect cancels the operation.
/// </summary>
public sealed partial class GraphQLSseHandler(RequestExecutor executor, ILogger<GraphQLSseHandler>? logger = null)
{
    private static readonly byte[] NextPrefix = "event: next\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] CompleteEvent = "event: complete\ndata: \n\n"u8.ToArray();
    private static readonly byte[] KeepAliveComment = ":\n\n"u8.ToArray();

    private readonly ILogger _logger = logger ?? NullLogger<GraphQLSseHandler>.Instance;

    /// <summary>The pipeline operations run through.</summary>
    public RequestExecutor Executor { get; } = executor;

    /// <summary>True for a GET or POST whose <c>Accept</c> header asks for <c>text/event-stream</c>.</summary>
    public static bool IsEventStreamRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsPost(request.Method))
        {
            return false;
        }

        foreach (var value in request.Headers.Accept)
        {
            if (value is not null && value.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Handles one event-stream request until the operation completes or the client disconnects.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var aborted = context.RequestAborted;
        var isGet = HttpMethods.IsGet(context.Request.Method);
        var (request, problem, status) = isGet ? ReadGet(context.Request.Query) : await ReadPostAsync(context).ConfigureAwait(false);
        if (request is null)
        {
            // Malformed HTTP requests are refused as such (graphql-over-http); GraphQL errors go through the stream.
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.Body.WriteAsync(
                ResultWriter.ToUtf8Bytes(ExecutionResult.FromErrors([new GraphQLError(problem!, status == 413 ? TransportErrorCodes.RequestTooLarge : TransportErrorCodes.BadRequest)])), aborted).ConfigureAwait(false);
            return;
        }

        var options = Executor.Options.Sse;
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        // Ends on client disconnect and on host shutdown (a stream must not hold the shutdown until its timeout).
        var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping);
        using var credentials = context.RequestServices.GetService<IGraphQLCredentialsWatcher>()?.Watch(context);
        using var revocation = credentials?.Revoked.Register(static cts => ((CancellationTokenSource)cts!).Cancel(), streamCts);
        var token = streamCts.Token;
        var writer = new EventWriter(response.BodyWriter);
        using var keepAliveStop = CancellationTokenSource.CreateLinkedTokenSource(token);
        Task? keepAlive = null;
        SubscriptionBuffer? buffer = null;
        try
        {
            await response.StartAsync(token).ConfigureAwait(false);
            await writer.FlushAsync(token).ConfigureAwait(false);
            if (!Executor.TryCreateStream(request with { AllowMutations = !isGet }, context.RequestServices, token, out var stream, out var errors))
            {
                await writer.WriteNextAsync(ExecutionResult.FromErrors(errors), token).ConfigureAwait(false);
                await writer.WriteRawAsync(CompleteEvent, token).ConfigureAwait(false);
                return;
            }

            if (options.KeepAliveInterval is { } interval && interval > TimeSpan.Zero)
            {
                keepAlive = KeepAliveAsync(writer, interval, keepAliveStop.Token);
            }

            buffer = new SubscriptionBuffer(stream, options.MaxBufferedMessages, token);
            while (await buffer.WaitToReadAsync().ConfigureAwait(false))
            {
                while (buffer.TryRead(out var result))
                {
                    await writer.WriteNextAsync(result, token).ConfigureAwait(false);
                }
            }

            await buffer.Producer.ConfigureAwait(false);
            if (buffer.Overflowed)
            {
                await writer.WriteNextAsync(ExecutionResult.FromErrors([buffer.OverflowError()]), token).ConfigureAwait(false);
            }
            else if (buffer.Fault is { } fault)
            {
                LogSourceStreamFailed(_logger, fault);
                await writer.WriteNextAsync(ExecutionResult.FromErrors([SubscriptionBuffer.ToError(fault, Executor.Options.Execution)]), token).ConfigureAwait(false);
            }

            token.ThrowIfCancellationRequested();
            await writer.WriteRawAsync(CompleteEvent, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The client disconnected (the subscription is cancelled through the request token), the host is stopping,
            // or the stream's credentials were revoked: only the last one is told why.
            if (credentials is { Revoked.IsCancellationRequested: true } && !aborted.IsCancellationRequested)
            {
                await WriteRevokedAsync(writer, credentials.Error, aborted).ConfigureAwait(false);
            }
        }
        finally
        {
            await keepAliveStop.CancelAsync().ConfigureAwait(false);
            if (keepAlive is not null)
            {
                await keepAlive.ConfigureAwait(false);
            }

            if (buffer is not null)
            {
                buffer.Stop();
                await buffer.Producer.ConfigureAwait(false);
                buffer.Dispose();
            }

            writer.Dispose();
        }
    }

    private static async Task WriteRevokedAsync(EventWriter writer, GraphQLError error, CancellationToken aborted)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        cts.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await writer.WriteNextAsync(ExecutionResult.FromErrors([error]), cts.Token).ConfigureAwait(false);
            await writer.WriteRawAsync(CompleteEvent, cts.Token).ConfigureAwait(false);
            await writer.FlushAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client is gone or does not read.
        }
    }

    private static async Task KeepAliveAsync(EventWriter writer, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await writer.WriteRawAsync(KeepAliveComment, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Stream ended.
        }
    }

    private static (GraphQLRequest? Request, string? Problem, int Status) ReadGet(IQueryCollection query)
    {
        var text = Single(query, "query");
        IReadOnlyDictionary<string, object?>? variables = null, extensions = null;
        if (Single(query, "variables") is { Length: > 0 } variablesJson && !TryParseObject(variablesJson, out variables))
        {
            return (null, "The 'variables' parameter must be a JSON object.", StatusCodes.Status400BadRequest);
        }

        if (Single(query, "extensions") is { Length: > 0 } extensionsJson && !TryParseObject(extensionsJson, out extensions))
        {
            return (null, "The 'extensions' parameter must be a JSON object.", StatusCodes.Status400BadRequest);
        }

        var documentId = Single(query, "documentId");
        if (text is null && documentId is null && extensions?.ContainsKey("persistedQuery") != true)
        {
            return (null, "Missing the 'query' parameter.", StatusCodes.Status400BadRequest);
        }

        return (new GraphQLRequest
        {
            Query = text,
            DocumentId = documentId,
            OperationName = Single(query, "operationName") is { Length: > 0 } name ? name : null,
            Variables = variables,
            Extensions = extensions,
        }, null, StatusCodes.Status200OK);

        static string? Single(IQueryCollection query, string key) => query.TryGetValue(key, out var values) ? values[^1] : null;
    }

    private static bool TryParseObject(string json, out IReadOnlyDictionary<string, object?>? value)
    {
        value = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            value = JsonInput.ToDictionary(document.RootElement.Clone());
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<(GraphQLRequest? Request, string? Problem, int Status)> ReadPostAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType;
        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "POST requests must have Content-Type application/json.", StatusCodes.Status415UnsupportedMediaType);
        }

        var maxSize = Executor.Options.Limits.MaxRequestBodySize;
        var reader = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            if (maxSize > 0 && read.Buffer.Length > maxSize)
            {
                reader.AdvanceTo(read.Buffer.End);
                return (null, $"The request body exceeds {maxSize} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        try
        {
            if (read.Buffer.IsEmpty)
            {
                return (null, "The request body is empty.", StatusCodes.Status400BadRequest);
            }

            var (request, problem) = GraphQLHttpHandler.ParseBody(read.Buffer);
            return (request, problem, StatusCodes.Status400BadRequest);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "GraphQL SSE subscription source stream failed")]
    private static partial void LogSourceStreamFailed(ILogger logger, Exception exception);

    /// <summary>Serializes writes of events and keep-alive comments to the response body.</summary>
    private sealed class EventWriter(PipeWriter output) : IDisposable
    {
        private readonly SemaphoreSlim _lock = new(1, 1);

        public async Task WriteNextAsync(ExecutionResult result, CancellationToken cancellationToken)
        {
            // A result shared between subscriptions (one execution of an event for all) is serialized once.
            using var json = new PooledBufferWriter();
            ReadOnlyMemory<byte> payload;
            if (SharedEventResults.TryGetPayloadBytes(result, out var shared))
            {
                payload = shared;
            }
            else
            {
                ResultWriter.Write(json, result);
                payload = json.WrittenMemory;
            }

            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                output.Write(NextPrefix);
                output.Write(payload.Span);
                output.Write(EventEnd);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }
        }

        public async Task WriteRawAsync(byte[] bytes, CancellationToken cancellationToken)
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }
        }

        public void Dispose() => _lock.Dispose();
    }
}
