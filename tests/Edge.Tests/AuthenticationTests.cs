using System.Net;
using CrowNest.Edge.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Edge.Tests;

public sealed class AuthenticationTests(EdgeFixture edge)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiKeyWithProjectAccessIsProxied()
    {
        var route = edge.AddRoute();
        using var response = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NoCredentialsIs401Json()
    {
        var route = edge.AddRoute();
        using var response = await edge.SendAsync(edge.Url(route.Slug));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthorized", await EdgeFixture.ErrorCodeAsync(response));
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task NoCredentialsInABrowserIs401Html()
    {
        var route = edge.AddRoute();
        using var response = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Add("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("<!doctype html>", html, StringComparison.Ordinal);
        Assert.Contains("access link", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer wrong-key")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task InvalidAuthorizationIs401(string authorization)
    {
        var route = edge.AddRoute();
        using var response = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.TryAddWithoutValidation("Authorization", authorization));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", await EdgeFixture.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task KeyThatCannotSeeTheProjectIs404()
    {
        var route = edge.AddRoute(projectId: "prj_b");
        using var response = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", await EdgeFixture.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task FailingAuthenticatorIs503()
    {
        var route = edge.AddRoute();
        using var response = await edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyWhileDatabaseIsDown));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("service_unavailable", await EdgeFixture.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task DefaultAuthenticatorRefusesEveryKey()
    {
        var services = new ServiceCollection();
        services.AddCrowNestEdge();
        using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        var authenticator = scope.ServiceProvider.GetRequiredService<IPreviewAuthenticator>();
        var route = edge.AddRoute();
        Assert.Equal(PreviewAuthResult.Unauthorized, await authenticator.AuthenticateBearerAsync(TestAuthenticator.KeyForProjectA, route, Ct));
        var store = provider.GetRequiredService<IPreviewRouteStore>();
        Assert.Null(await store.FindBySlugAsync(route.Slug, Ct));
    }
}
