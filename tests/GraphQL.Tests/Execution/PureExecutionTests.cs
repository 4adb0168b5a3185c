using System.Buffers;
using System.Text;
using System.Text.Json;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Transport;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>
/// Queries over plain dictionary data take the executor's pure pass (or give it up and run the general algorithm): every
/// response must be byte-identical to the general path's over the same data held in another dictionary type.
/// </summary>
public sealed class PureExecutionTests
{
    private const string Sdl = """
        enum Genre { NOVEL POETRY }
        scalar Stamp
        interface Named { name: String }
        type Query { shelf: Shelf! shelves: [[Shelf!]] named: [Named] stamp: Stamp }
        type Shelf { label: String genre: Genre genres: [Genre!] ratings: [Float!]! count: Int! ok: Boolean id: ID books: [Book!] }
        type Book implements Named { name: String pages: Int }
        """;

    private static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            map[key] = value;
        }

        return map;
    }

    private static Dictionary<string, object?> Shelf(string label, object? count) => Map(
        ("label", label),
        ("genre", "NOVEL"),
        ("genres", new List<object?> { "POETRY", "NOVEL" }),
        ("ratings", new object?[] { 1L, 2.5 }),
        ("count", count),
        ("ok", true),
        ("id", 42L),
        ("books", new object?[] { Map(("__typename", "Book"), ("name", "A"), ("pages", 10L)) }));

    private static Dictionary<string, object?> Data(object? count = null) => Map(
        ("shelf", Shelf("main", count ?? 3L)),
        ("shelves", new object?[] { new object?[] { Shelf("a", 1L), Shelf("b", 2L) }, null }),
        ("named", new object?[] { Map(("__typename", "Book"), ("name", "N")) }),
        ("stamp", "2020"));

    private static object? General(object? value) => value switch
    {
        Dictionary<string, object?> map => new SortedDictionary<string, object?>(map.ToDictionary(e => e.Key, e => General(e.Value)), StringComparer.Ordinal),
        object?[] items => items.Select(General).ToArray(),
        List<object?> items => items.Select(General).ToList(),
        _ => value,
    };

    private static string Run(string query, object? root, IReadOnlyDictionary<string, object?>? variables = null) =>
        ToJson(Execute(BuildSchema(Sdl), query, root, variables), includeExtensions: true);

    private static void AssertSame(string query, string expectedJson, object? count = null, IReadOnlyDictionary<string, object?>? variables = null)
    {
        var schema = BuildSchema(Sdl);
        var pure = Execute(schema, query, Data(count), variables);
        AssertJson(expectedJson, pure);
        var general = Execute(schema, query, General(Data(count)), variables);
        Assert.Equal(ToJson(general, includeExtensions: true), ToJson(pure, includeExtensions: true));

        // Through the transport's executor the pure pass writes JSON directly: the bytes must equal the general path's
        // (buffer and Utf8JsonWriter writers), and the data must still be readable as a tree.
        var generalBytes = ResultWriter.ToJson(general);
        for (var i = 0; i < 3; i++)
        {
            var executor = new RequestExecutor(schema, new GraphQLOptions { RootValue = Data(count), Limits = GraphQLLimits.None });
            var request = new GraphQLRequest { Query = query, Variables = variables };
            var prepared = executor.ExecuteAsync(request).AsTask().GetAwaiter().GetResult();

            // Only error-free operations without abstract types or custom scalars are written by the pure pass.
            Assert.Equal(general.Errors is null && !query.Contains("named", StringComparison.Ordinal), prepared.PreparedData is not null);
            Assert.Equal(generalBytes, ResultWriter.ToJson(prepared));
            Assert.Equal(generalBytes, WithJsonWriter(prepared));
            if (i == 1)
            {
                Assert.Equal(ToJson(general, includeExtensions: true), ToJson(prepared, includeExtensions: true));
                Assert.Equal(generalBytes, ResultWriter.ToJson(prepared));
            }
        }
    }

    private static string WithJsonWriter(ExecutionResult result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ResultWriter.WriterOptions))
        {
            ResultWriter.Write(writer, result);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void ScalarsEnumsListsAndTypeNames() =>
        AssertSame(
            "{ __typename shelf { __typename label genre genres ratings count ok id books { name pages } } }",
            """
            {"data":{"__typename":"Query","shelf":{"__typename":"Shelf","label":"main","genre":"NOVEL","genres":["POETRY","NOVEL"],
              "ratings":[1,2.5],"count":3,"ok":true,"id":"42","books":[{"name":"A","pages":10}]}}}
            """);

    [Fact]
    public async Task EscapedAndNonAsciiStringsAndFloats()
    {
        var schema = BuildSchema(Sdl);
        var data = Data();
        var shelf = (Dictionary<string, object?>)data["shelf"]!;
        shelf["label"] = "tab\t \"quote\" ü \u2028 " + new string('x', 40) + "\u0001";
        shelf["ratings"] = new object?[] { 1e300, -0.0, 0.1, 3L };
        const string query = "{ shelf { label ratings } }";
        var general = ResultWriter.ToJson(Execute(schema, query, General(data)));
        var executor = new RequestExecutor(schema, new GraphQLOptions { RootValue = data, Limits = GraphQLLimits.None });
        var prepared = await executor.ExecuteAsync(new GraphQLRequest { Query = query }, TestContext.Current.CancellationToken);
        Assert.NotNull(prepared.PreparedData);
        Assert.NotNull(prepared.Data);
        Assert.Equal(general, ResultWriter.ToJson(prepared));
        Assert.Equal(general, WithJsonWriter(prepared));
    }

    [Fact]
    public void NestedListsWithNullItems() =>
        AssertSame(
            "{ shelves { label count } }",
            """{"data":{"shelves":[[{"label":"a","count":1},{"label":"b","count":2}],null]}}""");

    [Fact]
    public void NonNullErrorInsideTheTreeGivesTheGeneralPathsError() =>
        AssertSame(
            "{ shelf { label count } }",
            """
            {"data":null,"errors":[{"message":"Int cannot represent non-integer value: \"many\"","locations":[{"line":1,"column":17}],"path":["shelf","count"]}]}
            """,
            count: "many");

    [Fact]
    public void AbstractTypesAndCustomScalarsTakeTheGeneralPath() =>
        AssertSame(
            "{ named { name ... on Book { __typename } } stamp }",
            """{"data":{"named":[{"name":"N","__typename":"Book"}],"stamp":"2020"}}""");

    [Fact]
    public void SkipAndIncludeWithVariables() =>
        AssertSame(
            "query ($s: Boolean!) { shelf { label @skip(if: $s) count @include(if: $s) } }",
            """{"data":{"shelf":{"count":3}}}""",
            variables: Vars("""{"s":true}"""));

    [Fact]
    public async Task PooledJsonIsReleasedAndTheTreeStillReads()
    {
        // The HTTP handler's mode: the JSON stays in a pooled buffer until released; afterwards the result still serializes
        // (from the tree), byte-identical, and a second execution reusing the buffer does not change the first's bytes.
        const string Query = "{ shelf { label books { name pages } } shelves { label count } }";
        var executor = new RequestExecutor(BuildSchema(Sdl), new GraphQLOptions { RootValue = Data(), Limits = GraphQLLimits.None });
        var first = await executor.ExecuteAsync(new GraphQLRequest { Query = Query }, CancellationToken.None, null, pooledJson: true);
        var prepared = Assert.IsType<PreparedData>(first.PreparedData);
        Assert.True(prepared.HasJson);
        var json = Encoding.UTF8.GetString(prepared.Json);
        Assert.Equal("{\"data\":" + json + "}", ResultWriter.ToJson(first));
        prepared.Release();
        Assert.False(prepared.HasJson);
        Assert.Throws<InvalidOperationException>(() => prepared.Json.Length);
        Assert.Equal("{\"data\":" + json + "}", ResultWriter.ToJson(first));
        Assert.Equal("{\"data\":" + json + "}", WithJsonWriter(first));
        prepared.Release();

        var second = await executor.ExecuteAsync(new GraphQLRequest { Query = "{ shelf { count } }" }, CancellationToken.None, null, pooledJson: true);
        Assert.Equal("{\"data\":{\"shelf\":{\"count\":3}}}", ResultWriter.ToJson(second));
        Assert.Equal("{\"data\":" + json + "}", ResultWriter.ToJson(first));
        second.PreparedData!.Release();
    }

    [Fact]
    public void RepeatedFailuresBackOffAndSuccessStillWorks()
    {
        // A cached document: the operation node (and its plan with the back-off state) is reused across executions.
        var schema = BuildSchema(Sdl);
        var document = Parser.Parse("{ shelf { count } }");
        string Exec(object? count) => ToJson(Executor.ExecuteAsync(new ExecutionRequest { Schema = schema, Document = document, RootValue = Data(count) })
            .AsTask().GetAwaiter().GetResult(), includeExtensions: true);

        var failing = Run("{ shelf { count } }", General(Data("many")));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(failing, Exec("many"));
            Assert.Equal("""{"data":{"shelf":{"count":5}}}""", Exec(5L));
        }
    }
}
