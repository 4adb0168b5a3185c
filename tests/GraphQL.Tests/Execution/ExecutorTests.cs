using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Port of the important cases of graphql-js <c>src/execution/__tests__/executor-test.ts</c>.</summary>
public sealed class ExecutorTests
{
    [Fact]
    public async Task ExecutesArbitraryCodeWithSyncAndAsyncResolversAndFragments()
    {
        var schema = BuildSchema("""
            type DataType {
              a: String
              b: String
              c: String
              d: String
              e: String
              f: String
              pic(size: Int): String
              deep: DeepDataType
              promise: DataType
            }

            type DeepDataType {
              a: String
              b: String
              c: [String]
              deeper: [DataType]
            }

            type Query { data: DataType }
            """, b =>
        {
            b.AddResolver("Query.data", _ => "root");
            b.AddResolver("DataType.a", _ => "Apple");
            b.AddResolver("DataType.b", _ => "Banana");
            b.AddResolver("DataType.c", _ => "Cookie");
            b.AddResolver("DataType.d", _ => "Donut");
            b.AddResolver("DataType.e", _ => "Egg");
            b.AddResolver("DataType.f", async _ =>
            {
                await Task.Yield();
                return "Fish";
            });
            b.AddResolver("DataType.pic", ctx => "Pic of size: " + ctx.Argument<int>("size"));
            b.AddResolver("DataType.deep", _ => "deep");
            b.AddResolver("DataType.promise", async _ =>
            {
                await Task.Delay(1);
                return "root";
            });
            b.AddResolver("DeepDataType.a", _ => "Already Been Done");
            b.AddResolver("DeepDataType.b", _ => "Boring");
            b.AddResolver("DeepDataType.c", _ => new[] { "Contrived", null, "Confusing" });
            b.AddResolver("DeepDataType.deeper", _ => new[] { "root", null, "root" });
        });

        const string Query = """
            query ($size: Int) {
              data {
                a,
                b,
                x: c
                ...c
                f
                ...on DataType {
                  pic(size: $size)
                  promise {
                    a
                  }
                }
                deep {
                  a
                  b
                  c
                  deeper {
                    a
                    b
                  }
                }
              }
            }

            fragment c on DataType {
              d
              e
            }
            """;

        var result = await ExecuteAsync(schema, Query, variables: Vars("""{ "size": 100 }"""));
        AssertJson("""
            { "data": { "data": {
                "a": "Apple", "b": "Banana", "x": "Cookie", "d": "Donut", "e": "Egg", "f": "Fish",
                "pic": "Pic of size: 100", "promise": { "a": "Apple" },
                "deep": { "a": "Already Been Done", "b": "Boring", "c": ["Contrived", null, "Confusing"],
                          "deeper": [ { "a": "Apple", "b": "Banana" }, null, { "a": "Apple", "b": "Banana" } ] } } } }
            """, result);
    }

    [Fact]
    public void MergesParallelFragments()
    {
        var schema = BuildSchema("type Type { a: String b: String c: String deep: Type } type Query { x: Type }", b =>
        {
            b.AddResolver("Query.x", _ => "o");
            b.AddResolver("Type.a", _ => "Apple");
            b.AddResolver("Type.b", _ => "Banana");
            b.AddResolver("Type.c", _ => "Cherry");
            b.AddResolver("Type.deep", _ => "o");
        });

        var result = Execute(schema, """
            { x { a, ...FragOne, ...FragTwo } }

            fragment FragOne on Type {
              b
              deep { b, deeper: deep { b } }
            }

            fragment FragTwo on Type {
              c
              deep { c, deeper: deep { c } }
            }
            """);
        AssertJson("""
            { "data": { "x": { "a": "Apple", "b": "Banana", "c": "Cherry",
                "deep": { "b": "Banana", "c": "Cherry", "deeper": { "b": "Banana", "c": "Cherry" } } } } }
            """, result);
    }

    [Fact]
    public void ProvidesInfoAboutCurrentExecutionState()
    {
        IResolverContext? seen = null;
        object? seenParent = null;
        string? seenPath = null;
        var schema = BuildSchema("type Test { test: String } schema { query: Test }", b => b.AddResolver("Test.test", ctx =>
        {
            seen = ctx;
            seenParent = ctx.Parent;
            seenPath = string.Join("/", ctx.Path.ToList());
            Assert.Equal("test", ctx.Field.Name);
            Assert.Equal("Test", ctx.ParentType.Name);
            Assert.Equal("result", Assert.Single(ctx.FieldNodes).Alias!.Value);
            Assert.Equal(OperationType.Query, ctx.Operation.Operation);
            Assert.Equal("Test", ctx.Schema.QueryType.Name);
            Assert.Equal("abc", ctx.Variables["var"]);
            return null;
        }));

        var root = new object();
        var result = Execute(schema, "query ($var: String) { result: test }", root, Vars("""{ "var": "abc" }"""));
        Assert.Null(result.Errors);
        Assert.NotNull(seen);
        Assert.Same(root, seenParent);
        Assert.Equal("result", seenPath);
    }

    [Fact]
    public void PopulatesPathCorrectlyWithComplexTypes()
    {
        var paths = new List<string>();
        var schema = BuildSchema("""
            type SomeObject { l1: SomeObject l2: [SomeObject] }
            type Query { l1: SomeObject }
            """, b =>
        {
            b.AddResolver("Query.l1", ctx =>
            {
                lock (paths)
                {
                    paths.Add(string.Join(".", ctx.Path.ToList()));
                }

                return "o";
            });
            b.AddResolver("SomeObject.l1", ctx =>
            {
                lock (paths)
                {
                    paths.Add(string.Join(".", ctx.Path.ToList()));
                }

                return "o";
            });
            b.AddResolver("SomeObject.l2", ctx =>
            {
                lock (paths)
                {
                    paths.Add(string.Join(".", ctx.Path.ToList()));
                }

                return new[] { "o", "o" };
            });
        });

        var result = Execute(schema, "{ l1 { l2 { l1 } } }");
        Assert.Null(result.Errors);
        Assert.Equal(["l1", "l1.l2", "l1.l2.0.l1", "l1.l2.1.l1"], paths);
    }

    [Fact]
    public void ThreadsRootValueAndArguments()
    {
        var schema = BuildSchema("type Query { a: String b(numArg: Int, stringArg: String): String }", b =>
        {
            b.AddResolver("Query.a", ctx => ((Dictionary<string, object?>)ctx.Parent!)["contextThing"]);
            b.AddResolver("Query.b", ctx => $"{ctx.Argument<int>("numArg")}|{ctx.Argument<string>("stringArg")}|{ctx.Arguments.Count}");
        });

        var result = Execute(schema, """query Example { a b(numArg: 123, stringArg: "foo") }""", new Dictionary<string, object?> { ["contextThing"] = "thing" });
        AssertJson("""{ "data": { "a": "thing", "b": "123|foo|2" } }""", result);
    }

    [Fact]
    public void DoesNotIncludeArgumentsThatWereNotSet()
    {
        var schema = BuildSchema("type Query { field(a: Boolean, b: Boolean, c: Boolean, d: Int, e: Int): String }",
            b => b.AddResolver("Query.field", ctx => string.Join(",", ctx.Arguments.Select(kv => $"{kv.Key}={kv.Value ?? "null"}"))));
        AssertJson("""{ "data": { "field": "b=True,c=False,d=null" } }""", Execute(schema, "{ field(b: true c: false d: null) }"));
    }

    [Fact]
    public async Task NullsOutErrorSubtrees()
    {
        var schema = BuildSchema("""
            type Query {
              sync: String
              syncError: String
              syncRawError: String
              syncReturnError: String
              syncReturnErrorList: [String]
              async: String
              asyncReject: String
              asyncRawReject: String
              asyncEmptyReject: String
              asyncError: String
              asyncRawError: String
              asyncReturnError: String
              asyncReturnErrorWithExtensions: String
            }
            """, b =>
        {
            b.AddResolver("Query.sync", _ => "sync");
            b.AddResolver("Query.syncError", _ => throw new GraphQLException("Error getting syncError"));
            b.AddResolver("Query.syncRawError", _ => throw new InvalidOperationException("Error getting syncRawError"));
            b.AddResolver("Query.syncReturnError", _ => new GraphQLException("Error getting syncReturnError"));
            b.AddResolver("Query.syncReturnErrorList", _ => new object?[]
            {
                "sync0", new GraphQLException("Error getting syncReturnErrorList1"), "sync2", new GraphQLException("Error getting syncReturnErrorList3"),
            });
            b.AddResolver("Query.async", async _ =>
            {
                await Task.Yield();
                return "async";
            });
            b.AddResolver("Query.asyncReject", async _ =>
            {
                await Task.Yield();
                throw new GraphQLException("Error getting asyncReject");
            });
            b.AddResolver("Query.asyncRawReject", async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("raw");
            });
            b.AddResolver("Query.asyncEmptyReject", _ => ValueTask.FromException<object?>(new GraphQLException(string.Empty)));
            b.AddResolver("Query.asyncError", _ => ValueTask.FromException<object?>(new GraphQLException("Error getting asyncError")));
            b.AddResolver("Query.asyncRawError", _ => ValueTask.FromException<object?>(new InvalidOperationException("Error getting asyncRawError")));
            b.AddResolver("Query.asyncReturnError", async _ =>
            {
                await Task.Yield();
                return new GraphQLException("Error getting asyncReturnError");
            });
            b.AddResolver("Query.asyncReturnErrorWithExtensions", async _ =>
            {
                await Task.Yield();
                return new GraphQLException(new GraphQLError("Error getting asyncReturnErrorWithExtensions", "FOO")
                {
                    Extensions = new Dictionary<string, object?> { ["code"] = "FOO", ["foo"] = "bar" },
                });
            });
        });

        var result = await ExecuteAsync(schema, """
            {
              sync
              syncError
              syncRawError
              syncReturnError
              syncReturnErrorList
              async
              asyncReject
              asyncRawReject
              asyncEmptyReject
              asyncError
              asyncRawError
              asyncReturnError
              asyncReturnErrorWithExtensions
            }
            """);

        AssertJson("""
            { "data": {
                "sync": "sync", "syncError": null, "syncRawError": null, "syncReturnError": null,
                "syncReturnErrorList": ["sync0", null, "sync2", null],
                "async": "async", "asyncReject": null, "asyncRawReject": null, "asyncEmptyReject": null,
                "asyncError": null, "asyncRawError": null, "asyncReturnError": null, "asyncReturnErrorWithExtensions": null },
              "errors": [
                { "message": "Error getting syncError", "locations": [ { "line": 3, "column": 3 } ], "path": ["syncError"], "extensions": { "code": "EXECUTION_ERROR" } },
                { "message": "Unexpected error.", "locations": [ { "line": 4, "column": 3 } ], "path": ["syncRawError"], "extensions": { "code": "INTERNAL_SERVER_ERROR" } },
                { "message": "Error getting syncReturnError", "locations": [ { "line": 5, "column": 3 } ], "path": ["syncReturnError"], "extensions": { "code": "EXECUTION_ERROR" } },
                { "message": "Error getting syncReturnErrorList1", "locations": [ { "line": 6, "column": 3 } ], "path": ["syncReturnErrorList", 1], "extensions": { "code": "EXECUTION_ERROR" } },
                { "message": "Error getting syncReturnErrorList3", "locations": [ { "line": 6, "column": 3 } ], "path": ["syncReturnErrorList", 3], "extensions": { "code": "EXECUTION_ERROR" } },
                { "message": "Error getting asyncReject", "locations": [ { "line": 8, "column": 3 } ], "path": ["asyncReject"], "extensions": { "code": "EXECUTION_ERROR" } },
                { "message": "Unexpected error.", "locations": [ { "line": 9, "column": 3 } ], "path": ["asyncRawReject"], "extensions": { "code": "INTERNAL_SERVER_ERROR" } },
                { "message": "", "locations": [ { "line": 10, "column": 3 } ], "path": ["asyncEmptyReject"], "extensions": { "code": "EXECUTION_ERROR" } },
                { "message": "Error getting asyncError", "locations": [ { "line": 11, "column": 3 } ], "path": ["asyncError"], "extensions": { "code": "EXECUTION_ERROR" } },
                { "message": "Unexpected error.", "locations": [ { "line": 12, "column": 3 } ], "path": ["asyncRawError"], "extensions": { "code": "INTERNAL_SERVER_ERROR" } },
                { "message": "Error getting asyncReturnError", "locations": [ { "line": 13, "column": 3 } ], "path": ["asyncReturnError"], "extensions": { "code": "EXECUTION_ERROR" } },
                { "message": "Error getting asyncReturnErrorWithExtensions", "locations": [ { "line": 14, "column": 3 } ], "path": ["asyncReturnErrorWithExtensions"], "extensions": { "code": "FOO", "foo": "bar" } }
              ] }
            """, result, unorderedErrors: true);
    }

    [Fact]
    public void FullResponsePathIsIncludedForNonNullableFields()
    {
        var schema = BuildSchema("""
            type A { nullableA: A nonNullA: A! throws: String! }
            type Query { nullableA: A }
            """, b =>
        {
            b.AddResolver("Query.nullableA", _ => "a");
            b.AddResolver("A.nullableA", _ => "a");
            b.AddResolver("A.nonNullA", _ => "a");
            b.AddResolver("A.throws", _ => throw new GraphQLException("Catch me if you can"));
        });

        AssertJson("""
            { "data": { "nullableA": { "aliasedA": null } },
              "errors": [ { "message": "Catch me if you can", "locations": [ { "line": 6, "column": 11 } ],
                            "path": ["nullableA", "aliasedA", "nonNullA", "anotherA", "throws"] } ] }
            """, Execute(schema, """
            query {
              nullableA {
                aliasedA: nullableA {
                  nonNullA {
                    anotherA: nonNullA {
                      throws
                    }
                  }
                }
              }
            }
            """));
    }

    private static readonly Schema OperationSchema = BuildSchema("type Type { a: String } type Mutation { c: String } schema { query: Type mutation: Mutation }",
        b =>
        {
            b.AddResolver("Type.a", _ => "b");
            b.AddResolver("Mutation.c", _ => "d");
        });

    [Fact]
    public void UsesTheInlineOrOnlyOperationIfNoOperationNameIsProvided()
    {
        AssertJson("""{ "data": { "a": "b" } }""", Execute(OperationSchema, "{ a }"));
        AssertJson("""{ "data": { "a": "b" } }""", Execute(OperationSchema, "query Example { a }"));
        AssertJson("""{ "data": { "a": "b" } }""", Execute(OperationSchema, "query Example { a } fragment F on Type { a }"));
    }

    [Fact]
    public void UsesTheNamedOperationIfOperationNameIsProvided()
    {
        AssertJson("""{ "data": { "second": "b" } }""",
            Execute(OperationSchema, "query Example { first: a } query OtherExample { second: a }", operationName: "OtherExample"));
        AssertJson("""{ "data": { "c": "d" } }""",
            Execute(OperationSchema, "query Q { a } mutation M { c }", operationName: "M"));
    }

    [Fact]
    public void OperationResolutionErrors()
    {
        var none = Execute(OperationSchema, "fragment Example on Type { a }");
        AssertJson("""{ "errors": [ { "message": "Must provide an operation." } ] }""", none);
        Assert.Equal(ErrorCodes.OperationResolutionFailure, none.Errors![0].Code);

        AssertJson("""{ "errors": [ { "message": "Must provide operation name if query contains multiple operations." } ] }""",
            Execute(OperationSchema, "query Example { a } query OtherExample { a }"));
        AssertJson("""{ "errors": [ { "message": "Unknown operation named \"UnknownExample\"." } ] }""",
            Execute(OperationSchema, "query Example { a } query OtherExample { a }", operationName: "UnknownExample"));
        AssertJson("""{ "errors": [ { "message": "Unknown operation named \"\"." } ] }""",
            Execute(OperationSchema, "query Example { a } query OtherExample { a }", operationName: string.Empty));
    }

    [Fact]
    public void ErrorsWhenTheSchemaHasNoRootForTheOperation()
    {
        var schema = BuildSchema("type Query { a: String }", b => b.AddResolver("Query.a", _ => "b"));
        AssertJson("""
            { "data": null, "errors": [ { "message": "Schema is not configured to execute mutation operation.", "locations": [ { "line": 1, "column": 1 } ] } ] }
            """, Execute(schema, "mutation M { a }"));
    }

    [Fact]
    public void SubscriptionOperationsRunTheirRootFieldsOnceLikeGraphQLJsExecute()
    {
        var schema = BuildSchema("type Query { a: String } type Subscription { s: String t: Int }", b =>
        {
            b.AddResolver("Subscription.s", _ => "once");
            b.AddResolver("Subscription.t", _ => 7);
        });
        AssertJson("""{ "data": { "s": "once", "t": 7 } }""", Execute(schema, "subscription { s t }"));
    }

    [Fact]
    public async Task CorrectFieldOrderingDespiteExecutionOrder()
    {
        var schema = BuildSchema("type Query { a: String b: String c: String d: String e: String }", b =>
        {
            b.AddResolver("Query.a", _ => "a");
            b.AddResolver("Query.b", async _ =>
            {
                await Task.Delay(20);
                return "b";
            });
            b.AddResolver("Query.c", _ => "c");
            b.AddResolver("Query.d", async _ =>
            {
                await Task.Yield();
                return "d";
            });
            b.AddResolver("Query.e", _ => "e");
        });

        var result = await ExecuteAsync(schema, "{ a, b, c, d, e }");
        Assert.Equal(["a", "b", "c", "d", "e"], result.Data!.Keys);
        AssertJson("""{ "data": { "a": "a", "b": "b", "c": "c", "d": "d", "e": "e" } }""", result);
    }

    [Fact]
    public async Task QueryFieldsRunInParallel()
    {
        var gate = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var schema = BuildSchema("type Query { waiter: String releaser: String }", b =>
        {
            // "waiter" only completes once "releaser" ran: serial execution would deadlock.
            b.AddResolver("Query.waiter", async _ => await gate.Task);
            b.AddResolver("Query.releaser", _ =>
            {
                gate.SetResult("released");
                return "done";
            });
        });

        var result = await ExecuteAsync(schema, "{ waiter releaser }").AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        AssertJson("""{ "data": { "waiter": "released", "releaser": "done" } }""", result);
    }

    [Fact]
    public void DoesNotIncludeIllegalFieldsInOutput()
    {
        var schema = BuildSchema("type Q { a: String } schema { query: Q }", b => b.AddResolver("Q.a", _ => "a"));
        AssertJson("""{ "data": { "a": "a" } }""", Execute(schema, "{ a thisIsIllegalDoNotIncludeMe }"));
    }

    [Fact]
    public void ExecutesIgnoringNonExecutableDefinitions()
    {
        var schema = BuildSchema("type Query { foo: String }", b => b.AddResolver("Query.foo", _ => null));
        AssertJson("""{ "data": { "foo": null } }""", Execute(schema, "{ foo } type Query { bar: String }"));
    }

    [Fact]
    public void SerializesLeafValuesAndReportsSerializationErrors()
    {
        var schema = BuildSchema("""
            enum Color { RED GREEN }
            type Query { int: Int badInt: Int color: Color badColor: Color list: [Int] notList: [Int] typename: String }
            """, b =>
        {
            b.AddResolver("Query.int", _ => 5);
            b.AddResolver("Query.badInt", _ => "not a number");
            b.AddResolver("Query.color", _ => "GREEN");
            b.AddResolver("Query.badColor", _ => "BLUE");
            b.AddResolver("Query.list", _ => new List<int> { 1, 2 });
            b.AddResolver("Query.notList", _ => 3);
            b.AddResolver("Query.typename", ctx => ctx.ParentType.Name);
        });

        var result = Execute(schema, "{ int badInt color badColor list notList typename __typename }");
        Assert.Equal("""{"int":5,"badInt":null,"color":"GREEN","badColor":null,"list":[1,2],"notList":null,"typename":"Query","__typename":"Query"}""", DataJson(result));
        Assert.Equal(3, result.Errors!.Count);
        Assert.Equal(["badInt"], result.Errors[0].Path);
        Assert.StartsWith("Int cannot represent", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("Enum \"Color\" cannot represent value: \"BLUE\"", result.Errors[1].Message);
        Assert.Equal("Expected Iterable, but did not find one for field \"Query.notList\".", result.Errors[2].Message);
        Assert.All(result.Errors, e => Assert.Equal(ErrorCodes.ExecutionError, e.Code));
    }

    [Fact]
    public void ClrEnumsSerializeByMemberName()
    {
        var schema = BuildSchema("""
            enum Status { IN_PROGRESS DONE }
            type Query { status: Status statuses: [Status] echo(status: Status): String }
            """, b =>
        {
            b.BindEnum<Status>("Status");
            b.AddResolver("Query.status", _ => Status.InProgress);
            b.AddResolver("Query.statuses", _ => new[] { Status.Done, Status.InProgress });
            b.AddResolver("Query.echo", ctx => ctx.Argument<Status>("status").ToString());
        });

        AssertJson("""{ "data": { "status": "IN_PROGRESS", "statuses": ["DONE", "IN_PROGRESS"], "echo": "Done" } }""",
            Execute(schema, "{ status statuses echo(status: DONE) }"));
    }

    public enum Status
    {
        InProgress,
        Done,
    }

    public sealed record BookInput(string Title, int Pages, IReadOnlyList<string>? Tags);

    [Fact]
    public void BoundInputObjectsBecomeClrInstances()
    {
        BookInput? seen = null;
        var schema = BuildSchema("""
            input BookInput { title: String! pages: Int = 10 tags: [String!] }
            type Query { add(book: BookInput!): String }
            """, b =>
        {
            b.BindInputObject<BookInput>("BookInput");
            b.AddResolver("Query.add", ctx =>
            {
                seen = ctx.Argument<BookInput>("book");
                return seen.Title;
            });
        });

        AssertJson("""{ "data": { "add": "Dune" } }""",
            Execute(schema, "query ($b: BookInput!) { add(book: $b) }", variables: Vars("""{ "b": { "title": "Dune", "tags": "scifi" } }""")));
        Assert.Equal(new BookInput("Dune", 10, null) with { Tags = seen!.Tags }, seen);
        Assert.Equal(["scifi"], seen.Tags!);
    }

    [Fact]
    public void JsonElementParentsWorkWithDefaultResolvers()
    {
        var schema = BuildSchema("type Item { name: String tags: [String] } type Query { items: [Item] }");
        using var json = System.Text.Json.JsonDocument.Parse("""{ "items": [ { "name": "a", "tags": ["x", "y"] }, { "name": null } ] }""");
        AssertJson("""{ "data": { "items": [ { "name": "a", "tags": ["x", "y"] }, { "name": null, "tags": null } ] } }""",
            Execute(schema, "{ items { name tags } }", json.RootElement));
    }

    [Fact]
    public async Task IncludeExceptionDetailsExposesTheMessage()
    {
        var schema = BuildSchema("type Query { boom: String }", b => b.AddResolver("Query.boom", _ => throw new InvalidOperationException("secret detail")));
        var masked = Execute(schema, "{ boom }");
        Assert.Equal("Unexpected error.", masked.Errors![0].Message);
        Assert.Equal(ErrorCodes.Internal, masked.Errors[0].Code);
        Assert.DoesNotContain("secret", ToJson(masked, includeExtensions: true), StringComparison.Ordinal);

        var detailed = await Executor.ExecuteAsync(new ExecutionRequest
        {
            Schema = schema,
            Document = Parser.Parse("{ boom }"),
            Options = new ExecutionOptions { IncludeExceptionDetails = true },
        });
        Assert.Equal("secret detail", detailed.Errors![0].Message);
        Assert.Equal(ErrorCodes.Internal, detailed.Errors[0].Code);
        Assert.True(detailed.Errors[0].Extensions.ContainsKey("exception"));
    }
}
