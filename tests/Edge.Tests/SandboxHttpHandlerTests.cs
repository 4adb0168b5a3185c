using System.Net;
using System.Text;
using CrowNest.Edge.Tests.TestSupport;
using CrowNest.Edge.Upstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrowNest.Edge.Tests;

/// <summary>The edge's outbound HTTP/1.1 client against a real Kestrel upstream and hand-written raw-socket upstreams.</summary>
public sealed class SandboxHttpHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KestrelRoundTripsBodiesHeadersAndReusesTheConnection()
    {
        await using var kestrel = await KestrelUpstream.StartAsync();
        using var handler = new SandboxHttpHandler();
        using var client = new HttpMessageInvoker(handler);

        // Content-Length request body, echoed with the request's headers (multiple values joined).
        using var post = new HttpRequestMessage(HttpMethod.Post, kestrel.Url("/echo?x=1")) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("hello body")) };
        post.Headers.TryAddWithoutValidation("X-Multi", ["a", "b"]);
        post.Content.Headers.ContentType = new("text/plain");
        using var echoed = await client.SendAsync(post, Ct);
        Assert.Equal(HttpStatusCode.OK, echoed.StatusCode);
        Assert.Equal("POST /echo?x=1 text/plain a, b 10 hello body", await echoed.Content.ReadAsStringAsync(Ct));
        Assert.Equal(["one=1; Path=/", "two=2; Path=/"], echoed.Headers.GetValues("Set-Cookie"));

        // A body without a length goes chunked.
        using var chunked = new HttpRequestMessage(HttpMethod.Put, kestrel.Url("/echo")) { Content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes("streamed"))) };
        using var chunkedResponse = await client.SendAsync(chunked, Ct);
        Assert.Equal("PUT /echo   - chunked streamed", await chunkedResponse.Content.ReadAsStringAsync(Ct));

        // Big bodies both ways of framing: Content-Length and chunked (Kestrel chunks when no length is set).
        foreach (var path in new[] { "/big?length=1", "/big" })
        {
            using var big = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, kestrel.Url(path)), Ct);
            var bytes = await big.Content.ReadAsByteArrayAsync(Ct);
            Assert.Equal(KestrelUpstream.BigBody, bytes);
            Assert.Equal(!path.Contains("length", StringComparison.Ordinal), big.Headers.TransferEncodingChunked == true);
        }

        // HEAD: headers only, even with a Content-Length.
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, kestrel.Url("/big?length=1")), Ct);
        Assert.Equal(KestrelUpstream.BigBody.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(Ct));

        // Every exchange above ran on one connection, each response having been read to its end.
        using var last = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, kestrel.Url("/connection")), Ct);
        Assert.Equal("1", await last.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, kestrel.Connections);
    }

    [Fact]
    public async Task ChunkedResponsesWithExtensionsAndTrailersAreDecodedAndTheConnectionReused()
    {
        await using var upstream = new RawUpstream(_ => RawReply.Text(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n" +
            "5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n"));
        using var client = new HttpMessageInvoker(new SandboxHttpHandler());
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url()), Ct);
            Assert.Equal("hello world", await response.Content.ReadAsStringAsync(Ct));
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(1, upstream.Connections);
    }

    [Fact]
    public async Task CloseDelimitedBodiesAreReadToTheEndAndTheConnectionIsNotReused()
    {
        await using var upstream = new RawUpstream(_ => RawReply.Text("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", close: true));
        using var handler = new SandboxHttpHandler();
        using var client = new HttpMessageInvoker(handler);
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url()), Ct);
            Assert.Equal("until the end", await response.Content.ReadAsStringAsync(Ct));
        }

        Assert.Equal(2, upstream.Connections);
        Assert.Equal(0, handler.IdleConnectionCount);
    }

    [Fact]
    public async Task BodilessStatusesAndConnectionCloseAreHonoured()
    {
        await using var upstream = new RawUpstream(r => r.Target switch
        {
            "/204" => RawReply.Text("HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n"),
            "/304" => RawReply.Text("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 50\r\n\r\n"),
            "/100" => RawReply.Text("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
            "/close" => RawReply.Text("HTTP/1.1 200 Fine Thanks\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"),
            _ => RawReply.Text("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        });
        using var client = new HttpMessageInvoker(new SandboxHttpHandler());

        using var noContent = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url("/204")), Ct);
        Assert.Equal(HttpStatusCode.NoContent, noContent.StatusCode);
        Assert.Equal("1", noContent.Headers.GetValues("X-A").Single());
        Assert.Empty(await noContent.Content.ReadAsByteArrayAsync(Ct));

        using var notModified = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url("/304")), Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(Ct));

        using var afterInterim = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url("/100")), Ct);
        Assert.Equal(HttpStatusCode.OK, afterInterim.StatusCode);
        Assert.Equal("ok", await afterInterim.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, upstream.Connections);

        using var closing = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url("/close")), Ct);
        Assert.Equal("Fine Thanks", closing.ReasonPhrase);
        Assert.Equal("ok", await closing.Content.ReadAsStringAsync(Ct));
        using var next = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url("/")), Ct);
        Assert.Equal(2, upstream.Connections);
    }

    [Fact]
    public async Task AHalfReadBodyClosesItsConnectionInsteadOfPoolingIt()
    {
        var body = new string('x', 100_000);
        await using var upstream = new RawUpstream(_ => RawReply.Text($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
        using var handler = new SandboxHttpHandler();
        using var client = new HttpMessageInvoker(handler);
        using (var partial = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url()), Ct))
        {
            var stream = await partial.Content.ReadAsStreamAsync(Ct);
            var some = new byte[10];
            Assert.True(await stream.ReadAsync(some, Ct) > 0);
        }

        Assert.Equal(0, handler.IdleConnectionCount);
        using var whole = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url()), Ct);
        Assert.Equal(body, await whole.Content.ReadAsStringAsync(Ct));
        Assert.Equal(2, upstream.Connections);
        Assert.Equal(1, handler.IdleConnectionCount);
    }

    [Fact]
    public async Task APooledConnectionTheServerDroppedIsRetriedOnlyForSafeRequests()
    {
        // Each connection answers its first request and silently hangs up on the second (an idle close racing it).
        await using var upstream = new RawUpstream(r => r.IndexOnConnection == 1
            ? RawReply.Text($"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n{r.Connection}")
            : RawReply.Hangup);
        using var client = new HttpMessageInvoker(new SandboxHttpHandler());

        using (var first = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url()), Ct))
        {
            Assert.Equal("1", await first.Content.ReadAsStringAsync(Ct));
        }

        using (var retried = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url()), Ct))
        {
            Assert.Equal("2", await retried.Content.ReadAsStringAsync(Ct));
        }

        Assert.Equal(2, upstream.Connections);
        var post = new HttpRequestMessage(HttpMethod.Post, upstream.Url()) { Content = new StringContent("once") };
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(post, Ct));
        Assert.Equal(2, upstream.Connections);
        Assert.Single(upstream.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task APooledConnectionClosedWhileIdleIsNotUsedForAnUnsafeRequest()
    {
        // Connection: keep-alive is not promised here: the server closes right after answering (as an idle timeout would).
        await using var upstream = new RawUpstream(r => RawReply.Text($"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n{r.Connection}", close: r.Method == "GET"));
        using var client = new HttpMessageInvoker(new SandboxHttpHandler());
        using (var first = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url()), Ct))
        {
            Assert.Equal("1", await first.Content.ReadAsStringAsync(Ct));
        }

        await Task.Delay(200, Ct);
        using var post = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, upstream.Url()) { Content = new StringContent("x") }, Ct);
        Assert.Equal("2", await post.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task FailuresAreHttpRequestExceptionsAndCancellationIsCancellation()
    {
        using var client = new HttpMessageInvoker(new SandboxHttpHandler());
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{BrokenUpstream.RefusedPort()}/"), Ct));
        Assert.Equal(HttpRequestError.ConnectionError, refused.HttpRequestError);

        await using (var resetting = new RawUpstream(_ => new RawReply([], Reset: true)))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, resetting.Url()), Ct));
        }

        await using var silent = BrokenUpstream.Silent();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{silent.Port}/"), timeout.Token));

        await using var garbage = new RawUpstream(_ => RawReply.Text("SMTP ready\r\n\r\n"));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, garbage.Url()), Ct));
    }

    [Fact]
    public async Task ResponseHeaderStringsFollowChangesBetweenResponsesOnOneConnection()
    {
        await using var upstream = new RawUpstream(r => RawReply.Text($"HTTP/1.1 200 OK\r\nX-N: {r.IndexOnConnection}\r\nContent-Length: 0\r\n\r\n"));
        using var client = new HttpMessageInvoker(new SandboxHttpHandler());
        for (var i = 1; i <= 3; i++)
        {
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url()), Ct);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-N").Single());
        }

        Assert.Equal(1, upstream.Connections);
    }

    [Fact]
    public async Task TheHostHeaderIsTheRequestsOrElseTheEndpoint()
    {
        await using var upstream = new RawUpstream(_ => RawReply.Text("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        using var client = new HttpMessageInvoker(new SandboxHttpHandler());
        using (await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, upstream.Url("/a")), Ct))
        {
        }

        var named = new HttpRequestMessage(HttpMethod.Get, upstream.Url("/b"));
        named.Headers.Host = "p-abc.preview.localhost:5081";
        using (await client.SendAsync(named, Ct))
        {
        }

        Assert.Equal($"127.0.0.1:{upstream.Port}", upstream.Requests[0].Header("Host"));
        Assert.Equal("p-abc.preview.localhost:5081", upstream.Requests[1].Header("Host"));
        Assert.Single(upstream.Requests[1].Headers, h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase));
    }

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    private sealed class KestrelUpstream : IAsyncDisposable
    {
        public static readonly byte[] BigBody = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7))];
        private readonly WebApplication _app;
        private int _connections;

        private KestrelUpstream(WebApplication app) => _app = app;

        public int Connections => Volatile.Read(ref _connections);

        private int Port => new Uri(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()).Port;

        public static async Task<KestrelUpstream> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var upstream = new KestrelUpstream(app);
            var seen = new HashSet<string>();
            app.Use(async (context, next) =>
            {
                lock (seen)
                {
                    if (seen.Add(context.Connection.Id))
                    {
                        upstream._connections++;
                    }
                }

                await next(context);
            });
            app.Map("/echo", async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                context.Response.Headers.Append("Set-Cookie", "one=1; Path=/");
                context.Response.Headers.Append("Set-Cookie", "two=2; Path=/");
                var request = context.Request;
                var length = request.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
                await context.Response.WriteAsync($"{request.Method} {request.Path}{request.QueryString} {request.ContentType} {request.Headers["X-Multi"]} {length} {(request.Headers.TransferEncoding.Count > 0 ? "chunked " : "")}{body}");
            });
            app.Map("/big", async context =>
            {
                if (context.Request.Query.ContainsKey("length"))
                {
                    context.Response.ContentLength = BigBody.Length;
                }

                if (!HttpMethods.IsHead(context.Request.Method))
                {
                    for (var i = 0; i < BigBody.Length; i += 7000)
                    {
                        await context.Response.Body.WriteAsync(BigBody.AsMemory(i, Math.Min(7000, BigBody.Length - i)));
                        await context.Response.Body.FlushAsync();
                    }
                }
            });
            app.Map("/connection", context => context.Response.WriteAsync(upstream.Connections.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await app.StartAsync();
            return upstream;
        }

        public Uri Url(string pathAndQuery) => new($"http://127.0.0.1:{Port}{pathAndQuery}");

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
