using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Port of graphql-js <c>src/execution/__tests__/lists-test.ts</c>.</summary>
public sealed class ListsTests
{
    private static Schema SchemaFor(string type, object? data, bool async) =>
        BuildSchema($"type DataType {{ test: {type} nest: DataType }} type Query {{ nest: DataType }}", b =>
        {
            b.AddResolver("Query.nest", _ => "nest");
            b.AddResolver("DataType.nest", _ => "nest");
            if (async)
            {
                b.AddResolver("DataType.test", async _ =>
                {
                    await Task.Yield();
                    return data;
                });
            }
            else
            {
                b.AddResolver("DataType.test", _ => data);
            }
        });

    private static void Check(string type, object? data, string expected)
    {
        foreach (var async in new[] { false, true })
        {
            AssertJson(expected, Execute(SchemaFor(type, data, async), "{ nest { test } }"));
        }
    }

    private const string NullError = """{ "message": "Cannot return null for non-nullable field DataType.test.", "locations": [ { "line": 1, "column": 10 } ], "path": ["nest", "test"] }""";
    private const string ItemNullError = """{ "message": "Cannot return null for non-nullable field DataType.test.", "locations": [ { "line": 1, "column": 10 } ], "path": ["nest", "test", 1] }""";

    [Fact]
    public void NullableListOfNullableItems()
    {
        Check("[Int]", new[] { 1, 2 }, """{ "data": { "nest": { "test": [1, 2] } } }""");
        Check("[Int]", new int?[] { 1, null, 2 }, """{ "data": { "nest": { "test": [1, null, 2] } } }""");
        Check("[Int]", null, """{ "data": { "nest": { "test": null } } }""");
    }

    [Fact]
    public void NonNullListOfNullableItems()
    {
        Check("[Int]!", new[] { 1, 2 }, """{ "data": { "nest": { "test": [1, 2] } } }""");
        Check("[Int]!", new int?[] { 1, null, 2 }, """{ "data": { "nest": { "test": [1, null, 2] } } }""");
        Check("[Int]!", null, $$"""{ "data": { "nest": null }, "errors": [ {{NullError}} ] }""");
    }

    [Fact]
    public void NullableListOfNonNullItems()
    {
        Check("[Int!]", new[] { 1, 2 }, """{ "data": { "nest": { "test": [1, 2] } } }""");
        Check("[Int!]", new int?[] { 1, null, 2 }, $$"""{ "data": { "nest": { "test": null } }, "errors": [ {{ItemNullError}} ] }""");
        Check("[Int!]", null, """{ "data": { "nest": { "test": null } } }""");
    }

    [Fact]
    public void NonNullListOfNonNullItems()
    {
        Check("[Int!]!", new[] { 1, 2 }, """{ "data": { "nest": { "test": [1, 2] } } }""");
        Check("[Int!]!", new int?[] { 1, null, 2 }, $$"""{ "data": { "nest": null }, "errors": [ {{ItemNullError}} ] }""");
        Check("[Int!]!", null, $$"""{ "data": { "nest": null }, "errors": [ {{NullError}} ] }""");
    }

    private static IEnumerable<string?> Generator()
    {
        yield return "one";
        yield return null;
        yield return "two";
    }

    [Fact]
    public void AcceptsAnyEnumerableAsAListValue()
    {
        Check("[String]", new HashSet<string> { "apple", "banana" }, """{ "data": { "nest": { "test": ["apple", "banana"] } } }""");
        Check("[String]", Generator(), """{ "data": { "nest": { "test": ["one", null, "two"] } } }""");
        Check("[String]", new List<object?> { "a", null }, """{ "data": { "nest": { "test": ["a", null] } } }""");
    }

    [Fact]
    public void DoesNotAcceptAStringAsAList() =>
        Check("[String]", "Singular", """
            { "data": { "nest": { "test": null } },
              "errors": [ { "message": "Expected Iterable, but did not find one for field \"DataType.test\".", "locations": [ { "line": 1, "column": 10 } ], "path": ["nest", "test"] } ] }
            """);

    [Fact]
    public void NestedListsCompleteWithIndexedPaths() =>
        Check("[[Int!]]", new[] { new int?[] { 1 }, [2, null] }, """
            { "data": { "nest": { "test": [[1], null] } },
              "errors": [ { "message": "Cannot return null for non-nullable field DataType.test.", "locations": [ { "line": 1, "column": 10 } ], "path": ["nest", "test", 1, 1] } ] }
            """);

    [Fact]
    public void EnumerationErrorsBecomeFieldErrors()
    {
        static IEnumerable<int> Throwing()
        {
            yield return 1;
            throw new InvalidOperationException("broken enumerator");
        }

        Check("[Int]", Throwing(), """
            { "data": { "nest": { "test": null } },
              "errors": [ { "message": "Unexpected error.", "locations": [ { "line": 1, "column": 10 } ], "path": ["nest", "test"] } ] }
            """);
    }
}
