using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Transport;
using CrowNest.GraphQL.Types;

namespace CrowNest.Benchmarks;

/// <summary>
/// What the HTTP benchmark (<c>bench/graphql-http</c>) asks of the engine per request, minus Kestrel: the same schema, JSON
/// data (default resolvers over dictionaries, as the conformance CLI serves it) and query, through
/// <see cref="RequestExecutor"/> (document cache hit) and <see cref="ResultWriter"/> into a reused buffer.
/// </summary>
[MemoryDiagnoser]
public class HttpPipelineBenchmarks
{
    private readonly RequestExecutor _executor;
    private readonly GraphQLRequest _request = new() { Query = Fixture.BooksQuery };
    private readonly ArrayBufferWriter<byte> _buffer = new(8192);
    private readonly ExecutionRequest _direct;
    private readonly RequestExecutor _uninterned;

    /// <summary>Builds the schema and root value the way <c>tools/GraphQLConformance --serve</c> does.</summary>
    public HttpPipelineBenchmarks()
    {
        var schema = new SchemaBuilder().AddTypeDefinitions(Documents.HttpSchema).UseDefaultResolvers().Build();
        using var data = JsonDocument.Parse(Documents.HttpData);
        var root = JsonInput.ToData(data.RootElement.Clone());
        _executor = new RequestExecutor(schema, new GraphQLOptions { RootValue = root, Limits = GraphQLLimits.None });
        _uninterned = new RequestExecutor(schema, new GraphQLOptions { RootValue = JsonInput.ToValue(data.RootElement.Clone()), Limits = GraphQLLimits.None });
        _direct = new ExecutionRequest { Schema = schema, Document = Parser.Parse(Fixture.BooksQuery), RootValue = root };
    }

    /// <summary>Checks once that the response is the expected, error-free one.</summary>
    [GlobalSetup]
    public void Check()
    {
        var result = _executor.ExecuteAsync(_request).AsTask().Result;
        var json = ResultWriter.ToJson(result);
        if (result.Errors is { Count: > 0 } || !json.StartsWith("{\"data\":{\"books\":[{\"title\":\"Book 1\",\"author\":{\"name\":\"Author 1\"}}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Benchmark query failed: " + json);
        }
    }

    /// <summary>Execute (cached document) and serialize, as one HTTP request does.</summary>
    [Benchmark]
    public int ExecuteAndWrite() => ExecuteAndWriteWith(_executor);

    /// <summary>
    /// <see cref="ExecuteAndWrite"/> over data converted with <see cref="JsonInput.ToValue"/> (property names not
    /// interned, so member reads compare characters): what <see cref="JsonInput.ToData"/> saves.
    /// </summary>
    [Benchmark]
    public int ExecuteAndWriteUninterned() => ExecuteAndWriteWith(_uninterned);

    private int ExecuteAndWriteWith(RequestExecutor executor)
    {
        var result = executor.ExecuteAsync(_request).AsTask().Result;
        _buffer.ResetWrittenCount();
        ResultWriter.Write(_buffer, result);
        return _buffer.WrittenCount;
    }

    /// <summary>
    /// The executor alone building the result tree (what <see cref="Executor.ExecuteAsync"/> callers other than the
    /// transport get): the already parsed document, no document cache, no serialization.
    /// </summary>
    [Benchmark]
    public int ExecuteTree() => Executor.ExecuteAsync(_direct).AsTask().Result.Data!.Count;

    /// <summary>Serialization alone of one books response held as a result tree.</summary>
    [Benchmark]
    public int WriteOnly()
    {
        _buffer.ResetWrittenCount();
        ResultWriter.Write(_buffer, Cached);
        return _buffer.WrittenCount;
    }

    private ExecutionResult Cached => field ??= Executor.ExecuteAsync(_direct).AsTask().Result;
}
