using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(CrowNest.Edge.Tests.TestSupport.EdgeFixture))]

namespace CrowNest.Edge.Tests.TestSupport;

/// <summary>
/// One real Kestrel host wired like the server (edge middleware in front of an "API" endpoint) with test route
/// store and authenticator, plus an echo upstream. Tests use distinct slugs, so they share it.
/// </summary>
public sealed class EdgeFixture : IAsyncLifetime
{
    public static readonly string AccessKey = Convert.ToBase64String(SHA256.HashData("crownest edge tests"u8));

    private WebApplication? _app;
    private int _next;

    public InMemoryRouteStore Store { get; } = new();

    public RecordingActivitySink Activity { get; } = new();

    public EchoUpstream Upstream { get; private set; } = null!;

    /// <summary>The API listener (preview hosts are diverted here too).</summary>
    public int ApiPort { get; private set; }

    /// <summary>The edge listener from <see cref="EdgeOptions.Url"/>.</summary>
    public int EdgePort { get; private set; }

    /// <summary>An HTTPS listener (self-signed), for Secure cookie behaviour.</summary>
    public int HttpsPort { get; private set; }

    public HttpClient Client { get; private set; } = null!;

    public HttpMessageInvoker Invoker { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public static EdgeOptions Options(int edgePort) => new()
    {
        Url = $"http://127.0.0.1:{edgePort}",
        AccessKey = AccessKey,
        UpstreamTimeout = TimeSpan.FromSeconds(2),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        RouteCacheTtl = TimeSpan.FromMinutes(10),
        RouteCacheNegativeTtl = TimeSpan.FromMinutes(10),
    };

    public async ValueTask InitializeAsync()
    {
        Upstream = await EchoUpstream.StartAsync();
        EdgePort = BrokenUpstream.RefusedPort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var httpsCertificate = Certificate();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, EdgePort);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(httpsCertificate));
        });
        builder.Services.AddCrowNestEdge()
            .UseOptions(Options(EdgePort))
            .UseRouteStore(Store)
            .UseAuthenticator<TestAuthenticator>()
            .UseActivitySink(Activity);
        _app = builder.Build();
        _app.UseCrowNestEdge();
        _app.Run(context => context.Response.WriteAsync("api"));
        await _app.StartAsync();
        foreach (var address in _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses)
        {
            var uri = new Uri(address);
            if (uri.Scheme == "https")
            {
                HttpsPort = uri.Port;
            }
            else if (uri.Port != EdgePort)
            {
                ApiPort = uri.Port;
            }
        }

        Invoker = new HttpMessageInvoker(LoopbackHandler());
        Client = new HttpClient(LoopbackHandler()) { Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Invoker.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await Upstream.DisposeAsync();
    }

    /// <summary>A fresh slug, so tests never share routes or cache entries.</summary>
    public string NewSlug(string prefix = "p") => $"{prefix}-{Interlocked.Increment(ref _next)}-{Random.Shared.Next(100_000):d5}";

    public PreviewRoute AddRoute(string? slug = null, int? port = null, string projectId = "prj_a", DateTimeOffset? revokedAt = null, DateTimeOffset? expiresAt = null)
    {
        slug ??= NewSlug();
        var route = new PreviewRoute
        {
            PreviewId = "prv_" + slug.Replace("-", "", StringComparison.Ordinal),
            Slug = slug,
            ProjectId = projectId,
            OrganizationId = "org_a",
            TargetPort = port ?? Upstream.Port,
            RevokedAt = revokedAt,
            ExpiresAt = expiresAt,
        };
        Store.Put(route);
        return route;
    }

    /// <summary>URL of a preview host; the client's connect callback sends every host to 127.0.0.1.</summary>
    public Uri Url(string slug, string pathAndQuery = "/", int? port = null, string scheme = "http") =>
        new($"{scheme}://{slug}.preview.localhost:{port ?? (scheme == "https" ? HttpsPort : ApiPort)}{pathAndQuery}");

    public PreviewAccessLinks Links => Services.GetRequiredService<PreviewAccessLinks>();

    public PreviewRouteCache Cache => Services.GetRequiredService<PreviewRouteCache>();

    /// <summary>A signer with the edge's key and a shifted clock (negative shift: tokens minted in the past).</summary>
    public static PreviewAccessLinks LinksAt(TimeSpan shift) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(0)), new ShiftedTimeProvider(shift));

    public async Task<HttpResponseMessage> SendAsync(Uri url, Action<HttpRequestMessage>? configure = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        configure?.Invoke(request);
        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    public static async Task<string> ErrorCodeAsync(HttpResponseMessage response) =>
        (await JsonAsync(response)).GetProperty("error").GetProperty("code").GetString()!;

    private static SocketsHttpHandler LoopbackHandler() => new()
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        UseProxy = false,
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        ConnectCallback = async (context, token) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), token);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>A self-signed certificate for <c>preview.localhost</c> usable by a Kestrel HTTPS listener.</summary>
    public static X509Certificate2 Certificate()
    {
        using var certificate = SelfSignedCertificate();
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=preview.localhost", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
