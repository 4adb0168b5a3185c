using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CrowNest.GraphQL.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.GraphQL.Tests.Transport;

public sealed class HttpTransportTests : IAsyncLifetime
{
    private const string GraphQLResponse = "application/graphql-response+json";
    private const string Json = "application/json";
    private KestrelHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await KestrelHost.StartAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement? Body, HttpResponseMessage Response)> Post(
        string body, string? accept, string? contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return await Send(request);
    }

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement? Body, HttpResponseMessage Response)> Get(string query, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql?" + query);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return await Send(request);
    }

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement? Body, HttpResponseMessage Response)> Send(HttpRequestMessage request)
    {
        var response = await _host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonElement? body = text.Length > 0 && text[0] == '{' ? JsonDocument.Parse(text).RootElement.Clone() : null;
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response);
    }

    private static string Body(object value) => JsonSerializer.Serialize(value);

    [Theory]
    [InlineData(GraphQLResponse, GraphQLResponse)]
    [InlineData(Json, Json)]
    [InlineData("*/*", Json)]
    [InlineData(null, Json)]
    [InlineData("application/*", Json)]
    [InlineData("application/json, application/graphql-response+json", GraphQLResponse)]
    [InlineData("application/graphql-response+json;q=0.5, application/json", Json)]
    [InlineData("text/html, */*;q=0.8", Json)]
    public async Task AcceptNegotiation(string? accept, string expected)
    {
        var (status, contentType, body, response) = await Post("""{"query":"{ __typename }"}""", accept);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, contentType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType!.CharSet);
        Assert.Equal("""{"data":{"__typename":"Query"}}""", body!.Value.GetRawText());
    }

    [Fact]
    public async Task NothingAcceptableIs406()
    {
        var (status, _, _, _) = await Post("""{"query":"{ __typename }"}""", "text/plain");
        Assert.Equal(HttpStatusCode.NotAcceptable, status);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Post("""{"query":"{ __typename }"}""", "application/json;q=0")).Status);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData(null)]
    public async Task UnsupportedContentTypeIs415(string? contentType)
    {
        var (status, _, body, _) = await Post("""{"query":"{ __typename }"}""", Json, contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal(TransportErrorCodes.BadRequest, body!.Value.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Utf8CharsetAndNonAsciiAreAccepted()
    {
        var (status, _, body, _) = await Post(Body(new { query = "{ hello(name: \"Run🏃Swim🏊\") }" }), Json, "application/json; charset=utf-8");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Hello Run🏃Swim🏊", body!.Value.GetProperty("data").GetProperty("hello").GetString());
    }

    [Theory]
    [InlineData("""{ "not a JSON""")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"notquery":"{ __typename }"}""")]
    [InlineData("""{"query":0}""")]
    [InlineData("""{"query":{"obj":"ect"}}""")]
    [InlineData("""{"query":["array"]}""")]
    [InlineData("""{"query":"{ __typename }","operationName":0}""")]
    [InlineData("""{"query":"{ __typename }","variables":"string"}""")]
    [InlineData("""{"query":"{ __typename }","variables":["array"]}""")]
    [InlineData("""{"query":"{ __typename }","extensions":false}""")]
    [InlineData("""{"query":"{ __typename }"} trailing""")]
    public async Task MalformedRequestsAre400UnderBothMediaTypes(string body)
    {
        foreach (var accept in new[] { Json, GraphQLResponse })
        {
            var (status, contentType, json, _) = await Post(body, accept);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(accept, contentType);
            Assert.False(json!.Value.TryGetProperty("data", out _));
        }
    }

    [Theory]
    [InlineData("""{"query":"{"}""", "GRAPHQL_PARSE_FAILED")]
    [InlineData("""{"query":"{ 8f31403dfe404bccbb0e835f2629c6a7 }"}""", "GRAPHQL_PARSE_FAILED")]
    [InlineData("""{"query":"{ nope }"}""", "GRAPHQL_VALIDATION_FAILED")]
    [InlineData("""{"query":"query CoerceFailure($id: ID!){ __typename }","variables":{"id":null}}""", "GRAPHQL_VALIDATION_FAILED")]
    [InlineData("""{"query":"query CoerceFailure($id: ID!){ book(id: $id) { title } }","variables":{"id":null}}""", "BAD_USER_INPUT")]
    public async Task RequestErrorsAre400ForGraphQLResponseJsonAnd200ForJson(string body, string code)
    {
        var (status, contentType, json, _) = await Post(body, GraphQLResponse);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(GraphQLResponse, contentType);
        Assert.False(json!.Value.TryGetProperty("data", out _));
        Assert.Equal(code, json.Value.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());

        (status, contentType, json, _) = await Post(body, Json);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Json, contentType);
        Assert.Equal(code, json!.Value.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task FieldErrorsWithDataAre200UnderGraphQLResponseJson()
    {
        var (status, _, json, _) = await Post("""{"query":"{ fail hello }"}""", GraphQLResponse);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Hello world", json!.Value.GetProperty("data").GetProperty("hello").GetString());
        Assert.Equal("DELIBERATE", json.Value.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("variables")]
    [InlineData("operationName")]
    [InlineData("extensions")]
    public async Task NullParametersAreAccepted(string parameter)
    {
        var (status, _, json, _) = await Post($$"""{"query":"{ __typename }","{{parameter}}":null}""", GraphQLResponse);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(json!.Value.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task VariablesOperationNameAndExtensions()
    {
        var body = Body(new
        {
            query = "query A { a: hello } query B($name: String) { b: hello(name: $name) }",
            operationName = "B",
            variables = new { name = "B" },
            extensions = new { some = "value" },
        });
        var (status, _, json, _) = await Post(body, Json);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"data":{"b":"Hello B"}}""", json!.Value.GetRawText());
    }

    [Fact]
    public async Task GetWithQueryParameters()
    {
        var query = Uri.EscapeDataString("query Type($name: String!) { __type(name: $name) { name } }");
        var variables = Uri.EscapeDataString("""{"name":"Book"}""");
        var (status, contentType, json, _) = await Get($"query={query}&variables={variables}&extensions=%7B%7D", GraphQLResponse);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(GraphQLResponse, contentType);
        Assert.Equal("""{"data":{"__type":{"name":"Book"}}}""", json!.Value.GetRawText());

        Assert.Equal(HttpStatusCode.BadRequest, (await Get($"query={query}&variables=%5B%5D", Json)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get($"query={query}&variables=not-json", Json)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get("operationName=x", Json)).Status);
    }

    [Fact]
    public async Task MutationsOverGetAre405WithAllowPost()
    {
        var (status, _, json, response) = await Get("query=" + Uri.EscapeDataString("mutation { addBook(title: \"X\") { title } }"), GraphQLResponse);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
        Assert.Equal(TransportErrorCodes.OperationNotAllowed, json!.Value.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());

        // Even a mutation that would not validate is refused as a mutation.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await Get("query=" + Uri.EscapeDataString("mutation { __typename nope }"), Json)).Status);

        var (postStatus, _, postJson, _) = await Post(Body(new { query = "mutation { addBook(title: \"X\") { title } }" }), Json);
        Assert.Equal(HttpStatusCode.OK, postStatus);
        Assert.Equal("X", postJson!.Value.GetProperty("data").GetProperty("addBook").GetProperty("title").GetString());
    }

    [Fact]
    public async Task OtherMethodsAre405()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/graphql") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        var (status, _, _, response) = await Send(request);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task RepeatedHttpRequestsHitTheDocumentCache()
    {
        var executor = _host.Services.GetRequiredService<RequestExecutor>();
        var body = """{"query":"{ books { title author { name } } }"}""";
        await Post(body, Json);
        var parses = executor.ParseCount;
        var validations = executor.ValidateCount;
        var hits = executor.DocumentCacheHits;
        for (var i = 0; i < 5; i++)
        {
            var (status, _, json, _) = await Post(body, Json);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(2, json!.Value.GetProperty("data").GetProperty("books").GetArrayLength());
        }

        Assert.Equal(parses, executor.ParseCount);
        Assert.Equal(validations, executor.ValidateCount);
        Assert.Equal(hits + 5, executor.DocumentCacheHits);
    }

    [Fact]
    public async Task OversizedBodiesAre413()
    {
        await using var host = await KestrelHost.StartAsync(b => b.ModifyLimits(l => l with { MaxRequestBodySize = 64 }));
        using var content = new StringContent(Body(new { query = "{ hello " + new string(' ', 100) + "}" }), Encoding.UTF8, "application/json");
        using var response = await host.Client.PostAsync("/graphql", content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task TrustedDocumentsOverHttp()
    {
        const string document = "{ hello }";
        await using var host = await KestrelHost.StartAsync(b => b.AddTrustedDocuments([document]));
        var id = DocumentHash.Compute(document).ToString();

        using var byId = await host.Client.PostAsync("/graphql", new StringContent(Body(new { documentId = id }), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.Equal("""{"data":{"hello":"Hello world"}}""", await byId.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        using var byGet = await host.Client.GetAsync("/graphql?documentId=" + id, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, byGet.StatusCode);

        using var apq = await host.Client.PostAsync("/graphql", new StringContent(
            Body(new { extensions = new { persistedQuery = new { version = 1, sha256Hash = id } } }), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, apq.StatusCode);

        using var unknownRequest = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(Body(new { documentId = new string('f', 64) }), Encoding.UTF8, "application/json") };
        unknownRequest.Headers.Accept.ParseAdd(GraphQLResponse);
        using var unknown = await host.Client.SendAsync(unknownRequest, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("PERSISTED_QUERY_NOT_FOUND", await unknown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        using var text = await host.Client.PostAsync("/graphql", new StringContent(Body(new { query = document }), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Contains("PERSISTED_QUERY_REQUIRED", await text.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task LimitErrorsCarryTheCost()
    {
        await using var host = await KestrelHost.StartAsync(b => b.ModifyLimits(l => l with { MaxCost = 5 }));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent("""{"query":"{ books(first: 3) { author { name } } }"}""", Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd(GraphQLResponse);
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var extensions = json.GetProperty("errors")[0].GetProperty("extensions");
        Assert.Equal("LIMIT_EXCEEDED", extensions.GetProperty("code").GetString());
        Assert.Equal(6, extensions.GetProperty("cost").GetDouble());
    }

    [Fact]
    public async Task IntrospectionDisabledOverHttp()
    {
        await using var host = await KestrelHost.StartAsync(b => b.ModifyLimits(l => l with { IntrospectionEnabled = false }));
        using var response = await host.Client.PostAsync("/graphql", new StringContent("""{"query":"{ __schema { types { name } } }"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("INTROSPECTION_DISABLED", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
