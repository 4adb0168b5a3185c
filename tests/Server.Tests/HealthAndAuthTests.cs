using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Server.Tests;

public sealed class HealthAndAuthTests(ClassDatabase database) : IClassFixture<ClassDatabase>, IAsyncLifetime
{
    private const string Token = "cn_test_health_bootstrap_secret_000001";
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
    public async Task HealthzIsAnonymous()
    {
        using var response = await _client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReadyzReportsTheDatabaseWithAValidKey()
    {
        using var response = await SendAsync("/readyz", "Bearer " + Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok","checks":{"database":"ok"}}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer cn_not_a_real_key")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    public async Task ReadyzRejectsMissingOrWrongCredentials(string? authorization)
    {
        using var response = await SendAsync("/readyz", authorization);
        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task RevokedAndExpiredKeysAreRejected()
    {
        var revoked = ApiKeySecrets.NewSecret();
        var expired = ApiKeySecrets.NewSecret();
        await using (var db = NewDb())
        {
            var bootstrap = await db.ApiKeys.SingleAsync(k => k.Name == "bootstrap");
            db.ApiKeys.Add(NewKey(bootstrap, revoked, k => k.RevokedAt = DateTimeOffset.UtcNow.AddMinutes(-1)));
            db.ApiKeys.Add(NewKey(bootstrap, expired, k => k.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1)));
            await db.SaveChangesAsync();
        }

        using var r1 = await SendAsync("/readyz", "Bearer " + revoked);
        await AssertUnauthorizedAsync(r1);
        using var r2 = await SendAsync("/readyz", "Bearer " + expired);
        await AssertUnauthorizedAsync(r2);
    }

    [Fact]
    public async Task AValidKeyRecordsWhenItWasLastUsed()
    {
        var secret = ApiKeySecrets.NewSecret();
        await using var db = NewDb();
        var bootstrap = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Name == "bootstrap");
        var key = NewKey(bootstrap, secret, k => k.ExpiresAt = DateTimeOffset.UtcNow.AddHours(1));
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync();

        using var response = await SendAsync("/readyz", "Bearer " + secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        db.ChangeTracker.Clear();
        Assert.NotNull((await db.ApiKeys.SingleAsync(k => k.Id == key.Id)).LastUsedAt);
    }

    [Fact]
    public async Task ApiRootsNeedAKey()
    {
        foreach (var path in new[] { "/api", "/v1", "/graphql" })
        {
            using var anonymous = await SendAsync(path, null);
            await AssertUnauthorizedAsync(anonymous);
        }

        using var index = await SendAsync("/v1", "Bearer " + Token);
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("CrowNest", (await index.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task PreviewHostsGoToTheEdgeNotTheApi()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Host = "my-app.preview.localhost";
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("not_found", body.GetProperty("error").GetProperty("code").GetString());
    }

    private CrowNestDbContext NewDb() =>
        new(new DbContextOptionsBuilder<CrowNestDbContext>().UseNpgsql(database.ConnectionString).Options);

    private static ApiKey NewKey(ApiKey template, string secret, Action<ApiKey> change)
    {
        var key = new ApiKey
        {
            Id = PrefixedId.New(PrefixedId.ApiKey),
            UserId = template.UserId,
            OrganizationId = template.OrganizationId,
            Name = "test",
            Prefix = ApiKeySecrets.VisiblePrefix(secret),
            KeyHash = ApiKeySecrets.Hash(secret),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        change(key);
        return key;
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await _client.SendAsync(request);
    }

    internal static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(new AuthenticationHeaderValue("Bearer"), Assert.Single(response.Headers.WwwAuthenticate));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unauthorized", body.GetProperty("error").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetProperty("message").GetString()));
    }
}

/// <summary>Readiness when the database disappears under a running server.</summary>
public sealed class DatabaseDownTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ReadyzIs503WhenTheDatabaseIsGone()
    {
        const string token = "cn_test_db_down_secret_00000000000001";
        var db = await postgres.CreateDatabaseAsync();
        await using var factory = new CrowNestFactory(db.ConnectionString, new Dictionary<string, string?> { ["Bootstrap:Token"] = token });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var before = await client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await postgres.DropDatabaseAsync(db.Name);

        using var after = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, after.StatusCode);
        using var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
