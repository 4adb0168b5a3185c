using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Sandboxes;
using CrowNest.Server.Tests.Apps;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>Tenants, keys and HTTP helpers for the sandbox API tests (real PostgreSQL, real bubblewrap runtime).</summary>
internal static class SandboxTestSupport
{
    public static Dictionary<string, string?> Settings(string root) => new()
    {
        ["Sandboxes:Runtime"] = "process",
        ["Sandboxes:Process:RootDirectory"] = root,
        ["Previews:Scheme"] = "http",
        ["Previews:BaseDomain"] = "preview.localhost:5081",
        ["Previews:MaxActivePerProject"] = "3",
        ["SandboxApi:ReaperInterval"] = "00:00:00.200",
        ["SandboxApi:StreamKeepAliveInterval"] = "00:00:00.500",
    };

    public static void SkipWithoutBubblewrap()
    {
        if (!File.Exists("/usr/bin/bwrap"))
        {
            Assert.Skip("bubblewrap (/usr/bin/bwrap) is not installed; ./crownest test installs it");
        }
    }

    /// <summary>An organization with one workspace the key's user is a member of, and a key with <paramref name="scopes"/>.</summary>
    public static async Task<(string Secret, string OrgId, string UserId, string WorkspaceId)> TenantAsync(string connectionString, string slug, params string[] scopes)
    {
        var (org, user, workspaces) = await AppRows.TenancyAsync(connectionString, $"{slug}-{Guid.NewGuid():N}"[..20], 1);
        var secret = await KeyAsync(connectionString, org.Id, user.Id, scopes.Length == 0 ? [.. Scopes.All.Where(s => s != Scopes.Admin)] : scopes);
        await using var db = AppRows.NewDb(connectionString);
        db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = org.Id, UserId = user.Id, Role = OrganizationRoles.Member, CreatedAt = DateTimeOffset.UtcNow });
        db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaces[0].Id, UserId = user.Id, Role = WorkspaceRoles.Editor, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return (secret, org.Id, user.Id, workspaces[0].Id);
    }

    public static async Task<string> KeyAsync(string connectionString, string orgId, string userId, string[] scopes)
    {
        var secret = ApiKeySecrets.NewSecret();
        await using var db = AppRows.NewDb(connectionString);
        db.ApiKeys.Add(new ApiKey
        {
            Id = PrefixedId.New(PrefixedId.ApiKey),
            UserId = userId,
            OrganizationId = orgId,
            Name = "test",
            Prefix = ApiKeySecrets.VisiblePrefix(secret),
            KeyHash = ApiKeySecrets.Hash(secret),
            Scopes = scopes,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return secret;
    }

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, string secret, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (body is string raw)
        {
            request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task AssertErrorAsync(this HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {text}");
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(code, doc.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string because)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting: " + because);
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>
/// The lifecycle the sandbox API test classes share: one server per class over the class's database with the process
/// runtime in a private root, tenants "mine" and "theirs" with every non-admin scope; disposal destroys whatever the
/// runtime still has and removes the root.
/// </summary>
public abstract class SandboxApiTestBase(ClassDatabase database, string name) : IAsyncLifetime
{
    protected string Root { get; } = Path.Combine(Path.GetTempPath(), $"crownest-{name}-" + Guid.NewGuid().ToString("N")[..8]);

    protected string ConnectionString => database.ConnectionString;

    private CrowNestFactory? _root;

    protected WebApplicationFactory<Program> Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    /// <summary>Key of the "mine" tenant (all scopes but admin).</summary>
    protected string Mine { get; private set; } = "";

    /// <summary>Key of another organization (all scopes but admin).</summary>
    protected string Theirs { get; private set; } = "";

    protected string MyOrg { get; private set; } = "";

    protected string MyUser { get; private set; } = "";

    protected string MyWorkspace { get; private set; } = "";

    /// <summary>Creates a project over REST as <paramref name="secret"/>'s tenant; its ID.</summary>
    protected async Task<string> NewProjectIdAsync(string secret, string name = "test")
    {
        using var created = await Client.SendAsync(HttpMethod.Post, "/v1/projects", secret, new { name });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.JsonAsync()).GetProperty("project").GetProperty("id").GetString()!;
    }

    /// <summary>Creates a sandbox (in a new project unless one is given); its ID.</summary>
    protected async Task<string> NewSandboxIdAsync(string secret, string? projectId = null)
    {
        projectId ??= await NewProjectIdAsync(secret);
        using var created = await Client.SendAsync(HttpMethod.Post, "/v1/sandboxes", secret, new { projectId });
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("sandbox").GetProperty("id").GetString()!;
    }

    /// <summary>Starts <paramref name="command"/> in the sandbox as <see cref="Mine"/>; the command's ID.</summary>
    protected async Task<string> RunCommandAsync(string sandboxId, string command)
    {
        using var run = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command });
        var text = await run.Content.ReadAsStringAsync();
        Assert.True(run.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("command").GetProperty("id").GetString()!;
    }

    public virtual async ValueTask InitializeAsync()
    {
        SandboxTestSupport.SkipWithoutBubblewrap();
        var settings = SandboxTestSupport.Settings(Root);
        ConfigureSettings(settings);
        _root = new CrowNestFactory(database.ConnectionString, settings);
        Factory = _root.WithWebHostBuilder(b => b.ConfigureServices(ConfigureServices));
        Client = Factory.CreateClient();
        (Mine, MyOrg, MyUser, MyWorkspace) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "mine");
        (Theirs, _, _, _) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "theirs");
    }

    /// <summary>Adjusts the class's server settings (the defaults are <see cref="SandboxTestSupport.Settings"/>).</summary>
    protected virtual void ConfigureSettings(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Replaces or decorates the class's server services (runs after the application's registrations).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (Factory is null)
        {
            return;
        }

        var runtime = Factory.Services.GetRequiredService<ISandboxRuntime>();
        foreach (var info in await runtime.ListAsync())
        {
            await runtime.DestroyAsync(info.Id);
        }

        Client.Dispose();
        await Factory.DisposeAsync();
        await _root!.DisposeAsync();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, true);
        }
    }
}
