using System.Net;
using System.Text.RegularExpressions;
using CrowNest.GraphQL.Transport;

namespace CrowNest.GraphQL.Tests.Transport;

public sealed partial class GraphiQLTests
{
    [GeneratedRegex("""(?:src|href)="([^"]+)"(?=[^>]*>)""")]
    private static partial Regex AssetReference();

    [Fact]
    public async Task BrowserGetServesGraphiQLWithAssetsFromOurOwnOrigin()
    {
        Assert.True(GraphiQL.IsAvailable, "GraphiQL assets were not embedded: the build could not run npm ci.");
        await using var host = await KestrelHost.StartAsync();
        var ct = TestContext.Current.CancellationToken;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql");
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        using var page = await host.Client.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync(ct);
        Assert.Contains("GraphiQL.createFetcher", html);

        var references = AssetReference().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(4, references.Count);
        foreach (var reference in references)
        {
            // Same origin: a root-relative path under the endpoint, never a CDN URL.
            Assert.StartsWith("/graphql/graphiql/", reference);
            using var asset = await host.Client.GetAsync(reference, ct);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.True((await asset.Content.ReadAsByteArrayAsync(ct)).Length > 1000);
            Assert.Equal(reference.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript", asset.Content.Headers.ContentType!.MediaType);
        }

        Assert.DoesNotContain("unpkg", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);

        using var missing = await host.Client.GetAsync("/graphql/graphiql/nope.js", ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task BrowserGetWithAQueryRunsTheQuery()
    {
        await using var host = await KestrelHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql?query=%7B__typename%7D");
        request.Headers.TryAddWithoutValidation("Accept", "text/html,*/*;q=0.8");
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"data":{"__typename":"Query"}}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task GraphiQLCanBeDisabled()
    {
        await using var host = await KestrelHost.StartAsync(b => b.ModifyOptions(o => o with { EnableGraphiQL = false }));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql");
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
