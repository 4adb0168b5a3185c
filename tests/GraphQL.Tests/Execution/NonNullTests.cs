using System.Text.RegularExpressions;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Port of graphql-js <c>src/execution/__tests__/nonnull-test.ts</c>.</summary>
public sealed partial class NonNullTests
{
    private const string Sdl = """
        type DataType {
          sync: String
          syncNonNull: String!
          promise: String
          promiseNonNull: String!
          syncNest: DataType
          syncNonNullNest: DataType!
          promiseNest: DataType
          promiseNonNullNest: DataType!
        }

        schema {
          query: DataType
        }
        """;

    private static readonly Schema TestSchema = BuildSchema(Sdl, b =>
    {
        b.AddResolver("DataType.sync", ctx => Leaf(ctx, "sync"));
        b.AddResolver("DataType.syncNonNull", ctx => Leaf(ctx, "syncNonNull"));
        b.AddResolver("DataType.promise", ctx => LeafAsync(ctx, "promise"));
        b.AddResolver("DataType.promiseNonNull", ctx => LeafAsync(ctx, "promiseNonNull"));
        b.AddResolver("DataType.syncNest", ctx => new ValueTask<object?>(ctx.Parent));
        b.AddResolver("DataType.syncNonNullNest", ctx => new ValueTask<object?>(ctx.Parent));
        b.AddResolver("DataType.promiseNest", NestAsync);
        b.AddResolver("DataType.promiseNonNullNest", NestAsync);
    });

    public enum Mode
    {
        Throwing,
        Nulling,
    }

    private static ValueTask<object?> Leaf(IResolverContext context, string message) =>
        (Mode)context.Parent! == Mode.Throwing ? throw new GraphQLException(message) : new ValueTask<object?>((object?)null);

    private static async ValueTask<object?> LeafAsync(IResolverContext context, string message)
    {
        await Task.Yield();
        return (Mode)context.Parent! == Mode.Throwing ? throw new GraphQLException(message) : null;
    }

    private static async ValueTask<object?> NestAsync(IResolverContext context)
    {
        await Task.Yield();
        return context.Parent;
    }

    /// <summary>Indents a query the way the graphql-js template literals are indented (so locations match).</summary>
    private static string Js(string query) => string.Join("\n", query.Split('\n').Select(line => line.Length == 0 ? line : "    " + line));

    [GeneratedRegex(@"\bsync\b")]
    private static partial Regex SyncWord();

    [GeneratedRegex(@"\bsyncNonNull\b")]
    private static partial Regex SyncNonNullWord();

    private static string Patch(string text) => SyncNonNullWord().Replace(SyncWord().Replace(text, "promise"), "promiseNonNull");

    /// <summary>graphql-js <c>executeSyncAndAsync</c>: the promise variant must equal the patched sync result.</summary>
    private static void AssertSyncAndAsync(string query, Mode mode, string expected)
    {
        query = Js(query);
        AssertJson(expected, Execute(TestSchema, query, mode));
        AssertJson(Patch(expected), Execute(TestSchema, Patch(query), mode));
    }

    [Fact]
    public void NullsANullableFieldThatReturnsNull() =>
        AssertSyncAndAsync("""

              {
                sync
              }
            """, Mode.Nulling, """{ "data": { "sync": null } }""");

    [Fact]
    public void NullsANullableFieldThatThrows() =>
        AssertSyncAndAsync("""

              {
                sync
              }
            """, Mode.Throwing, """
            { "data": { "sync": null },
              "errors": [ { "message": "sync", "path": ["sync"], "locations": [ { "line": 3, "column": 9 } ] } ] }
            """);

    [Fact]
    public void NullsAReturnedObjectThatContainsANonNullableFieldThatReturnsNull() =>
        AssertSyncAndAsync("""

              {
                syncNest {
                  syncNonNull,
                }
              }
            """, Mode.Nulling, """
            { "data": { "syncNest": null },
              "errors": [ { "message": "Cannot return null for non-nullable field DataType.syncNonNull.",
                            "path": ["syncNest", "syncNonNull"], "locations": [ { "line": 4, "column": 11 } ] } ] }
            """);

    [Fact]
    public void NullsAReturnedObjectThatContainsANonNullableFieldThatThrows() =>
        AssertSyncAndAsync("""

              {
                syncNest {
                  syncNonNull,
                }
              }
            """, Mode.Throwing, """
            { "data": { "syncNest": null },
              "errors": [ { "message": "syncNonNull", "path": ["syncNest", "syncNonNull"], "locations": [ { "line": 4, "column": 11 } ] } ] }
            """);

    private const string ComplexTreeQuery = """

          {
            syncNest {
              sync
              promise
              syncNest { sync promise }
              promiseNest { sync promise }
            }
            promiseNest {
              sync
              promise
              syncNest { sync promise }
              promiseNest { sync promise }
            }
          }
        """;

    private const string ComplexTreeData = """
        {
          "syncNest": { "sync": null, "promise": null, "syncNest": { "sync": null, "promise": null }, "promiseNest": { "sync": null, "promise": null } },
          "promiseNest": { "sync": null, "promise": null, "syncNest": { "sync": null, "promise": null }, "promiseNest": { "sync": null, "promise": null } }
        }
        """;

    [Fact]
    public void NullsAComplexTreeOfNullableFieldsThatReturnNull() =>
        AssertJson($$"""{ "data": {{ComplexTreeData}} }""", Execute(TestSchema, Js(ComplexTreeQuery), Mode.Nulling));

    [Fact]
    public void NullsAComplexTreeOfNullableFieldsThatThrow() =>
        AssertJson($$"""
            { "data": {{ComplexTreeData}},
              "errors": [
                { "message": "sync", "path": ["syncNest", "sync"], "locations": [ { "line": 4, "column": 11 } ] },
                { "message": "sync", "path": ["syncNest", "syncNest", "sync"], "locations": [ { "line": 6, "column": 22 } ] },
                { "message": "promise", "path": ["syncNest", "promise"], "locations": [ { "line": 5, "column": 11 } ] },
                { "message": "promise", "path": ["syncNest", "syncNest", "promise"], "locations": [ { "line": 6, "column": 27 } ] },
                { "message": "sync", "path": ["syncNest", "promiseNest", "sync"], "locations": [ { "line": 7, "column": 25 } ] },
                { "message": "sync", "path": ["promiseNest", "sync"], "locations": [ { "line": 10, "column": 11 } ] },
                { "message": "sync", "path": ["promiseNest", "syncNest", "sync"], "locations": [ { "line": 12, "column": 22 } ] },
                { "message": "promise", "path": ["syncNest", "promiseNest", "promise"], "locations": [ { "line": 7, "column": 30 } ] },
                { "message": "promise", "path": ["promiseNest", "promise"], "locations": [ { "line": 11, "column": 11 } ] },
                { "message": "promise", "path": ["promiseNest", "syncNest", "promise"], "locations": [ { "line": 12, "column": 27 } ] },
                { "message": "sync", "path": ["promiseNest", "promiseNest", "sync"], "locations": [ { "line": 13, "column": 25 } ] },
                { "message": "promise", "path": ["promiseNest", "promiseNest", "promise"], "locations": [ { "line": 13, "column": 30 } ] }
              ] }
            """, Execute(TestSchema, Js(ComplexTreeQuery), Mode.Throwing), unorderedErrors: true);

    private const string LongChainQuery = """

          {
            syncNest {
              syncNonNullNest {
                promiseNonNullNest {
                  syncNonNullNest {
                    promiseNonNullNest {
                      syncNonNull
                    }
                  }
                }
              }
            }
            promiseNest {
              syncNonNullNest {
                promiseNonNullNest {
                  syncNonNullNest {
                    promiseNonNullNest {
                      syncNonNull
                    }
                  }
                }
              }
            }
            anotherNest: syncNest {
              syncNonNullNest {
                promiseNonNullNest {
                  syncNonNullNest {
                    promiseNonNullNest {
                      promiseNonNull
                    }
                  }
                }
              }
            }
            anotherPromiseNest: promiseNest {
              syncNonNullNest {
                promiseNonNullNest {
                  syncNonNullNest {
                    promiseNonNullNest {
                      promiseNonNull
                    }
                  }
                }
              }
            }
          }
        """;

    [Theory]
    [InlineData(Mode.Nulling)]
    [InlineData(Mode.Throwing)]
    public void NullsTheFirstNullableObjectAfterAFieldInALongChainOfNonNullFields(Mode mode)
    {
        string Message(string field) => mode == Mode.Nulling ? $"Cannot return null for non-nullable field DataType.{field}." : field;
        const string Chain = "\"syncNonNullNest\", \"promiseNonNullNest\", \"syncNonNullNest\", \"promiseNonNullNest\"";
        AssertJson($$"""
            { "data": { "syncNest": null, "promiseNest": null, "anotherNest": null, "anotherPromiseNest": null },
              "errors": [
                { "message": "{{Message("syncNonNull")}}", "path": ["syncNest", {{Chain}}, "syncNonNull"], "locations": [ { "line": 8, "column": 19 } ] },
                { "message": "{{Message("syncNonNull")}}", "path": ["promiseNest", {{Chain}}, "syncNonNull"], "locations": [ { "line": 19, "column": 19 } ] },
                { "message": "{{Message("promiseNonNull")}}", "path": ["anotherNest", {{Chain}}, "promiseNonNull"], "locations": [ { "line": 30, "column": 19 } ] },
                { "message": "{{Message("promiseNonNull")}}", "path": ["anotherPromiseNest", {{Chain}}, "promiseNonNull"], "locations": [ { "line": 41, "column": 19 } ] }
              ] }
            """, Execute(TestSchema, Js(LongChainQuery), mode), unorderedErrors: true);
    }

    [Fact]
    public void NullsTheTopLevelIfNonNullableFieldReturnsNull() =>
        AssertSyncAndAsync("""

              {
                syncNonNull
              }
            """, Mode.Nulling, """
            { "data": null,
              "errors": [ { "message": "Cannot return null for non-nullable field DataType.syncNonNull.", "path": ["syncNonNull"], "locations": [ { "line": 3, "column": 9 } ] } ] }
            """);

    [Fact]
    public void NullsTheTopLevelIfNonNullableFieldThrows() =>
        AssertSyncAndAsync("""

              {
                syncNonNull
              }
            """, Mode.Throwing, """
            { "data": null,
              "errors": [ { "message": "syncNonNull", "path": ["syncNonNull"], "locations": [ { "line": 3, "column": 9 } ] } ] }
            """);

    private static readonly Schema NonNullArgSchema = BuildSchema(
        "type Query { withNonNullArg(cannotBeNull: String!): String }",
        b => b.AddResolver("Query.withNonNullArg", ctx => "Passed: " + (ctx.Arguments.TryGetValue("cannotBeNull", out var v) ? v ?? "null" : "undefined")));

    [Fact]
    public void NonNullArgumentSucceedsWithLiteral() =>
        AssertJson("""{ "data": { "withNonNullArg": "Passed: literal value" } }""",
            Execute(NonNullArgSchema, """query { withNonNullArg (cannotBeNull: "literal value") }"""));

    [Fact]
    public void NonNullArgumentSucceedsWithVariable() =>
        AssertJson("""{ "data": { "withNonNullArg": "Passed: variable value" } }""",
            Execute(NonNullArgSchema, "query ($testVar: String!) { withNonNullArg (cannotBeNull: $testVar) }", variables: Vars("""{ "testVar": "variable value" }""")));

    [Fact]
    public void NonNullArgumentSucceedsWhenMissingVariableHasDefault() =>
        AssertJson("""{ "data": { "withNonNullArg": "Passed: default value" } }""",
            Execute(NonNullArgSchema, """query ($testVar: String = "default value") { withNonNullArg (cannotBeNull: $testVar) }""", variables: Vars("{}")));

    [Fact]
    public void FieldErrorWhenMissingNonNullArgument() =>
        AssertJson("""
            { "data": { "withNonNullArg": null },
              "errors": [ { "message": "Argument \"cannotBeNull\" of required type \"String!\" was not provided.",
                            "locations": [ { "line": 3, "column": 3 } ], "path": ["withNonNullArg"] } ] }
            """, Execute(NonNullArgSchema, "query {\n\n  withNonNullArg\n}"));

    [Fact]
    public void FieldErrorWhenNonNullArgumentProvidedNull() =>
        AssertJson("""
            { "data": { "withNonNullArg": null },
              "errors": [ { "message": "Argument \"cannotBeNull\" of non-null type \"String!\" must not be null.",
                            "locations": [ { "line": 1, "column": 38 } ], "path": ["withNonNullArg"] } ] }
            """, Execute(NonNullArgSchema, "query { withNonNullArg(cannotBeNull: null) }"));

    [Fact]
    public void FieldErrorWhenNonNullArgumentNotProvidedVariableValue() =>
        AssertJson("""
            { "data": { "withNonNullArg": null },
              "errors": [ { "message": "Argument \"cannotBeNull\" of required type \"String!\" was provided the variable \"$testVar\" which was not provided a runtime value.",
                            "locations": [ { "line": 1, "column": 57 } ], "path": ["withNonNullArg"] } ] }
            """, Execute(NonNullArgSchema, "query ($testVar: String) { withNonNullArg(cannotBeNull: $testVar) }", variables: Vars("{}")));

    [Fact]
    public void FieldErrorWhenNonNullArgumentProvidedVariableWithExplicitNull() =>
        AssertJson("""
            { "data": { "withNonNullArg": null },
              "errors": [ { "message": "Argument \"cannotBeNull\" of non-null type \"String!\" must not be null.",
                            "locations": [ { "line": 1, "column": 63 } ], "path": ["withNonNullArg"] } ] }
            """, Execute(NonNullArgSchema, "query ($testVar: String = \"x\") { withNonNullArg(cannotBeNull: $testVar) }", variables: Vars("""{ "testVar": null }""")));
}
