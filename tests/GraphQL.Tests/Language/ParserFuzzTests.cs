using System.Text;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Tests.TestSupport;
using CrowNest.GraphQL.Types;
using CrowNest.GraphQL.Validation;

namespace CrowNest.GraphQL.Tests.Language;

/// <summary>
/// Feeds 100,000 generated and mutated documents (deterministic seed) to the parser and validator: only
/// <see cref="GraphQLSyntaxException"/> may come out of the parser, the work (tokens lexed) is bounded by the input length,
/// every document that parses prints to a fixed point (print → parse → print is stable), and every parsed document
/// validates against a schema built from SDL without throwing, producing only validation errors, with bounded work.
/// </summary>
public sealed class ParserFuzzTests
{
    private const int Documents = 100_000;
    private const int Seed = 20_261_122;

    // Validation work units per parser token: the validator visits each node a bounded number of times per rule.
    private const int ValidationWorkPerToken = 50;

    // Uses the names the generator emits so that many documents are (nearly) valid and reach the deeper rules.
    private const string FuzzSchema = """
        interface Node { id: ID! }
        type Query {
          a: String
          b(a: Int, b: String, id: ID, name: String, on: Boolean, query: [Int!]): Int
          id: ID
          name(a: String = "x"): String
          node(id: ID): Node
          user(id: ID, a: [Int!], b: In, name: Color): User
          friends(first: Int): [User]
          on: Foo
          query: Bar
          type: Z
          Z: Color
        }
        type User implements Node { id: ID! name: String friends(first: Int = 10): [User!]! a: Foo b: Bar node: Node }
        type Foo implements Node { id: ID! a: Int b(a: In, b: [[String]]): String friends: [Foo] }
        union Bar = User | Foo
        input In { a: Int b: String id: ID! c: In, on: [Color] }
        input OneOf @oneOf { a: Int b: String }
        enum Color { RED GREEN BLUE }
        scalar Z
        type Mutation { a(x: In, o: OneOf): String user: User }
        type Subscription { a: String user: User }
        directive @a(a: Int, b: String) repeatable on FIELD | QUERY | FRAGMENT_SPREAD | INLINE_FRAGMENT | VARIABLE_DEFINITION
        directive @b(if: Boolean!) on FIELD | FRAGMENT_SPREAD | FRAGMENT_DEFINITION | MUTATION | SUBSCRIPTION
        """;

    [Fact]
    public void ParserOnlyThrowsSyntaxErrorsAndDoesLinearWork()
    {
        var failures = new StringBuilder();
        var parsed = 0;
        var failed = 0;
        var i = 0;
        foreach (var source in Corpus())
        {
            i++;
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
                failures.Append($"#{i} threw {Describe(e)}: {Escape(source)}\n");
            }

            if (failures.Length > 4000)
            {
                break;
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());

        // The generator must exercise both outcomes substantially, or the test proves little.
        Assert.True(parsed > Documents / 5, $"only {parsed} documents parsed");
        Assert.True(failed > Documents / 5, $"only {failed} documents failed");
    }

    [Fact]
    public void ValidatorOnlyReportsValidationErrorsAndDoesBoundedWork()
    {
        var schema = new SchemaBuilder().AddTypeDefinitions(FuzzSchema).UseDefaultResolvers().Build();
        var failures = new StringBuilder();
        var validated = 0;
        var valid = 0;
        var i = 0;
        foreach (var source in Corpus())
        {
            i++;
            if (!Parser.TryParse(source, out var document, out _, out var statistics))
            {
                continue;
            }

            validated++;
            try
            {
                var result = DocumentValidator.Run(schema, document!);
                if (result.IsValid)
                {
                    valid++;
                }

                foreach (var error in result.Errors)
                {
                    if (error.Code != ErrorCodes.ValidationFailed || error.Message.Length == 0)
                    {
                        failures.Append($"#{i} validation error with code {error.Code}: {error.Message}: {Escape(source)}\n");
                    }
                }

                if (result.WorkUnits > ValidationWorkPerToken * (statistics.TokenCount + 1L))
                {
                    failures.Append($"#{i} validation work {result.WorkUnits} for {statistics.TokenCount} tokens: {Escape(source)}\n");
                }
            }
            catch (Exception e)
            {
                failures.Append($"#{i} threw {Describe(e)}: {Escape(Printer.Print(document!))}\n");
            }

            if (failures.Length > 6000)
            {
                break;
            }
        }


        Assert.True(failures.Length == 0, failures.ToString());
        Assert.True(validated > Documents / 5, $"only {validated} documents validated");
        // Random documents rarely satisfy every rule; this only guards against a schema or generator change that makes
        // none valid (the seed yields about 50).
        Assert.True(valid >= 25, $"only {valid} documents passed validation");
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

    private static IEnumerable<string> Corpus()
    {
        var seeds = new[] { TestFiles.Read("TestData/kitchen-sink.graphql"), TestFiles.Read("TestData/schema-kitchen-sink.graphql") };
        var generator = new DocumentGenerator(Seed, seeds);
        for (var i = 0; i < Documents; i++)
        {
            yield return generator.Next();
        }
    }

    private static string Describe(Exception e) =>
        $"{e.GetType().Name}: {e.Message} at {string.Join(" < ", (e.StackTrace ?? string.Empty).Split('\n').Take(4).Select(l => l.Trim()))}";

    private static string Escape(string source)
    {
        var text = source.Length > 300 ? source[..300] + "..." : source;
        return System.Text.Json.JsonSerializer.Serialize(text);
    }
}
