using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Server.Tests.Apps;
using CrowNest.Server.Tests.Sandboxes;

namespace CrowNest.Server.Tests.PreviewSessions;

/// <summary>Tenants, keys, app versions and session polling shared by the preview session tests (REST, GraphQL, subscriptions, edge).</summary>
internal static class PreviewSessionTestSupport
{
    /// <summary>A zero-dependency dev server: serves message.txt (read per request) on --port.</summary>
    public const string MessageServer = """
        const http = require('http');
        const fs = require('fs');
        const i = process.argv.indexOf('--port');
        const port = Number(i >= 0 ? process.argv[i + 1] : process.env.PORT);
        http.createServer((req, res) => {
          let body = 'missing';
          try { body = fs.readFileSync('message.txt', 'utf8'); } catch {}
          res.end(body);
        }).listen(port, '127.0.0.1', () => console.log('listening on ' + port + ' env ' + process.env.PORT));
        """;

    /// <summary>
    /// A key with <paramref name="scopes"/>: for a new organization whose user edits one new workspace, or, with
    /// <paramref name="workspaceId"/>, another key of that workspace's member.
    /// </summary>
    public static async Task<(string Secret, string WorkspaceId)> KeyAsync(string connectionString, string slug, string[] scopes, string? workspaceId = null)
    {
        await using var db = AppRows.NewDb(connectionString);
        string orgId;
        string userId;
        if (workspaceId is null)
        {
            var (org, user, workspaces) = await AppRows.TenancyAsync(connectionString, $"{slug}-{Guid.NewGuid():N}"[..20], 1);
            orgId = org.Id;
            userId = user.Id;
            workspaceId = workspaces[0].Id;
            db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = orgId, UserId = userId, Role = OrganizationRoles.Member, CreatedAt = DateTimeOffset.UtcNow });
            db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaceId, UserId = userId, Role = WorkspaceRoles.Editor, CreatedAt = DateTimeOffset.UtcNow });
        }
        else
        {
            var member = db.WorkspaceMembers.First(m => m.WorkspaceId == workspaceId);
            userId = member.UserId;
            orgId = db.Workspaces.First(w => w.Id == workspaceId).OrganizationId;
        }

        var secret = ApiKeySecrets.NewSecret();
        db.ApiKeys.Add(new ApiKey
        {
            Id = PrefixedId.New(PrefixedId.ApiKey),
            UserId = userId,
            OrganizationId = orgId,
            Name = slug,
            Prefix = ApiKeySecrets.VisiblePrefix(secret),
            KeyHash = ApiKeySecrets.Hash(secret),
            Scopes = scopes,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return (secret, workspaceId);
    }

    /// <summary>A new app in the workspace whose default version holds <paramref name="files"/>; returns the version id.</summary>
    public static async Task<string> VersionAsync(this HttpClient client, string secret, string workspaceId, IReadOnlyDictionary<string, string> files)
    {
        using var created = await client.SendAsync(HttpMethod.Post, "/api/apps", secret, new { workspaceId, name = "Preview " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var version = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("defaultVersionId").GetString()!;
        foreach (var (path, content) in files)
        {
            using var file = await client.SendAsync(HttpMethod.Post, $"/api/app-versions/{version}/files", secret, new { path, content });
            Assert.True(file.IsSuccessStatusCode, $"{path}: {file.StatusCode}");
        }

        return version;
    }

    /// <summary>A version running <see cref="MessageServer"/> as its dev script, serving <paramref name="message"/>.</summary>
    public static Task<string> MessageVersionAsync(this HttpClient client, string secret, string workspaceId, string message) =>
        client.VersionAsync(secret, workspaceId, new Dictionary<string, string>
        {
            ["package.json"] = """{"name":"zero","private":true,"scripts":{"dev":"node server.js"}}""",
            ["server.js"] = MessageServer,
            ["message.txt"] = message,
        });

    public static async Task<JsonElement> GetSessionAsync(this HttpClient client, string secret, string id)
    {
        using var response = await client.SendAsync(HttpMethod.Get, $"/api/apps/preview/{id}", secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Starts a session of the version and returns its id.</summary>
    public static async Task<string> StartSessionAsync(this HttpClient client, string secret, string versionId)
    {
        using var created = await client.SendAsync(HttpMethod.Post, "/api/app-preview-sessions", secret, new { appVersionId = versionId });
        Assert.True(created.IsSuccessStatusCode, created.StatusCode.ToString());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Polls until the session has <paramref name="status"/>; fails early when it ends otherwise.</summary>
    public static async Task<JsonElement> WaitForStatusAsync(this HttpClient client, string secret, string id, string status)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var session = await client.GetSessionAsync(secret, id);
            var current = session.GetProperty("status").GetString();
            if (current == status)
            {
                return session;
            }

            Assert.True(current is not ("failed" or "stopped"), $"session ended as {current}: {session}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"still {current}: {session}");
            await Task.Delay(50);
        }
    }

    /// <summary>Settings of a test server whose preview URLs look like the dev edge's (<c>http://p-xxxxxx.preview.localhost:5081</c>).</summary>
    public static Dictionary<string, string?> Settings(string root, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sandboxes:Process:RootDirectory"] = root,
            ["Previews:Scheme"] = "http",
            ["Previews:BaseDomain"] = "preview.localhost:5081",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A GET through the edge (the in-memory server routes by the preview host).</summary>
    public static async Task<HttpResponseMessage> ViaEdgeAsync(this HttpClient client, string host, string pathAndQuery, string? key = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Host = host;
        request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/json"));
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await client.SendAsync(request);
    }

    /// <summary>The dev server's answer through the edge with a Bearer key (must be 200).</summary>
    public static async Task<string> EdgeTextAsync(this HttpClient client, string host, string key)
    {
        using var response = await client.ViaEdgeAsync(host, "/", key);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        return body;
    }

    /// <summary>Polls the edge until the host answers <paramref name="status"/> (route caches follow NOTIFY, not instantly).</summary>
    public static async Task AssertEdgeStatusAsync(this HttpClient client, string host, string key, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode last;
        do
        {
            using var response = await client.ViaEdgeAsync(host, "/", key);
            last = response.StatusCode;
            if (last == status)
            {
                return;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(status, last);
    }
}
