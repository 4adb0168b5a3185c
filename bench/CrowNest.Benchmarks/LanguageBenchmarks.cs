using BenchmarkDotNet.Attributes;
using CrowNest.GraphQL.Language;

namespace CrowNest.Benchmarks;

/// <summary>Lexing, parsing and printing. Target: kitchen-sink parse ≤ 25 µs.</summary>
[MemoryDiagnoser]
public class LanguageBenchmarks // BenchmarkDotNet derives from benchmark classes, so they cannot be sealed.
{
    private readonly DocumentNode _kitchenSink = Parser.Parse(Documents.KitchenSinkQuery);

    /// <summary>graphql-js kitchen-sink query.</summary>
    [Benchmark]
    public DocumentNode ParseKitchenSink() => Parser.Parse(Documents.KitchenSinkQuery);

    /// <summary>graphql-js getIntrospectionQuery (all options).</summary>
    [Benchmark]
    public DocumentNode ParseIntrospectionQuery() => Parser.Parse(Documents.IntrospectionQuery);

    /// <summary>Lexing alone, to separate lexer and tree-building cost.</summary>
    [Benchmark]
    public int LexKitchenSink()
    {
        var lexer = new Lexer(Documents.KitchenSinkQuery);
        while (lexer.Advance() != TokenKind.EndOfFile)
        {
        }

        return lexer.TokenCount;
    }

    /// <summary>graphql-js compatible printing of the kitchen sink.</summary>
    [Benchmark]
    public string PrintKitchenSink() => Printer.Print(_kitchenSink);
}
