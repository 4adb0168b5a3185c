using System.Net;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrowNest.GraphQL.Tests.Transport;

/// <summary>
/// <c>MapGraphQLWebSocket</c> sharing the path of an authorized <c>MapGraphQL</c>: HTTP needs the header, the WebSocket
/// upgrade is anonymous and authenticated from <c>connection_init</c>.
/// </summary>
public sealed class SubscriptionsEndpointTests
{
    private sealed class HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers["X-User"].ToString() is not { Length: > 0 } user)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], "Header"));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, "Header")));
        }
    }

    private static async Task<(WebApplication App, Uri Address)> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthentication("Header").AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>("Header", null);
        builder.Services.AddAuthorization();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<StreamProbe>();
        builder.Services.AddScoped<ScopeProbe>();
        builder.Services.AddGraphQL().AddSchema(_ => SubscriptionsTestSchema.Create()).AddWebSocketInterceptor<TestInterceptor>();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGraphQL("/graphql").RequireAuthorization();
        app.MapGraphQLWebSocket("/graphql").AllowAnonymous();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    [Fact]
    public async Task Authorized_HTTP_endpoint_and_anonymous_WebSocket_endpoint_share_the_path()
    {
        var (app, address) = await StartAsync();
        await using var _ = app;
        using var http = new HttpClient { BaseAddress = address };

        using var anonymous = await http.PostAsync("/graphql", new StringContent("""{"query":"{ whoami }"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var authorized = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent("""{"query":"{ whoami }"}""", Encoding.UTF8, "application/json") };
        authorized.Headers.Add("X-User", "bob");
        using var ok = await http.SendAsync(authorized);
        Assert.Equal("""{"data":{"whoami":"bob"}}""", await ok.Content.ReadAsStringAsync());

        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        await socket.ConnectAsync(new UriBuilder(address) { Scheme = "ws", Path = "/graphql" }.Uri, CancellationToken.None);
        await socket.SendAsync("""{"type":"connection_init","payload":{"authorization":"Bearer secret"}}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        await socket.SendAsync("""{"id":"1","type":"subscribe","payload":{"query":"{ whoami }"}}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        var messages = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (messages.Count < 3)
        {
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            messages.Add(Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        Assert.Equal(
            [
                """{"type":"connection_ack","payload":{"welcome":"alice"}}""",
                """{"id":"1","type":"next","payload":{"data":{"whoami":"alice"}}}""",
                """{"id":"1","type":"complete"}""",
            ],
            messages);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task The_WebSocket_only_endpoint_refuses_plain_requests_when_alone()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddGraphQL().AddSchema(_ => SubscriptionsTestSchema.Create());
        await using var app = builder.Build();
        app.MapGraphQLWebSocket("/ws");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        using var response = await http.GetAsync("/ws");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
