using System.Net;
using System.Net.Http.Headers;
using CrowNest.Server.Tests.Sandboxes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.Infrastructure;

/// <summary>
/// A real HTTP app standing in for a sandbox's dev server (the process runtime shares the host network): it answers
/// <c>path=…;auth=…;cookie=…</c> with what it received, so tests see exactly what the edge forwarded.
/// </summary>
public sealed class EchoUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoUpstream(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<EchoUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync(
            $"path={context.Request.Path}{context.Request.QueryString};auth={context.Request.Headers.Authorization};cookie={context.Request.Headers.Cookie}"));
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return new EchoUpstream(app, port);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>Previews created through the REST API and requests sent to an edge the way a browser or API client would.</summary>
public static class PreviewRig
{
    /// <summary>A project, a sandbox and a preview of <paramref name="port"/> owned by <paramref name="key"/>'s tenant.</summary>
    public static async Task<(string PreviewId, string SandboxId, string Host)> CreatePreviewAsync(this HttpClient api, string key, int port)
    {
        using var project = await api.SendAsync(HttpMethod.Post, "/v1/projects", key, new { name = "edge" });
        var projectId = (await project.JsonAsync()).GetProperty("project").GetProperty("id").GetString()!;
        using var sandbox = await api.SendAsync(HttpMethod.Post, "/v1/sandboxes", key, new { projectId });
        Assert.Equal(HttpStatusCode.Created, sandbox.StatusCode);
        var sandboxId = (await sandbox.JsonAsync()).GetProperty("sandbox").GetProperty("id").GetString()!;
        using var preview = await api.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/previews", key, new { port });
        Assert.Equal(HttpStatusCode.Created, preview.StatusCode);
        var json = (await preview.JsonAsync()).GetProperty("preview");
        return (json.GetProperty("id").GetString()!, sandboxId, new Uri(json.GetProperty("url").GetString()!).Host);
    }

    /// <summary>A GET for <paramref name="host"/> (JSON accepted) with an optional bearer key and Cookie header.</summary>
    public static HttpRequestMessage EdgeRequest(string host, string url, string? key = null, string? cookie = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Host = host;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return request;
    }
}
