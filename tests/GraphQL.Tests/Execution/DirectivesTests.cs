using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Port of graphql-js <c>src/execution/__tests__/directives-test.ts</c>.</summary>
public sealed class DirectivesTests
{
    private static readonly Schema TestSchema = BuildSchema("type TestType { a: String b: String } schema { query: TestType }");

    private static readonly Dictionary<string, object?> Data = new() { ["a"] = "a", ["b"] = "b" };

    private static void Check(string query, string expectedData, string? variables = null) =>
        AssertJson($$"""{ "data": {{expectedData}} }""", Execute(TestSchema, query, Data, variables is null ? null : Vars(variables)));

    private const string AB = """{ "a": "a", "b": "b" }""";
    private const string A = """{ "a": "a" }""";

    [Fact]
    public void BasicQueryWorks() => Check("{ a, b }", AB);

    [Fact]
    public void WorksOnScalars()
    {
        Check("{ a, b @include(if: true) }", AB);
        Check("{ a, b @include(if: false) }", A);
        Check("{ a, b @skip(if: false) }", AB);
        Check("{ a, b @skip(if: true) }", A);
    }

    [Fact]
    public void WorksOnFragmentSpreads()
    {
        Check("{ a ...Frag @include(if: false) } fragment Frag on TestType { b }", A);
        Check("{ a ...Frag @include(if: true) } fragment Frag on TestType { b }", AB);
        Check("{ a ...Frag @skip(if: false) } fragment Frag on TestType { b }", AB);
        Check("{ a ...Frag @skip(if: true) } fragment Frag on TestType { b }", A);
    }

    [Fact]
    public void WorksOnInlineFragments()
    {
        Check("{ a ... on TestType @include(if: false) { b } }", A);
        Check("{ a ... on TestType @include(if: true) { b } }", AB);
        Check("{ a ... on TestType @skip(if: false) { b } }", AB);
        Check("{ a ... on TestType @skip(if: true) { b } }", A);
    }

    [Fact]
    public void WorksOnAnonymousInlineFragments()
    {
        Check("{ a ... @include(if: false) { b } }", A);
        Check("{ a ... @include(if: true) { b } }", AB);
        Check("{ a ... @skip(if: false) { b } }", AB);
        Check("{ a ... @skip(if: true) { b } }", A);
    }

    [Fact]
    public void WorksWithSkipAndIncludeDirectives()
    {
        Check("{ a, b @include(if: true) @skip(if: false) }", AB);
        Check("{ a, b @include(if: true) @skip(if: true) }", A);
        Check("{ a, b @include(if: false) @skip(if: false) }", A);
    }

    [Fact]
    public void EvaluatesDirectivesAgainstCoercedVariables()
    {
        const string Query = "query ($skip: Boolean!, $include: Boolean = true) { a b @skip(if: $skip) @include(if: $include) }";
        Check(Query, A, """{ "skip": true }""");
        Check(Query, AB, """{ "skip": false }""");
        Check(Query, A, """{ "skip": false, "include": false }""");
    }

    [Fact]
    public void MergesASkippedAndAnIncludedSelectionOfTheSameKey() =>
        Check("{ a b @skip(if: true) ... { b } }", AB);
}
