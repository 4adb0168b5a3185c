using System.Diagnostics;
using System.Net;
using CrowNest.Edge.Tests.TestSupport;

namespace CrowNest.Edge.Tests;

public sealed class UpstreamFailureTests(EdgeFixture edge)
{
    [Fact]
    public async Task RefusedPortIs502PreviewUnavailable()
    {
        var route = edge.AddRoute(port: BrokenUpstream.RefusedPort());
        using var response = await SendAuthorizedAsync(route);
        await AssertUnavailableAsync(response);
    }

    [Fact]
    public async Task ResetConnectionIs502PreviewUnavailable()
    {
        await using var upstream = BrokenUpstream.Resetting();
        var route = edge.AddRoute(port: upstream.Port);
        using var response = await SendAuthorizedAsync(route);
        await AssertUnavailableAsync(response);
    }

    [Fact]
    public async Task SilentUpstreamTimesOutAfterTheConfiguredTimeoutWith502()
    {
        await using var upstream = BrokenUpstream.Silent();
        var route = edge.AddRoute(port: upstream.Port);
        var clock = Stopwatch.StartNew();
        using var response = await SendAuthorizedAsync(route);
        await AssertUnavailableAsync(response);
        // The fixture configures a 2 s UpstreamTimeout (the default is 100 s).
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task BrowsersGetAnHtmlErrorPage()
    {
        var route = edge.AddRoute(port: BrokenUpstream.RefusedPort());
        using var response = await edge.SendAsync(edge.Url(route.Slug), r =>
        {
            r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA);
            r.Headers.Add("Accept", "text/html,application/xhtml+xml");
        });
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Preview unavailable", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> SendAuthorizedAsync(PreviewRoute route) =>
        edge.SendAsync(edge.Url(route.Slug), r => r.Headers.Authorization = new("Bearer", TestAuthenticator.KeyForProjectA));

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = (await EdgeFixture.JsonAsync(response)).GetProperty("error");
        Assert.Equal("preview_unavailable", error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }
}
