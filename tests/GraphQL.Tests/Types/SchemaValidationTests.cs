using System.Text.Json;
using CrowNest.GraphQL.Tests.TestSupport;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Tests.Types;

/// <summary>
/// Every type-system rule, differential against graphql-js 16.15: <c>expected.json</c> holds the messages of
/// <c>validateSDL</c> (or, when the SDL is valid, <c>validateSchema(buildASTSchema(doc))</c>) for each SDL in <c>cases.json</c>.
/// </summary>
public sealed class SchemaValidationTests
{
    private static readonly Dictionary<string, string> Sdl =
        JsonSerializer.Deserialize<Dictionary<string, string>>(TestFiles.Read("TestData/validation/cases.json"))!;

    private static readonly Dictionary<string, string[]> Expected =
        JsonSerializer.Deserialize<Dictionary<string, string[]>>(TestFiles.Read("TestData/validation/expected.json"))!;

    public static TheoryData<string> Cases() => [.. Sdl.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reports_the_same_errors_as_graphql_js(string name)
    {
        var builder = new SchemaBuilder().AddTypeDefinitions(Sdl[name]).UseDefaultResolvers();
        var expected = Expected[name];
        if (expected.Length == 0)
        {
            Assert.NotNull(builder.Build());
            return;
        }

        var ex = Assert.Throws<SchemaException>(builder.Build);
        Assert.Equal(expected.Order(StringComparer.Ordinal), ex.Errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Reports_all_problems_of_different_kinds_at_once()
    {
        var builder = new SchemaBuilder().AddTypeDefinitions("""
            type Query { a: Foo b(x: Int = "no"): Int c: In }
            input In { x: Int }
            enum E
            extend type Missing { a: Int }
            """);

        var ex = Assert.Throws<SchemaException>(builder.Build);
        Assert.Equal(
            [
                "Argument \"Query.b(x:)\" has invalid default value: Expected value of type \"Int\", found \"no\"; Int cannot represent non-integer value: \"no\"",
                "Cannot extend type \"Missing\" because it is not defined.",
                "Enum type E must define one or more values.",
                "No resolver for field \"Query.a\".",
                "No resolver for field \"Query.b\".",
                "No resolver for field \"Query.c\".",
                "The type of Query.c must be Output Type but got: In.",
                "Unknown type \"Foo\".",
            ],
            ex.Errors.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("input In { a: Int } type Query { f(i: In = {b: 1}): Int }", "Argument \"Query.f(i:)\" has invalid default value: Field \"b\" is not defined by type \"In\". Did you mean \"a\"?")]
    [InlineData("input In { a: Int! } type Query { f(i: In = {}): Int }", "Argument \"Query.f(i:)\" has invalid default value: Field \"In.a\" of required type \"Int!\" was not provided.")]
    [InlineData("enum E { A } type Query { f(e: E = B): Int }", "Argument \"Query.f(e:)\" has invalid default value: Value \"B\" does not exist in \"E\" enum. Did you mean the enum value \"A\"?")]
    [InlineData("type Query { f(e: [Int!] = [1, null]): Int }", "Argument \"Query.f(e:)\" has invalid default value: Expected value of type \"Int!\", found null.")]
    [InlineData("input O @oneOf { a: Int b: Int } type Query { f(o: O = {a: 1, b: 2}): Int }", "Argument \"Query.f(o:)\" has invalid default value: OneOf Input Object \"O\" must specify exactly one key.")]
    [InlineData("input In { a: Float = true } type Query { f(i: In): Int }", "Input field \"In.a\" has invalid default value: Expected value of type \"Float\", found true; Float cannot represent non numeric value: true")]
    [InlineData("directive @d(a: Int = 1.5) on FIELD type Query { f: Int }", "Argument \"@d(a:)\" has invalid default value: Expected value of type \"Int\", found 1.5; Int cannot represent non-integer value: 1.5")]
    [InlineData("type Query { f: Int @deprecated(reason: 1) }", "Argument \"@deprecated(reason:)\" has invalid value: Expected value of type \"String\", found 1; String cannot represent a non string value: 1")]
    public void Default_and_directive_values_must_be_valid(string sdl, string error)
    {
        var ex = Assert.Throws<SchemaException>(new SchemaBuilder().AddTypeDefinitions(sdl).UseDefaultResolvers().Build);
        Assert.Equal([error], ex.Errors);
    }
}
