using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using CrowNest.GraphQL.Execution;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace CrowNest.GraphQL.Transport;

/// <summary>
/// GraphQL over HTTP (graphql-over-http spec, as checked by the <c>graphql-http</c> audit): POST with
/// <c>application/json</c>, GET with query parameters, <c>Accept</c> negotiation between
/// <c>application/graphql-response+json</c> and <c>application/json</c>, and status codes per media type.
/// </summary>
public sealed class GraphQLHttpHandler(RequestExecutor executor)
{
    private const string GraphQLResponseJson = "application/graphql-response+json; charset=utf-8";
    private const string ApplicationJson = "application/json; charset=utf-8";

    /// <summary>The pipeline requests run through.</summary>
    public RequestExecutor Executor { get; } = executor;

    /// <summary>Handles one HTTP request to the GraphQL endpoint.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var isGet = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (!isGet && !HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = Executor.Options.AllowGetRequests ? "GET, POST" : "POST";
            await WriteRequestErrorAsync(context, StatusCodes.Status405MethodNotAllowed, ApplicationJson, "GraphQL requests use GET or POST.", TransportErrorCodes.BadRequest).ConfigureAwait(false);
            return;
        }

        if (isGet && Executor.Options.EnableGraphiQL && !request.Query.ContainsKey("query") && !request.Query.ContainsKey("documentId")
            && AcceptsHtml(request.Headers.Accept))
        {
            await GraphiQL.WritePageAsync(context).ConfigureAwait(false);
            return;
        }

        var mediaType = Negotiate(request.Headers.Accept);
        if (mediaType is null)
        {
            await WriteRequestErrorAsync(context, StatusCodes.Status406NotAcceptable, ApplicationJson,
                "Accept must allow application/graphql-response+json or application/json.", TransportErrorCodes.BadRequest).ConfigureAwait(false);
            return;
        }

        if (isGet && !Executor.Options.AllowGetRequests)
        {
            context.Response.Headers.Allow = "POST";
            await WriteRequestErrorAsync(context, StatusCodes.Status405MethodNotAllowed, mediaType, "GraphQL requests use POST.", TransportErrorCodes.BadRequest).ConfigureAwait(false);
            return;
        }

        GraphQLRequest? graphQLRequest;
        string? problem;
        var status = StatusCodes.Status400BadRequest;
        if (isGet)
        {
            graphQLRequest = ReadGet(request.Query, Executor.Options.Limits.MaxRequestBodySize, out problem);
        }
        else
        {
            (graphQLRequest, problem, status) = await ReadPostAsync(context).ConfigureAwait(false);
        }

        if (graphQLRequest is null)
        {
            await WriteRequestErrorAsync(context, status, mediaType, problem!, status == StatusCodes.Status413PayloadTooLarge ? TransportErrorCodes.RequestTooLarge : TransportErrorCodes.BadRequest).ConfigureAwait(false);
            return;
        }

        ExecutionResult result;
        var aborted = context.RequestAborted;
        try
        {
            // Request services are resolved on first use: most operations never ask, and creating the request scope
            // (plus its disposal registration) is per-request work otherwise.
            result = await Executor.ExecuteAsync(graphQLRequest, aborted, new RequestServices(context), pooledJson: true).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: nothing to answer.
            return;
        }

        var statusCode = StatusCodes.Status200OK;
        if (!result.HasData && result.Errors is { Count: > 0 } errors)
        {
            if (errors[0].Code == TransportErrorCodes.OperationNotAllowed)
            {
                statusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "POST";
            }
            else if (ReferenceEquals(mediaType, GraphQLResponseJson))
            {
                // graphql-response+json: a request error (no data) is the client's fault, unless we failed internally.
                statusCode = errors[0].Code == ErrorCodes.Internal ? StatusCodes.Status500InternalServerError : StatusCodes.Status400BadRequest;
            }
        }

        await WriteResultAsync(context, statusCode, mediaType, result).ConfigureAwait(false);
    }

    /// <summary>Picks the response media type from an Accept header; null when nothing acceptable is offered.</summary>
    internal static string? Negotiate(StringValues accept)
    {
        if (StringValues.IsNullOrEmpty(accept))
        {
            return ApplicationJson;
        }

        if (accept.Count == 1)
        {
            // The usual exact values skip splitting and parsing (same answer as the general path below).
            switch (accept[0])
            {
                case "application/json":
                    return ApplicationJson;
                case "application/graphql-response+json":
                    return GraphQLResponseJson;
            }
        }

        string? best = null;
        var bestQuality = 0.0;
        var bestSpecific = 0;
        foreach (var header in accept)
        {
            if (header is null)
            {
                continue;
            }

            foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var (type, quality) = ParseMediaRange(part);
                // Specificity breaks ties so that an explicit media type wins over a wildcard of equal quality.
                var (candidate, specific) = type switch
                {
                    "application/graphql-response+json" => (GraphQLResponseJson, 3),
                    "application/json" => (ApplicationJson, 2),
                    "application/*" or "*/*" => (ApplicationJson, 1),
                    _ => (null, 0),
                };
                if (candidate is null || quality <= 0)
                {
                    continue;
                }

                if (quality > bestQuality || (quality == bestQuality && specific > bestSpecific))
                {
                    best = candidate;
                    bestQuality = quality;
                    bestSpecific = specific;
                }
            }
        }

        return best;
    }

    private static (string Type, double Quality) ParseMediaRange(string range)
    {
        var semicolon = range.IndexOf(';', StringComparison.Ordinal);
        if (semicolon < 0)
        {
            return (range.ToLowerInvariant(), 1);
        }

        var type = range[..semicolon].Trim().ToLowerInvariant();
        var quality = 1.0;
        foreach (var parameter in range[(semicolon + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(parameter.AsSpan(2), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var q))
            {
                quality = q;
            }
        }

        return (type, quality);
    }

    private static bool AcceptsHtml(StringValues accept)
    {
        foreach (var header in accept)
        {
            if (header is not null && header.Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static GraphQLRequest? ReadGet(IQueryCollection query, long maxSize, out string? problem)
    {
        problem = null;
        var text = Single(query, "query");
        if (maxSize > 0 && text is not null && text.Length > maxSize)
        {
            problem = "The query is too large.";
            return null;
        }

        IReadOnlyDictionary<string, object?>? variables = null;
        IReadOnlyDictionary<string, object?>? extensions = null;
        if (Single(query, "variables") is { Length: > 0 } variablesJson && !TryParseObject(variablesJson, "variables", out variables, out problem))
        {
            return null;
        }

        if (Single(query, "extensions") is { Length: > 0 } extensionsJson && !TryParseObject(extensionsJson, "extensions", out extensions, out problem))
        {
            return null;
        }

        var documentId = Single(query, "documentId");
        if (text is null && documentId is null && extensions?.ContainsKey("persistedQuery") != true)
        {
            problem = "Missing the 'query' parameter.";
            return null;
        }

        return new GraphQLRequest
        {
            Query = text,
            DocumentId = documentId,
            OperationName = Single(query, "operationName") is { Length: > 0 } name ? name : null,
            Variables = variables,
            Extensions = extensions,

            // GET must not change state: mutations are refused with 405.
            AllowMutations = false,
        };

        static string? Single(IQueryCollection query, string key) => query.TryGetValue(key, out var values) ? values[^1] : null;
    }

    private static bool TryParseObject(string json, string name, out IReadOnlyDictionary<string, object?>? value, out string? problem)
    {
        value = null;
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = $"The '{name}' parameter must be a JSON object.";
                return false;
            }

            value = JsonInput.ToDictionary(document.RootElement.Clone());
            return true;
        }
        catch (JsonException)
        {
            problem = $"The '{name}' parameter is not valid JSON.";
            return false;
        }
    }

    private async ValueTask<(GraphQLRequest? Request, string? Problem, int Status)> ReadPostAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsJsonContentType(request.ContentType))
        {
            return (null, "POST requests must have Content-Type application/json.", StatusCodes.Status415UnsupportedMediaType);
        }

        var maxSize = Executor.Options.Limits.MaxRequestBodySize;
        if (maxSize > 0 && request.ContentLength > maxSize)
        {
            return (null, $"The request body exceeds {maxSize} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        var reader = request.BodyReader;
        ReadResult read;
        var first = true;
        while (true)
        {
            // A body that has already arrived is taken without going through ReadAsync's cancellation plumbing (first
            // read only: TryRead returns buffered bytes again even when they were all examined).
            if (!first || !reader.TryRead(out read))
            {
                read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            }

            first = false;

            if (maxSize > 0 && read.Buffer.Length > maxSize)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return (null, $"The request body exceeds {maxSize} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            // A body of known length is complete once that many bytes arrived: no extra read just to see its end.
            if (read.IsCompleted || read.IsCanceled || (request.ContentLength is { } length && read.Buffer.Length >= length))
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        try
        {
            var buffer = read.Buffer;
            if (buffer.IsEmpty)
            {
                return (null, "The request body is empty.", StatusCodes.Status400BadRequest);
            }

            var (parsed, problem) = ParseBody(buffer);
            return (parsed, problem, StatusCodes.Status400BadRequest);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    private static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        var type = (semicolon < 0 ? span : span[..semicolon]).Trim();
        if (!type.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (semicolon >= 0)
        {
            foreach (var parameter in contentType[(semicolon + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (parameter.StartsWith("charset=", StringComparison.OrdinalIgnoreCase))
                {
                    var charset = parameter[8..].Trim('"');
                    if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>Parses a POST body: <c>{ query, operationName, variables, extensions, documentId }</c>.</summary>
    internal static (GraphQLRequest? Request, string? Problem) ParseBody(ReadOnlySequence<byte> body)
    {
        string? query = null, operationName = null, documentId = null;
        DocumentHash? queryHash = null;
        IReadOnlyDictionary<string, object?>? variables = null, extensions = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, "The request body must be a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.ValueTextEquals("query"u8) ? 1
                    : reader.ValueTextEquals("operationName"u8) ? 2
                    : reader.ValueTextEquals("variables"u8) ? 3
                    : reader.ValueTextEquals("extensions"u8) ? 4
                    : reader.ValueTextEquals("documentId"u8) ? 5
                    : 0;
                reader.Read();
                switch (property)
                {
                    case 1 or 2 or 5:
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            break;
                        }

                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return (null, $"The '{(property == 1 ? "query" : property == 2 ? "operationName" : "documentId")}' parameter must be a string.");
                        }

                        if (property == 1 && !reader.HasValueSequence && !reader.ValueIsEscaped)
                        {
                            // Hash the raw UTF-8 bytes (no re-encoding for the cache lookup); a repeated text is not decoded or hashed again.
                            (query, var hash) = QueryTextMemo.Read(ref reader);
                            queryHash = hash;
                            break;
                        }

                        var text = reader.GetString();
                        if (property == 1)
                        {
                            query = text;
                        }
                        else if (property == 2)
                        {
                            operationName = text;
                        }
                        else
                        {
                            documentId = text;
                        }

                        break;
                    case 3 or 4:
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            break;
                        }

                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            return (null, $"The '{(property == 3 ? "variables" : "extensions")}' parameter must be an object.");
                        }

                        var element = JsonElement.ParseValue(ref reader);
                        var map = JsonInput.ToDictionary(element);
                        if (property == 3)
                        {
                            variables = map;
                        }
                        else
                        {
                            extensions = map;
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return (null, "The request body is not a single JSON object.");
            }
        }
        catch (JsonException)
        {
            return (null, "The request body is not valid JSON.");
        }

        if (query is null && documentId is null && extensions?.ContainsKey("persistedQuery") != true)
        {
            return (null, "Missing the 'query' parameter.");
        }

        return (new GraphQLRequest
        {
            Query = query,
            QueryHash = queryHash,
            OperationName = operationName,
            DocumentId = documentId,
            Variables = variables,
            Extensions = extensions,
        }, null);
    }

    private static Task WriteRequestErrorAsync(HttpContext context, int status, string mediaType, string message, string code) =>
        WriteResultAsync(context, status, mediaType, ExecutionResult.FromErrors([new GraphQLError(message, code)]));

    private static async Task WriteResultAsync(HttpContext context, int status, string mediaType, ExecutionResult result)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = mediaType;

        if (result.PreparedData is { HasJson: true } prepared && FastResultWriter.CanWrite(result))
        {
            // The executor wrote the data as JSON already: `{"data":` + data + `}` goes straight into the response pipe,
            // with its length known up front (FastResultWriter.Write produces the same bytes through one more copy).
            await WritePreparedAsync(context, prepared).ConfigureAwait(false);
            return;
        }

        // Serialized first so that Content-Length is known (no chunked encoding), then copied into the response pipe.
        var buffer = PooledBufferWriter.Rent();
        try
        {
            ResultWriter.Write(buffer, result);
            response.ContentLength = buffer.WrittenCount;
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                var flush = response.BodyWriter.WriteAsync(buffer.WrittenMemory);
                if (!flush.IsCompletedSuccessfully)
                {
                    await flush.ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // Client disconnected mid-write.
        }
        finally
        {
            PooledBufferWriter.Return(buffer);

            // The data's pooled JSON (if any) was copied into the response by ResultWriter: give it back here too.
            result.PreparedData?.Release();
        }
    }

    private static async Task WritePreparedAsync(HttpContext context, PreparedData prepared)
    {
        ValueTask<FlushResult> flush;
        try
        {
            flush = CopyPrepared(context, prepared);
        }
        finally
        {
            // The bytes are in the response pipe (or not needed): the pooled buffer goes back right away.
            prepared.Release();
        }

        try
        {
            if (!flush.IsCompletedSuccessfully)
            {
                await flush.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // Client disconnected mid-write.
        }
    }

    /// <summary>Sets Content-Length and copies <c>{"data":…}</c> into the response pipe; the flush to await (none for HEAD).</summary>
    private static ValueTask<FlushResult> CopyPrepared(HttpContext context, PreparedData prepared)
    {
        var response = context.Response;
        var json = prepared.Json;
        var length = DataPrefix.Length + json.Length + 1;
        response.ContentLength = length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return default;
        }

        var writer = response.BodyWriter;
        var span = writer.GetSpan(length);
        DataPrefix.CopyTo(span);
        json.CopyTo(span[DataPrefix.Length..]);
        span[length - 1] = (byte)'}';
        writer.Advance(length);
        return writer.FlushAsync();
    }

    private static ReadOnlySpan<byte> DataPrefix => "{\"data\":"u8;

    /// <summary>The request's services, created (with the request scope) only when a resolver first asks.</summary>
    private sealed class RequestServices(HttpContext context) : IServiceProvider, IKeyedServiceProvider, ISupportRequiredService
    {
        public object? GetService(Type serviceType) => context.RequestServices.GetService(serviceType);

        public object GetRequiredService(Type serviceType) => context.RequestServices.GetRequiredService(serviceType);

        public object? GetKeyedService(Type serviceType, object? serviceKey) =>
            context.RequestServices is IKeyedServiceProvider keyed ? keyed.GetKeyedService(serviceType, serviceKey) : null;

        public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
            context.RequestServices is IKeyedServiceProvider keyed
                ? keyed.GetRequiredKeyedService(serviceType, serviceKey)
                : throw new InvalidOperationException("The request services do not support keyed services.");
    }
}

/// <summary>An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int InitialSize = 4096;

    // One spare writer per thread: the usual response fits its first array, so a request neither allocates a writer
    // nor goes to the array pool.
    [ThreadStatic]
    private static PooledBufferWriter? t_spare;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _written;

    /// <summary>An empty writer (the thread's spare when there is one); give it back with <see cref="Return"/>.</summary>
    public static PooledBufferWriter Rent()
    {
        var spare = t_spare;
        if (spare is not null)
        {
            t_spare = null;
            return spare;
        }

        return new PooledBufferWriter();
    }

    /// <summary>Keeps <paramref name="writer"/> as the thread's spare when its buffer is small, else frees it.</summary>
    public static void Return(PooledBufferWriter writer)
    {
        if (writer._buffer.Length <= 64 * 1024 && writer._buffer.Length > 0)
        {
            writer._written = 0;
            t_spare = writer;
            return;
        }

        writer.Dispose();
    }

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + needed));
        _buffer.AsSpan(0, _written).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }
}
