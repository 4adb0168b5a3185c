using System.Text;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Tests.TestSupport;

namespace CrowNest.GraphQL.Tests.Language;

/// <summary>
/// Feeds 100,000 generated and mutated documents (deterministic seed) to the parser: only <see cref="GraphQLSyntaxException"/>
/// may come out, the work (tokens lexed) is bounded by the input length, and every document that parses prints to a
/// fixed point (print → parse → print is stable).
/// </summary>
public sealed class ParserFuzzTests
{
    private const int Documents = 100_000;
    private const int Seed = 20_261_122;

    [Fact]
    public void ParserOnlyThrowsSyntaxErrorsAndDoesLinearWork()
    {
        var seeds = new[] { TestFiles.Read("TestData/kitchen-sink.graphql"), TestFiles.Read("TestData/schema-kitchen-sink.graphql") };
        var generator = new DocumentGenerator(Seed, seeds);
        var failures = new StringBuilder();
        var parsed = 0;
        var failed = 0;
        for (var i = 0; i < Documents && failures.Length < 4000; i++)
        {
            var source = generator.Next();
            try
            {
                if (Parser.TryParse(source, out var document, out var error, out var statistics))
                {
                    parsed++;
                    var printed = Printer.Print(document!);
                    var reprinted = Printer.Print(Parser.Parse(printed, ParserOptions.Unlimited));
                    if (printed != reprinted)
                    {
                        failures.Append($"#{i} print is not stable: {Escape(source)}\n");
                    }
                }
                else
                {
                    failed++;
                    if (error!.Code != ErrorCodes.SyntaxError || error.Locations is not { Count: 1 } || !error.Message.StartsWith("Syntax Error: ", StringComparison.Ordinal))
                    {
                        failures.Append($"#{i} malformed error {error.Message}: {Escape(source)}\n");
                    }
                }

                // Every token spans at least one character, plus the end-of-file token: lexing work is linear in the input.
                if (statistics.LexedTokenCount > source.Length + 1 || statistics.TokenCount > statistics.LexedTokenCount)
                {
                    failures.Append($"#{i} processed {statistics.LexedTokenCount} tokens for {source.Length} characters: {Escape(source)}\n");
                }
            }
            catch (Exception e)
            {
                failures.Append($"#{i} threw {e.GetType().Name}: {e.Message}: {Escape(source)}\n");
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());

        // The generator must exercise both outcomes substantially, or the test proves little.
        Assert.True(parsed > Documents / 5, $"only {parsed} documents parsed");
        Assert.True(failed > Documents / 5, $"only {failed} documents failed");
    }

    [Fact]
    public void PathologicalInputsFailFastWithSyntaxErrors()
    {
        string[] inputs =
        [
            new string('{', 200_000),
            "{ a(x: " + new string('[', 200_000),
            "{ a(x: " + string.Concat(Enumerable.Repeat("{a:", 100_000)),
            "query ($v: " + new string('[', 200_000) + "Int",
            "\"" + new string('a', 500_000),
            "\"\"\"" + string.Concat(Enumerable.Repeat("  \n", 200_000)),
            string.Concat(Enumerable.Repeat("# comment\n", 50_000)),
            "{" + string.Concat(Enumerable.Repeat(" a", 100_000)) + "}",
            string.Concat(Enumerable.Repeat("\\u{", 100_000)),
        ];

        foreach (var input in inputs)
        {
            var ok = Parser.TryParse(input, out _, out var error, out var statistics, ParserOptions.Default with { MaxLength = int.MaxValue });
            Assert.False(ok);
            Assert.Equal(ErrorCodes.SyntaxError, error!.Code);
            Assert.True(statistics.LexedTokenCount <= input.Length + 1);
        }
    }

    private static string Escape(string source)
    {
        var text = source.Length > 300 ? source[..300] + "..." : source;
        return System.Text.Json.JsonSerializer.Serialize(text);
    }
}
