using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Transport.Sse;
using CrowNest.GraphQL.Transport.WebSockets;

namespace CrowNest.GraphQL.Transport;

/// <summary>Options of the request pipeline (<see cref="RequestExecutor"/>) and the HTTP endpoint.</summary>
public sealed record GraphQLOptions
{
    /// <summary>Safety limits; on by default (see <see cref="GraphQLLimits"/> for the defaults).</summary>
    public GraphQLLimits Limits { get; init; } = new();

    /// <summary>How many parsed and validated documents the LRU document cache keeps. Default 1000; 0 disables caching.</summary>
    public int DocumentCacheSize { get; init; } = 1000;

    /// <summary>Trusted-documents (persisted queries) mode. Default <see cref="TrustedDocumentsMode.Off"/>.</summary>
    public TrustedDocumentsMode TrustedDocuments { get; init; } = TrustedDocumentsMode.Off;

    /// <summary>Execution timeout handed to the executor; null means none.</summary>
    public TimeSpan? ExecutionTimeout { get; init; }

    /// <summary>Executor options (e.g. <c>IncludeExceptionDetails</c> for development); null uses the executor's defaults.</summary>
    public Execution.ExecutionOptions? Execution { get; init; }

    /// <summary>Root value for queries and mutations when the request has none.</summary>
    public object? RootValue { get; init; }

    /// <summary>Serve GraphiQL on a browser GET of the endpoint. Default true.</summary>
    public bool EnableGraphiQL { get; init; } = true;

    /// <summary>Accept queries over HTTP GET. Default true (mutations over GET are always refused with 405).</summary>
    public bool AllowGetRequests { get; init; } = true;

    /// <summary>Parser limits (tokens, nesting, length); null uses the parser's defaults.</summary>
    public ParserOptions? Parser { get; init; }

    /// <summary>GraphQL over WebSocket (<c>graphql-transport-ws</c>) on the endpoint: timeouts, keep-alive, buffers.</summary>
    public GraphQLWebSocketOptions WebSockets { get; init; } = new();

    /// <summary>GraphQL over Server-Sent Events (graphql-sse, distinct connections) on the endpoint.</summary>
    public GraphQLSseOptions Sse { get; init; } = new();
}

/// <summary>How documents may be supplied.</summary>
public enum TrustedDocumentsMode
{
    /// <summary>Arbitrary documents; a <c>documentId</c> is resolved from the store when one is configured.</summary>
    Off,

    /// <summary>Both: trusted ids are resolved from the store and arbitrary documents are still accepted.</summary>
    Allow,

    /// <summary>Only trusted ids are accepted; arbitrary query text fails with <c>PERSISTED_QUERY_REQUIRED</c>.</summary>
    Strict,
}

/// <summary>
/// Safety limits checked after validation and before execution. Violations are request errors with code
/// <c>LIMIT_EXCEEDED</c> (or <c>INTROSPECTION_DISABLED</c>). Defaults: depth 15, aliases 30, fields 1 000,
/// cost 10 000, default list size 10, introspection on, request body 1 MiB. A limit of 0 or less disables that check.
/// </summary>
/// <remarks>
/// Cost follows the IBM GraphQL Cost Directive spec: <c>@cost(weight: String!)</c> on fields, types and arguments and
/// <c>@listSize(assumedSize, slicingArguments, sizedFields, requireOneSlicingArgument)</c> on list fields
/// (declare them with <see cref="CostDirectives.Sdl"/>). A field costs its <c>@cost</c> weight (once) plus the
/// weights of supplied arguments with <c>@cost</c>, plus list size × (item type weight + cost of the sub-selection);
/// the item type weight is the type's <c>@cost</c> or 1 for object, interface and union types and 0 for leaves.
/// The list size is the largest supplied slicing argument, else <c>assumedSize</c>, else <see cref="DefaultListSize"/>.
/// Introspection fields (<c>__schema</c>, <c>__type</c>, <c>__typename</c>) cost nothing.
/// </remarks>
public sealed record GraphQLLimits
{
    /// <summary>Limits that check nothing (introspection allowed, any size): for tools and tests.</summary>
    public static GraphQLLimits None { get; } = new()
    {
        MaxDepth = 0,
        MaxAliases = 0,
        MaxFields = 0,
        MaxCost = 0,
        MaxRequestBodySize = 0,
    };

    /// <summary>Maximum field nesting depth of an operation (fragments expanded). Default 15.</summary>
    public int MaxDepth { get; init; } = 15;

    /// <summary>Maximum number of aliased fields in an operation (fragments expanded). Default 30.</summary>
    public int MaxAliases { get; init; } = 30;

    /// <summary>Maximum number of field selections in an operation (fragments expanded). Default 1 000.</summary>
    public int MaxFields { get; init; } = 1_000;

    /// <summary>Maximum computed cost of an operation. Default 10 000.</summary>
    public double MaxCost { get; init; } = 10_000;

    /// <summary>List size assumed for list fields with no slicing argument and no <c>assumedSize</c>. Default 10.</summary>
    public int DefaultListSize { get; init; } = 10;

    /// <summary>Allow <c>__schema</c>/<c>__type</c>; when false they fail with <c>INTROSPECTION_DISABLED</c>. Default true.</summary>
    public bool IntrospectionEnabled { get; init; } = true;

    /// <summary>Maximum HTTP request body size in bytes (also the longest GET query string). Default 1 MiB.</summary>
    public long MaxRequestBodySize { get; init; } = 1024 * 1024;
}

/// <summary>The cost-analysis directive definitions to add to a schema's SDL.</summary>
public static class CostDirectives
{
    /// <summary>SDL declaring <c>@cost</c> and <c>@listSize</c> as in the IBM GraphQL Cost Directive spec.</summary>
    public const string Sdl = """
        directive @cost(weight: String!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR

        directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION

        """;
}
