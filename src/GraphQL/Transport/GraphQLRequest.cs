namespace CrowNest.GraphQL.Transport;

/// <summary>One GraphQL request as received by a transport (HTTP body, query string, CLI, test).</summary>
public sealed record GraphQLRequest
{
    /// <summary>The document text; may be null when <see cref="DocumentId"/> names a trusted document.</summary>
    public string? Query { get; init; }

    /// <summary>
    /// A trusted-document id: the lowercase sha256 hex of the document text, optionally prefixed with <c>sha256:</c>.
    /// When null, <c>extensions.persistedQuery.sha256Hash</c> is used if present.
    /// </summary>
    public string? DocumentId { get; init; }

    /// <summary>The operation to run when the document has several.</summary>
    public string? OperationName { get; init; }

    /// <summary>Raw variable values (as converted from JSON by <c>JsonInput</c>).</summary>
    public IReadOnlyDictionary<string, object?>? Variables { get; init; }

    /// <summary>The request's <c>extensions</c> map.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    /// <summary>False for transports that must not run mutations (HTTP GET); such requests fail with <see cref="TransportErrorCodes.OperationNotAllowed"/>.</summary>
    public bool AllowMutations { get; init; } = true;

    /// <summary>Request services handed to resolvers.</summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>Per-request state shared by resolvers.</summary>
    public IDictionary<string, object?>? ContextData { get; init; }

    /// <summary>Root value for this request; when null, <see cref="GraphQLOptions.RootValue"/> is used.</summary>
    public object? RootValue { get; init; }

    /// <summary>sha256 of <see cref="Query"/> already computed by the transport from the raw UTF-8 bytes.</summary>
    internal DocumentHash? QueryHash { get; init; }
}

/// <summary>Error codes produced by the transport layer in addition to <see cref="ErrorCodes"/>.</summary>
public static class TransportErrorCodes
{
    /// <summary>The request is malformed (missing query, wrong parameter types, bad JSON).</summary>
    public const string BadRequest = "BAD_REQUEST";

    /// <summary>The operation kind is not allowed on this transport (a mutation over HTTP GET).</summary>
    public const string OperationNotAllowed = "OPERATION_NOT_ALLOWED";

    /// <summary>The request body exceeds <see cref="GraphQLLimits.MaxRequestBodySize"/>.</summary>
    public const string RequestTooLarge = "REQUEST_TOO_LARGE";
}
