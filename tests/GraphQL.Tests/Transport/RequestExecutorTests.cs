using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Transport;

namespace CrowNest.GraphQL.Tests.Transport;

public sealed class RequestExecutorTests
{
    private static RequestExecutor Create(GraphQLLimits? limits = null, int cacheSize = 1000) =>
        new(TransportTestSchema.Create(), TransportTestSchema.Options(limits) with { DocumentCacheSize = cacheSize });

    private static ValueTask<ExecutionResult> Run(RequestExecutor executor, string query, IReadOnlyDictionary<string, object?>? variables = null) =>
        executor.ExecuteAsync(new GraphQLRequest { Query = query, Variables = variables }, TestContext.Current.CancellationToken);

    private static GraphQLError SingleRequestError(ExecutionResult result)
    {
        Assert.False(result.HasData);
        Assert.Null(result.Data);
        return Assert.Single(result.Errors!);
    }

    [Fact]
    public async Task RepeatedDocumentIsParsedAndValidatedOnce()
    {
        var executor = Create();
        const string query = "{ books { title author { name } } }";

        var first = await Run(executor, query);
        var second = await Run(executor, query);

        Assert.Equal(ResultWriter.ToJson(first), ResultWriter.ToJson(second));
        Assert.Equal("""{"data":{"books":[{"title":"Dune","author":{"name":"Frank Herbert"}},{"title":"Emma","author":{"name":"Jane Austen"}}]}}""", ResultWriter.ToJson(second));
        Assert.Equal(1, executor.ParseCount);
        Assert.Equal(1, executor.ValidateCount);
        Assert.Equal(1, executor.DocumentCacheMisses);
        Assert.Equal(1, executor.DocumentCacheHits);
        Assert.Equal(2, executor.ExecuteCount);

        await Run(executor, "{ hello }");
        Assert.Equal(2, executor.ParseCount);
        Assert.Equal(2, executor.ValidateCount);
    }

    [Fact]
    public async Task PlainDataReadsFindMembersWhateverTheDictionarysSizeAndComparer()
    {
        // The pure pass scans small dictionaries by ordinal key and looks up anything else: a case-insensitive dictionary
        // still answers through its own comparer, a large one is looked up, and an absent member reads as null.
        var schema = new CrowNest.GraphQL.Types.SchemaBuilder()
            .AddTypeDefinitions("type Query { small: Item big: Item folded: Item } type Item { a: String b: String z: String missing: String }")
            .UseDefaultResolvers()
            .Build();
        var big = Enumerable.Range(0, 20).ToDictionary(i => "k" + i, i => (object?)("v" + i));
        big["a"] = "big-a";
        big["z"] = "big-z";
        var root = new Dictionary<string, object?>
        {
            ["small"] = new Dictionary<string, object?> { ["a"] = "small-a", ["b"] = "small-b", ["z"] = "small-z" },
            ["big"] = big,
            ["folded"] = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["A"] = "folded-a", ["B"] = null, ["Z"] = "folded-z" },
        };
        var executor = new RequestExecutor(schema, new GraphQLOptions { RootValue = root, Limits = GraphQLLimits.None });

        var result = await executor.ExecuteAsync(
            new GraphQLRequest { Query = "{ small { a b z missing } big { a z missing } folded { a b z missing } }" }, TestContext.Current.CancellationToken);

        Assert.Equal(
            """{"data":{"small":{"a":"small-a","b":"small-b","z":"small-z","missing":null},"big":{"a":"big-a","z":"big-z","missing":null},"folded":{"a":"folded-a","b":null,"z":"folded-z","missing":null}}}""",
            ResultWriter.ToJson(result));
    }

    [Fact]
    public async Task InvalidDocumentsAreCachedWithTheirErrors()
    {
        var executor = Create();
        var first = await Run(executor, "{ nope }");
        var second = await Run(executor, "{ nope }");

        Assert.Equal(ErrorCodes.ValidationFailed, SingleRequestError(first).Code);
        Assert.Equal(ResultWriter.ToJson(first), ResultWriter.ToJson(second));
        Assert.Equal(1, executor.ValidateCount);
        Assert.Equal(1, executor.DocumentCacheHits);

        var syntax = await Run(executor, "{");
        Assert.Equal(ErrorCodes.SyntaxError, SingleRequestError(syntax).Code);
        await Run(executor, "{");
        Assert.Equal(2, executor.ParseCount);
        Assert.Equal(1, executor.ValidateCount);
    }

    [Fact]
    public async Task CacheIsBoundedLeastRecentlyUsed()
    {
        var executor = Create(cacheSize: 2);
        await Run(executor, "{ a: hello }");
        await Run(executor, "{ b: hello }");
        await Run(executor, "{ a: hello }"); // a becomes most recent
        await Run(executor, "{ c: hello }"); // evicts b
        Assert.Equal(2, executor.CachedDocumentCount);
        Assert.Equal(3, executor.ParseCount);

        await Run(executor, "{ a: hello }");
        Assert.Equal(3, executor.ParseCount);
        await Run(executor, "{ b: hello }");
        Assert.Equal(4, executor.ParseCount);
    }

    [Fact]
    public async Task DepthLimit()
    {
        var executor = Create(new GraphQLLimits { MaxDepth = 3 });
        Assert.True((await Run(executor, "{ books { related { title } } }")).HasData);

        var error = SingleRequestError(await Run(executor, "{ books { related { related { title } } } }"));
        Assert.Equal(ErrorCodes.LimitExceeded, error.Code);
        Assert.Equal("depth", error.Extensions["limit"]);
        Assert.Equal(4.0, error.Extensions["actual"]);

        // Fragments count towards depth.
        var viaFragment = SingleRequestError(await Run(executor, "{ books { ...R } } fragment R on Book { related { related { title } } }"));
        Assert.Equal(ErrorCodes.LimitExceeded, viaFragment.Code);
    }

    [Fact]
    public async Task AliasLimit()
    {
        var executor = Create(new GraphQLLimits { MaxAliases = 2 });
        Assert.True((await Run(executor, "{ a: hello b: hello }")).HasData);
        var error = SingleRequestError(await Run(executor, "{ a: hello b: hello c: hello }"));
        Assert.Equal(ErrorCodes.LimitExceeded, error.Code);
        Assert.Equal("aliases", error.Extensions["limit"]);
    }

    [Fact]
    public async Task FieldLimit()
    {
        var executor = Create(new GraphQLLimits { MaxFields = 4 });
        Assert.True((await Run(executor, "{ books { title author { name } } }")).HasData);
        var error = SingleRequestError(await Run(executor, "{ hello books { title author { name } } }"));
        Assert.Equal("fields", error.Extensions["limit"]);
        Assert.Equal(5.0, error.Extensions["actual"]);
    }

    [Fact]
    public async Task CostUsesSlicingArgumentsAssumedSizeDefaultsAndWeights()
    {
        var executor = Create(new GraphQLLimits { MaxCost = 20 });

        // 5 × (Book 1 + author (Author 1)) = 10
        Assert.True((await Run(executor, "{ books(first: 5) { title author { name } } }")).HasData);

        // 11 × 2 = 22 > 20
        var sliced = SingleRequestError(await Run(executor, "{ books(first: 11) { title author { name } } }"));
        Assert.Equal(ErrorCodes.LimitExceeded, sliced.Code);
        Assert.Equal(22.0, sliced.Extensions["cost"]);

        // No slicing argument: default list size 10 × 2 = 20 (allowed); the @cost field weight 500 is not.
        Assert.True((await Run(executor, "{ books { title author { name } } }")).HasData);
        Assert.Equal(500.0, SingleRequestError(await Run(executor, "{ expensive }")).Extensions["cost"]);

        // Argument weight 7 + assumedSize 3 × Book 1 = 10; twice = 20 (allowed), three times = 30.
        Assert.True((await Run(executor, "{ a: search(term: \"x\") { title } b: search(term: \"y\") { title } }")).HasData);
        Assert.Equal(30.0, SingleRequestError(await Run(executor, "{ a: search(term: \"x\") { title } b: search(term: \"y\") { title } c: search(term: \"z\") { title } }")).Extensions["cost"]);
    }

    [Fact]
    public async Task CostReadsSlicingArgumentsFromVariablesPerRequest()
    {
        var executor = Create(new GraphQLLimits { MaxCost = 100 });
        const string query = "query($n: Int) { books(first: $n) { title } }";
        Assert.True((await Run(executor, query, new Dictionary<string, object?> { ["n"] = 100L })).HasData);

        var error = SingleRequestError(await Run(executor, query, new Dictionary<string, object?> { ["n"] = 300L }));
        Assert.Equal(ErrorCodes.LimitExceeded, error.Code);
        Assert.Equal(300.0, error.Extensions["cost"]);
        Assert.Equal(1, executor.ParseCount);
    }

    [Fact]
    public async Task RequireOneSlicingArgument()
    {
        var executor = Create();
        Assert.True((await Run(executor, "{ page(first: 1) { title } }")).HasData);
        Assert.Equal(ErrorCodes.ValidationFailed, SingleRequestError(await Run(executor, "{ page { title } }")).Code);
        Assert.Equal(ErrorCodes.ValidationFailed, SingleRequestError(await Run(executor, "{ page(first: 1, last: 1) { title } }")).Code);
    }

    [Fact]
    public async Task DefaultLimitsAreOn()
    {
        var limits = new GraphQLLimits();
        Assert.Equal(15, limits.MaxDepth);
        Assert.Equal(30, limits.MaxAliases);
        Assert.Equal(1_000, limits.MaxFields);
        Assert.Equal(10_000, limits.MaxCost);

        var executor = Create();
        var deep = "{ books { " + string.Concat(Enumerable.Repeat("related { ", 15)) + "title" + new string('}', 16) + " }";
        Assert.Equal(ErrorCodes.LimitExceeded, SingleRequestError(await Run(executor, deep)).Code);
    }

    [Fact]
    public async Task IntrospectionCanBeDisabled()
    {
        var executor = Create(new GraphQLLimits { IntrospectionEnabled = false });
        Assert.Equal(ErrorCodes.IntrospectionDisabled, SingleRequestError(await Run(executor, "{ __schema { queryType { name } } }")).Code);
        Assert.Equal(ErrorCodes.IntrospectionDisabled, SingleRequestError(await Run(executor, "{ ...F } fragment F on Query { __type(name: \"Book\") { name } }")).Code);
        Assert.Equal("""{"data":{"__typename":"Query"}}""", ResultWriter.ToJson(await Run(executor, "{ __typename }")));

        var enabled = Create();
        Assert.Equal("""{"data":{"__type":{"name":"Book"}}}""", ResultWriter.ToJson(await Run(enabled, "{ __type(name: \"Book\") { name } }")));
    }

    [Fact]
    public async Task MutationsCanBeRefusedPerRequest()
    {
        var executor = Create();
        var refused = await executor.ExecuteAsync(new GraphQLRequest { Query = "mutation { addBook(title: \"X\") { title } }", AllowMutations = false });
        Assert.Equal(TransportErrorCodes.OperationNotAllowed, SingleRequestError(refused).Code);

        var allowed = await executor.ExecuteAsync(new GraphQLRequest { Query = "mutation { addBook(title: \"X\") { title } }" });
        Assert.Equal("""{"data":{"addBook":{"title":"X"}}}""", ResultWriter.ToJson(allowed));
    }

    [Fact]
    public async Task TrustedDocumentsStrictMode()
    {
        const string document = "query Hello { hello }";
        var store = new InMemoryTrustedDocumentStore([document]);
        var id = DocumentHash.Compute(document).ToString();
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(document))), id);

        var executor = new RequestExecutor(TransportTestSchema.Create(), TransportTestSchema.Options() with { TrustedDocuments = TrustedDocumentsMode.Strict }, store);

        var byId = await executor.ExecuteAsync(new GraphQLRequest { DocumentId = id });
        Assert.Equal("""{"data":{"hello":"Hello world"}}""", ResultWriter.ToJson(byId));

        var prefixed = await executor.ExecuteAsync(new GraphQLRequest { DocumentId = "sha256:" + id });
        Assert.True(prefixed.HasData);

        var viaExtension = await executor.ExecuteAsync(new GraphQLRequest
        {
            Extensions = new Dictionary<string, object?> { ["persistedQuery"] = new Dictionary<string, object?> { ["version"] = 1L, ["sha256Hash"] = id } },
        });
        Assert.True(viaExtension.HasData);
        Assert.Equal(1, executor.ParseCount);
        Assert.Equal(2, executor.DocumentCacheHits);

        var unknown = await executor.ExecuteAsync(new GraphQLRequest { DocumentId = new string('a', 64) });
        Assert.Equal(ErrorCodes.PersistedQueryNotFound, SingleRequestError(unknown).Code);

        var malformed = await executor.ExecuteAsync(new GraphQLRequest { DocumentId = "nope" });
        Assert.Equal(ErrorCodes.PersistedQueryNotFound, SingleRequestError(malformed).Code);

        var arbitrary = await executor.ExecuteAsync(new GraphQLRequest { Query = "{ hello }" });
        Assert.Equal(ErrorCodes.PersistedQueryRequired, SingleRequestError(arbitrary).Code);

        // Even the trusted text itself must be sent by id in strict mode.
        var trustedText = await executor.ExecuteAsync(new GraphQLRequest { Query = document });
        Assert.Equal(ErrorCodes.PersistedQueryRequired, SingleRequestError(trustedText).Code);
    }

    [Fact]
    public async Task TrustedDocumentsAllowModeAcceptsBoth()
    {
        var store = new InMemoryTrustedDocumentStore(["{ hello }"]);
        var executor = new RequestExecutor(TransportTestSchema.Create(), TransportTestSchema.Options() with { TrustedDocuments = TrustedDocumentsMode.Allow }, store);
        Assert.True((await executor.ExecuteAsync(new GraphQLRequest { DocumentId = DocumentHash.Compute("{ hello }").ToString() })).HasData);
        Assert.True((await executor.ExecuteAsync(new GraphQLRequest { Query = "{ expensive }" })).HasData);
        Assert.Equal(ErrorCodes.PersistedQueryNotFound, SingleRequestError(await executor.ExecuteAsync(new GraphQLRequest { DocumentId = new string('0', 64) })).Code);
    }

    [Fact]
    public void TrustedDocumentManifestRejectsWrongIds()
    {
        Assert.Throws<ArgumentException>(() => new InMemoryTrustedDocumentStore([new KeyValuePair<string, string>(new string('0', 64), "{ hello }")]));
        var id = DocumentHash.Compute("{ hello }").ToString();
        var store = new InMemoryTrustedDocumentStore([new KeyValuePair<string, string>(id, "{ hello }")]);
        Assert.Equal([id], store.Ids);
    }

    [Fact]
    public async Task MissingQueryIsABadRequest()
    {
        var result = await Create().ExecuteAsync(new GraphQLRequest());
        Assert.Equal(TransportErrorCodes.BadRequest, SingleRequestError(result).Code);
    }

    [Fact]
    public void ResultWriterWritesEveryLeafType()
    {
        var result = new ExecutionResult
        {
            HasData = true,
            Data = new Dictionary<string, object?>
            {
                ["s"] = "x\"y",
                ["b"] = true,
                ["i"] = 1,
                ["l"] = 9007199254740993L,
                ["d"] = 1.5,
                ["whole"] = 2.0,
                ["m"] = 1.25m,
                ["n"] = null,
                ["list"] = new List<object?> { 1, "a", null },
                ["json"] = System.Text.Json.JsonDocument.Parse("""{"k":[1,2]}""").RootElement,
                ["unicode"] = "é🏃",
            },
            Errors = [new GraphQLError("boom", "X") { Path = ["list", 1], Locations = [new SourceLocation(1, 3)] }],
            Extensions = new Dictionary<string, object?> { ["cost"] = 3.0 },
        };

        Assert.Equal(
            """{"errors":[{"message":"boom","locations":[{"line":1,"column":3}],"path":["list",1],"extensions":{"code":"X"}}],"data":{"s":"x\"y","b":true,"i":1,"l":9007199254740993,"d":1.5,"whole":2,"m":1.25,"n":null,"list":[1,"a",null],"json":{"k":[1,2]},"unicode":"é\uD83C\uDFC3"},"extensions":{"cost":3}}""",
            ResultWriter.ToJson(result));

        // Non-ASCII stays raw except astral characters, which the encoder escapes as surrogate pairs (same JSON value).
        Assert.Equal("é🏃", System.Text.Json.JsonDocument.Parse(ResultWriter.ToJson(result)).RootElement.GetProperty("data").GetProperty("unicode").GetString());
        Assert.Equal("""{"errors":[{"message":"e","extensions":{"code":"C"}}]}""", ResultWriter.ToJson(ExecutionResult.FromErrors([new GraphQLError("e", "C")])));
        Assert.Equal("""{"data":null}""", ResultWriter.ToJson(new ExecutionResult { HasData = true }));
    }
}
