using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Execution;

/// <summary>Resolves one field. Most resolvers complete synchronously; <see cref="ValueTask{TResult}"/> keeps them allocation-free.</summary>
public delegate ValueTask<object?> FieldResolver(IResolverContext context);

/// <summary>Everything a resolver may look at.</summary>
public interface IResolverContext
{
    /// <summary>The parent object's runtime value (the root value for root fields).</summary>
    object? Parent { get; }

    /// <summary>The field being resolved.</summary>
    OutputField Field { get; }

    /// <summary>The object type the field is resolved on.</summary>
    ObjectType ParentType { get; }

    /// <summary>The (merged) field nodes for this response key.</summary>
    IReadOnlyList<FieldNode> FieldNodes { get; }

    /// <summary>Coerced argument values (absent arguments without default are absent from the map).</summary>
    IReadOnlyDictionary<string, object?> Arguments { get; }

    /// <summary>The response path of this field.</summary>
    ResponsePath Path { get; }

    /// <summary>The schema.</summary>
    Schema Schema { get; }

    /// <summary>The operation being executed.</summary>
    OperationDefinitionNode Operation { get; }

    /// <summary>Coerced variable values.</summary>
    IReadOnlyDictionary<string, object?> Variables { get; }

    /// <summary>Request services.</summary>
    IServiceProvider Services { get; }

    /// <summary>Per-request state shared by all resolvers (e.g. the authenticated principal).</summary>
    IDictionary<string, object?> ContextData { get; }

    /// <summary>Cancelled when the request is aborted or the execution timeout elapses.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>Returns a coerced argument converted to <typeparamref name="T"/>.</summary>
    T Argument<T>(string name);
}

/// <summary>An immutable response path (linked list from leaf to root).</summary>
public sealed class ResponsePath
{
    private ResponsePath(ResponsePath? parent, object key)
    {
        Parent = parent;
        Key = key;
    }

    /// <summary>The enclosing path, null at the root.</summary>
    public ResponsePath? Parent { get; }

    /// <summary>A response key (<see cref="string"/>) or list index (<see cref="int"/>).</summary>
    public object Key { get; }

    /// <summary>Starts a path at a root response key.</summary>
    public static ResponsePath Root(string key) => new(null, key);

    /// <summary>Appends a response key.</summary>
    public ResponsePath Append(string key) => new(this, key);

    /// <summary>Appends a list index.</summary>
    public ResponsePath Append(int index) => new(this, index);

    /// <summary>The path from the root as a list of keys and indexes.</summary>
    public IReadOnlyList<object> ToList()
    {
        var depth = 0;
        for (var p = this; p is not null; p = p.Parent)
        {
            depth++;
        }

        var items = new object[depth];
        for (var p = this; p is not null; p = p.Parent)
        {
            items[--depth] = p.Key;
        }

        return items;
    }
}

/// <summary>
/// The result of executing a request. <see cref="Data"/> enumerates in response order; nested objects are
/// <see cref="IReadOnlyDictionary{TKey,TValue}"/> (also in response order), lists are <see cref="IReadOnlyList{T}"/>,
/// leaves are <see cref="string"/>, <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="decimal"/>, <see cref="System.Text.Json.JsonElement"/> or null.
/// </summary>
public sealed record ExecutionResult
{
    private readonly IReadOnlyDictionary<string, object?>? _data;

    /// <summary>The data entry; null when execution failed before or during the root (check <see cref="HasData"/>).</summary>
    public IReadOnlyDictionary<string, object?>? Data
    {
        get => _data ?? PreparedData?.Materialize();
        init => _data = value;
    }

    /// <summary>
    /// The data already written as JSON by the executor (transport requests over plain data); <see cref="Data"/> is then
    /// built on first read.
    /// </summary>
    internal PreparedData? PreparedData { get; init; }

    /// <summary>True when the response has a <c>data</c> entry (possibly null): execution started.</summary>
    public bool HasData { get; init; }

    /// <summary>Errors, null when there are none.</summary>
    public IReadOnlyList<GraphQLError>? Errors { get; init; }

    /// <summary>Response extensions, null when there are none.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    /// <summary>A request error result (no data entry).</summary>
    public static ExecutionResult FromErrors(IReadOnlyList<GraphQLError> errors) => new() { Errors = errors };
}
