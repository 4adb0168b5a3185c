using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL;

/// <summary>A line/column position reported in an error (both 1-based).</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public readonly record struct SourceLocation(int Line, int Column)
{
    /// <summary>Converts a parser location.</summary>
    public static SourceLocation From(Location location) => new(location.Line, location.Column);
}

/// <summary>An error in a GraphQL response (spec section 7.1.2). Errors are data: every error carries a stable <c>extensions.code</c>.</summary>
public sealed record GraphQLError
{
    /// <summary>Creates an error.</summary>
    public GraphQLError(string message, string code)
    {
        Message = message;
        Extensions = new Dictionary<string, object?> { ["code"] = code };
    }

    /// <summary>Human-readable description.</summary>
    public string Message { get; init; }

    /// <summary>Locations in the document the error refers to, in document order.</summary>
    public IReadOnlyList<SourceLocation>? Locations { get; init; }

    /// <summary>Response path of the field that failed: string keys and integer list indexes.</summary>
    public IReadOnlyList<object>? Path { get; init; }

    /// <summary>Extra data; always contains <c>code</c>.</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; init; }

    /// <summary>The stable machine-readable code from <see cref="Extensions"/>.</summary>
    public string Code => Extensions.TryGetValue("code", out var code) && code is string s ? s : ErrorCodes.Internal;

    /// <summary>Returns a copy with the locations of the given nodes.</summary>
    public GraphQLError WithLocations(params ReadOnlySpan<SyntaxNode?> nodes)
    {
        var list = new List<SourceLocation>(nodes.Length);
        foreach (var node in nodes)
        {
            if (node?.Location is { } location)
            {
                list.Add(SourceLocation.From(location));
            }
        }

        return this with { Locations = list.Count == 0 ? null : list };
    }
}

/// <summary>Stable values of <c>extensions.code</c> produced by the engine.</summary>
public static class ErrorCodes
{
    /// <summary>The document could not be parsed.</summary>
    public const string SyntaxError = "GRAPHQL_PARSE_FAILED";

    /// <summary>The document failed validation (spec section 5).</summary>
    public const string ValidationFailed = "GRAPHQL_VALIDATION_FAILED";

    /// <summary>Variable values could not be coerced.</summary>
    public const string BadUserInput = "BAD_USER_INPUT";

    /// <summary>The operation to run could not be determined.</summary>
    public const string OperationResolutionFailure = "OPERATION_RESOLUTION_FAILURE";

    /// <summary>A resolver failed or a value could not be completed.</summary>
    public const string ExecutionError = "EXECUTION_ERROR";

    /// <summary>An unexpected internal failure (details hidden from clients).</summary>
    public const string Internal = "INTERNAL_SERVER_ERROR";

    /// <summary>A configured limit (depth, cost, aliases, size, tokens) was exceeded.</summary>
    public const string LimitExceeded = "LIMIT_EXCEEDED";

    /// <summary>The execution timeout elapsed.</summary>
    public const string Timeout = "TIMEOUT";

    /// <summary>Introspection is disabled in this environment.</summary>
    public const string IntrospectionDisabled = "INTROSPECTION_DISABLED";

    /// <summary>Trusted-documents mode: the document id is unknown.</summary>
    public const string PersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND";

    /// <summary>Trusted-documents mode: an arbitrary document was sent.</summary>
    public const string PersistedQueryRequired = "PERSISTED_QUERY_REQUIRED";
}
