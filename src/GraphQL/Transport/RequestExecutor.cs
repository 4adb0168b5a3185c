using System.Globalization;
using System.Text.Json;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;
using CrowNest.GraphQL.Validation;

namespace CrowNest.GraphQL.Transport;

/// <summary>
/// The request pipeline: resolve the document (query text or trusted-document id), look it up in the document cache
/// (a hit skips parsing AND validation), otherwise parse and validate it, check the safety limits, then execute.
/// Thread-safe; one instance per schema.
/// </summary>
public sealed partial class RequestExecutor
{
    private readonly DocumentCache _cache;
    private readonly CostModel _costModel;
    private readonly ITrustedDocumentStore? _trustedDocuments;
    private long _cacheHits;
    private long _cacheMisses;
    private long _parseCount;
    private long _validateCount;
    private long _executeCount;

    /// <summary>Creates a pipeline for <paramref name="schema"/>.</summary>
    public RequestExecutor(Schema schema, GraphQLOptions? options = null, ITrustedDocumentStore? trustedDocuments = null)
    {
        Schema = schema;
        Options = options ?? new GraphQLOptions();
        _trustedDocuments = trustedDocuments;
        _cache = new DocumentCache(Options.DocumentCacheSize);
        _costModel = new CostModel(schema);
    }

    /// <summary>The schema requests run against.</summary>
    public Schema Schema { get; }

    /// <summary>The options in effect.</summary>
    public GraphQLOptions Options { get; }

    /// <summary>Requests whose document came from the cache (no parse, no validation).</summary>
    public long DocumentCacheHits => Interlocked.Read(ref _cacheHits);

    /// <summary>Requests whose document was not cached.</summary>
    public long DocumentCacheMisses => Interlocked.Read(ref _cacheMisses);

    /// <summary>How many times a document was parsed.</summary>
    public long ParseCount => Interlocked.Read(ref _parseCount);

    /// <summary>How many times a document was validated.</summary>
    public long ValidateCount => Interlocked.Read(ref _validateCount);

    /// <summary>How many requests reached the executor.</summary>
    public long ExecuteCount => Interlocked.Read(ref _executeCount);

    /// <summary>Documents currently cached.</summary>
    public int CachedDocumentCount => _cache.Count;

    /// <summary>Runs one request. Never throws for request problems: they become request errors (no data entry).</summary>
    public ValueTask<ExecutionResult> ExecuteAsync(GraphQLRequest request, CancellationToken cancellationToken = default) =>
        ExecuteAsync(request, cancellationToken, request.Services);

    /// <summary>Runs one request with <paramref name="services"/> as the request services (overriding <see cref="GraphQLRequest.Services"/>).</summary>
    public ValueTask<ExecutionResult> ExecuteAsync(GraphQLRequest request, CancellationToken cancellationToken, IServiceProvider? services) =>
        ExecuteAsync(request, cancellationToken, services, pooledJson: false);

    /// <summary>
    /// With <paramref name="pooledJson"/>, a pure execution's JSON stays in a pooled buffer that the caller must release
    /// (<c>PreparedData.Release</c>) after copying it out.
    /// </summary>
    internal async ValueTask<ExecutionResult> ExecuteAsync(GraphQLRequest request, CancellationToken cancellationToken, IServiceProvider? services, bool pooledJson)
    {
        var resolved = ResolveDocument(request, out var error);
        if (resolved is null)
        {
            return Fail(error!);
        }

        var cached = resolved.Value.Entry;
        var operation = cached.Document is null ? null : OperationAnalyzer.SelectOperation(cached.Document, request.OperationName);

        // Checked before validation errors so that a mutation over GET is always refused as such (405), valid or not.
        if (operation is { Operation: OperationType.Mutation } && !request.AllowMutations)
        {
            return Fail(new GraphQLError("Mutations are not allowed over this transport (use POST).", TransportErrorCodes.OperationNotAllowed));
        }

        if (cached.Errors is { } errors)
        {
            return ExecutionResult.FromErrors(errors);
        }

        if (operation is not null)
        {
            if (CheckLimits(cached, operation, request) is { } limitError)
            {
                return Fail(limitError);
            }
        }

        Interlocked.Increment(ref _executeCount);
        return await Executor.ExecuteAsync(new ExecutionRequest
        {
            Schema = Schema,
            Document = cached.Document!,
            OperationName = request.OperationName,
            VariableValues = request.Variables,
            RootValue = request.RootValue ?? Options.RootValue,
            Services = services,
            ContextData = request.ContextData,
            Timeout = Options.ExecutionTimeout,
            Options = Options.Execution,
            PrepareJson = true,
            PooledJson = pooledJson,
            CancellationToken = cancellationToken,
        }).ConfigureAwait(false);

        static ExecutionResult Fail(GraphQLError error) => ExecutionResult.FromErrors([error]);
    }

    /// <summary>Finds the cached or freshly prepared document for a request, or a request error.</summary>
    private (DocumentHash Hash, CachedDocument Entry)? ResolveDocument(GraphQLRequest request, out GraphQLError? error)
    {
        error = null;
        var documentId = request.DocumentId ?? PersistedQueryHash(request.Extensions);
        string? text = null;
        DocumentHash hash;
        if (documentId is not null)
        {
            if (!DocumentHash.TryParse(documentId, out hash))
            {
                error = new GraphQLError($"Persisted document '{documentId}' not found.", ErrorCodes.PersistedQueryNotFound);
                return null;
            }

            if (_cache.TryGet(hash, out var hit) && (_trustedDocuments is not null || request.Query is not null))
            {
                Interlocked.Increment(ref _cacheHits);
                return (hash, hit);
            }

            if (_trustedDocuments is not null && _trustedDocuments.TryGetDocument(hash, out var stored))
            {
                text = stored;
            }
            else if (Options.TrustedDocuments != TrustedDocumentsMode.Strict && request.Query is not null
                && (request.QueryHash ?? DocumentHash.Compute(request.Query)) == hash)
            {
                text = request.Query;
            }
            else
            {
                error = new GraphQLError($"Persisted document '{documentId}' not found.", ErrorCodes.PersistedQueryNotFound);
                return null;
            }
        }
        else if (request.Query is null)
        {
            error = new GraphQLError("Must provide a query string or a documentId.", TransportErrorCodes.BadRequest);
            return null;
        }
        else if (Options.TrustedDocuments == TrustedDocumentsMode.Strict)
        {
            error = new GraphQLError("Only trusted documents are accepted: send a documentId instead of query text.", ErrorCodes.PersistedQueryRequired);
            return null;
        }
        else
        {
            text = request.Query;
            hash = request.QueryHash ?? DocumentHash.Compute(text);
            if (_cache.TryGet(hash, out var hit))
            {
                Interlocked.Increment(ref _cacheHits);
                return (hash, hit);
            }
        }

        Interlocked.Increment(ref _cacheMisses);
        var entry = Prepare(text);
        _cache.Add(hash, entry);
        return (hash, entry);
    }

    private CachedDocument Prepare(string text)
    {
        Interlocked.Increment(ref _parseCount);
        if (!Parser.TryParse(text, out var document, out var syntaxError, Options.Parser))
        {
            return new CachedDocument(null, [syntaxError!]);
        }

        Interlocked.Increment(ref _validateCount);
        var errors = DocumentValidator.Validate(Schema, document!);
        return new CachedDocument(document, errors.Count == 0 ? null : errors);
    }

    private GraphQLError? CheckLimits(CachedDocument cached, OperationDefinitionNode operation, GraphQLRequest request)
    {
        var limits = Options.Limits;
        var key = operation.Name?.Value ?? string.Empty;
        if (!cached.Analyses.TryGetValue(key, out var analysis))
        {
            // Variables may feed slicing arguments: cost is cached only for operations without variables.
            var costIsStatic = operation.VariableDefinitions.Count == 0;
            analysis = OperationAnalyzer.Analyze(Schema, _costModel, cached.Document!, operation, limits.DefaultListSize, withCost: false, null);
            if (costIsStatic && WithinShapeLimits(analysis, limits))
            {
                var (staticCost, staticError) = OperationAnalyzer.Cost(Schema, _costModel, cached.Document!, operation, limits.DefaultListSize, null);
                analysis = analysis with { Cost = staticCost, CostError = staticError };
            }

            cached.Analyses.TryAdd(key, analysis);
        }

        if (!limits.IntrospectionEnabled && analysis.UsesIntrospection)
        {
            return new GraphQLError("Introspection is disabled.", ErrorCodes.IntrospectionDisabled);
        }

        if (limits.MaxDepth > 0 && analysis.Depth > limits.MaxDepth)
        {
            return LimitError("depth", $"The operation depth {analysis.Depth} exceeds the maximum depth of {limits.MaxDepth}.", analysis.Depth, limits.MaxDepth);
        }

        if (limits.MaxAliases > 0 && analysis.Aliases > limits.MaxAliases)
        {
            return LimitError("aliases", $"The operation uses {analysis.Aliases} aliases; at most {limits.MaxAliases} are allowed.", analysis.Aliases, limits.MaxAliases);
        }

        if (limits.MaxFields > 0 && analysis.Fields > limits.MaxFields)
        {
            return LimitError("fields", $"The operation selects {analysis.Fields} fields; at most {limits.MaxFields} are allowed.", analysis.Fields, limits.MaxFields);
        }

        var (cost, costError) = analysis.Cost is { } known
            ? (known, analysis.CostError)
            : OperationAnalyzer.Cost(Schema, _costModel, cached.Document!, operation, limits.DefaultListSize, request.Variables);
        if (costError is not null)
        {
            return new GraphQLError(costError, ErrorCodes.ValidationFailed).WithLocations(operation);
        }

        if (limits.MaxCost > 0 && cost > limits.MaxCost)
        {
            return LimitError("cost", string.Create(CultureInfo.InvariantCulture, $"The operation cost {cost} exceeds the maximum cost of {limits.MaxCost}."), cost, limits.MaxCost) with
            {
                Extensions = new Dictionary<string, object?>
                {
                    ["code"] = ErrorCodes.LimitExceeded,
                    ["limit"] = "cost",
                    ["cost"] = cost,
                    ["maximum"] = limits.MaxCost,
                },
            };
        }

        return null;
    }

    private static bool WithinShapeLimits(OperationAnalysis analysis, GraphQLLimits limits) =>
        (limits.MaxDepth <= 0 || analysis.Depth <= limits.MaxDepth)
        && (limits.MaxAliases <= 0 || analysis.Aliases <= limits.MaxAliases)
        && (limits.MaxFields <= 0 || analysis.Fields <= limits.MaxFields);

    private static GraphQLError LimitError(string limit, string message, double actual, double maximum) =>
        new GraphQLError(message, ErrorCodes.LimitExceeded) with
        {
            Extensions = new Dictionary<string, object?>
            {
                ["code"] = ErrorCodes.LimitExceeded,
                ["limit"] = limit,
                ["actual"] = actual,
                ["maximum"] = maximum,
            },
        };

    private static string? PersistedQueryHash(IReadOnlyDictionary<string, object?>? extensions)
    {
        if (extensions is null || !extensions.TryGetValue("persistedQuery", out var persisted))
        {
            return null;
        }

        return persisted switch
        {
            IReadOnlyDictionary<string, object?> map => map.TryGetValue("sha256Hash", out var h) ? h as string ?? (h is JsonElement { ValueKind: JsonValueKind.String } e ? e.GetString() : null) : null,
            JsonElement { ValueKind: JsonValueKind.Object } element => element.TryGetProperty("sha256Hash", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null,
            _ => null,
        };
    }
}
