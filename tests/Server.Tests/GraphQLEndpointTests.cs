using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CrowNest.Platform.Data;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests;

public sealed class GraphQLEndpointTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private const string Token = "cn_test_graphql_bootstrap_secret_00001";
    private CrowNestFactory _factory = null!;
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _factory = new CrowNestFactory(database.ConnectionString, new Dictionary<string, string?> { ["Bootstrap:Token"] = Token });
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task ViewerIsTheBootstrapKeysUser()
    {
        using var response = await PostAsync("""{"query":"{ viewer { apiKeyId userId organizationId scopes } version }"}""", "Bearer " + Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var viewer = json.RootElement.GetProperty("data").GetProperty("viewer");

        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
        var key = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == viewer.GetProperty("apiKeyId").GetString());
        Assert.Equal(key.UserId, viewer.GetProperty("userId").GetString());
        Assert.Equal(key.OrganizationId, viewer.GetProperty("organizationId").GetString());
        Assert.Equal(key.Scopes, viewer.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).ToArray());
        Assert.False(json.RootElement.TryGetProperty("errors", out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer cn_wrong")]
    public async Task GraphQLRequiresAnApiKey(string? authorization)
    {
        using var response = await PostAsync("""{"query":"{ version }"}""", authorization);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unauthorized", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task ValidationErrorsCarryTheirCode()
    {
        using var response = await PostAsync("""{"query":"{ viewer { nope } }"}""", "Bearer " + Token, "application/graphql-response+json");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("errors")[0];
        Assert.Equal("GRAPHQL_VALIDATION_FAILED", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.False(json.RootElement.TryGetProperty("data", out _));
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string? authorization, string accept = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await _client.SendAsync(request);
    }
}
