using BenchmarkDotNet.Attributes;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Transport;
using CrowNest.GraphQL.Types;
using CrowNest.GraphQL.Validation;

namespace CrowNest.Benchmarks;

/// <summary>In-memory data for the execution benchmarks: 50 books with three fields each.</summary>
public sealed record Book(string Title, int Year, Author Author);

/// <summary>A book's author.</summary>
public sealed record Author(string Name);

/// <summary>Shared schema, documents and data.</summary>
public static class Fixture
{
    /// <summary>The selection the books benchmarks run.</summary>
    public const string BooksQuery = "{ books { title author { name } } }";

    /// <summary>The library schema with default (property/dictionary) resolvers.</summary>
    public static Schema Schema { get; } = new SchemaBuilder().AddTypeDefinitions(Documents.LibrarySchema).UseDefaultResolvers().Build();

    /// <summary>Root value holding 50 books.</summary>
    public static IReadOnlyDictionary<string, object?> Root { get; } = new Dictionary<string, object?>
    {
        ["books"] = Enumerable.Range(1, 50).Select(i => new Book("Book " + i, 1900 + i, new Author("Author " + (i % 7)))).ToArray(),
    };
}

/// <summary>Validation of the introspection query against the library schema.</summary>
[MemoryDiagnoser]
public class ValidationBenchmarks
{
    private readonly Schema _schema = Fixture.Schema;
    private readonly DocumentNode _introspection = Parser.Parse(Documents.IntrospectionQuery);

    /// <summary>All specified rules over getIntrospectionQuery.</summary>
    [Benchmark]
    public int ValidateIntrospectionQuery() => DocumentValidator.Validate(_schema, _introspection).Count;
}

/// <summary>Execution of pre-parsed, pre-validated documents. Target: full introspection ≤ 300 µs and ≤ 100 KB.</summary>
[MemoryDiagnoser]
public class ExecutionBenchmarks
{
    private readonly Schema _schema = Fixture.Schema;
    private readonly DocumentNode _introspection = Parser.Parse(Documents.IntrospectionQuery);
    private readonly DocumentNode _books = Parser.Parse(Fixture.BooksQuery);

    /// <summary>Checks once that both documents execute without errors, so the numbers measure real work.</summary>
    [GlobalSetup]
    public void Check()
    {
        foreach (var result in new[] { ExecuteIntrospection().AsTask().Result, ExecuteBooks().AsTask().Result })
        {
            if (result.Errors is { Count: > 0 } errors)
            {
                throw new InvalidOperationException("Benchmark query failed: " + errors[0].Message);
            }
        }
    }

    /// <summary>getIntrospectionQuery (all options) against the library schema.</summary>
    [Benchmark]
    public ValueTask<ExecutionResult> ExecuteIntrospection() =>
        Executor.ExecuteAsync(new ExecutionRequest { Schema = _schema, Document = _introspection });

    /// <summary><c>{ books { title author { name } } }</c> over 50 in-memory books.</summary>
    [Benchmark]
    public ValueTask<ExecutionResult> ExecuteBooks() =>
        Executor.ExecuteAsync(new ExecutionRequest { Schema = _schema, Document = _books, RootValue = Fixture.Root });
}

/// <summary>
/// The transport's <see cref="RequestExecutor"/> with its document cache: a repeated operation must do no parsing or
/// validation (checked in cleanup from the executor's counters), compared with parsing and validating every time.
/// </summary>
[MemoryDiagnoser]
public class CachedDocumentBenchmarks
{
    private readonly RequestExecutor _executor = new(Fixture.Schema, new GraphQLOptions { RootValue = Fixture.Root });
    private readonly GraphQLRequest _request = new() { Query = Fixture.BooksQuery };

    /// <summary>Primes the cache: the only parse and validation of the run.</summary>
    [GlobalSetup]
    public void Prime()
    {
        var result = _executor.ExecuteAsync(_request).AsTask().Result;
        if (result.Errors is { Count: > 0 } errors)
        {
            throw new InvalidOperationException("Benchmark query failed: " + errors[0].Message);
        }
    }

    /// <summary>Proves that the cached runs did no parse or validation work.</summary>
    [GlobalCleanup]
    public void Verify()
    {
        if (_executor.ParseCount != 1 || _executor.ValidateCount != 1)
        {
            throw new InvalidOperationException(
                $"Document cache not effective: {_executor.ParseCount} parses and {_executor.ValidateCount} validations for {_executor.ExecuteCount} executions.");
        }

        Console.WriteLine($"// CachedDocument: {_executor.ExecuteCount} executions, {_executor.ParseCount} parse, {_executor.ValidateCount} validation, {_executor.DocumentCacheHits} cache hits.");
    }

    /// <summary>Repeated request through the executor: cache hit, limits check, execution.</summary>
    [Benchmark(Baseline = true)]
    public ValueTask<ExecutionResult> CachedDocument() => _executor.ExecuteAsync(_request);

    /// <summary>The same request with parse and validation done every time (what the cache saves).</summary>
    [Benchmark]
    public async Task<ExecutionResult> ParseValidateExecute()
    {
        var document = Parser.Parse(Fixture.BooksQuery);
        var errors = DocumentValidator.Validate(Fixture.Schema, document);
        return errors.Count > 0
            ? ExecutionResult.FromErrors(errors)
            : await Executor.ExecuteAsync(new ExecutionRequest { Schema = Fixture.Schema, Document = document, RootValue = Fixture.Root });
    }
}
