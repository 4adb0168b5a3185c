using System.Net;
using CrowNest.Platform.Installations;
using CrowNest.Platform.Sandboxes;
using CrowNest.Sandboxes;
using CrowNest.Sandboxes.Docker;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>
/// Two installations (two databases) sharing one dockerd, or one process sandbox root: each owns its sandboxes (the
/// installation id stored in its database), and the startup reconciliation of one destroys its own orphans but leaves
/// the other's sandboxes running.
/// </summary>
public sealed class InstallationOwnershipTests(ClassDatabase database) : IClassFixture<ClassDatabase>
{
    [Fact]
    public async Task TheInstallationIdIsGeneratedOnceAndStable()
    {
        var other = await database.Postgres.CreateDatabaseAsync();
        await using var first = NpgsqlDataSource.Create(database.ConnectionString);
        await using var second = NpgsqlDataSource.Create(other.ConnectionString);
        var id = await InstallationIdentity.GetOrCreateAsync(first, CancellationToken.None);
        Assert.Matches("^ins-[0-9a-f]{24}$", id);
        Assert.Equal(id, await InstallationIdentity.GetOrCreateAsync(first, CancellationToken.None));
        Assert.NotEqual(id, await InstallationIdentity.GetOrCreateAsync(second, CancellationToken.None));
    }

    [Fact]
    public async Task ProcessRuntime_ReconcilingOneInstallationLeavesTheOthersSandboxesRunning()
    {
        SandboxTestSupport.SkipWithoutBubblewrap();
        var root = TempDirs.Create("crownest-owners");
        try
        {
            await ReconcileOneLeavesTheOtherAsync(SandboxTestSupport.Settings(root));
        }
        finally
        {
            TempDirs.Delete(root);
        }
    }

    [Fact]
    public async Task DockerRuntime_ReconcilingOneInstallationLeavesTheOthersContainersRunning()
    {
        await DockerSupport.SkipIfUnavailableAsync();
        await ReconcileOneLeavesTheOtherAsync(DockerSupport.Settings());
    }

    private async Task ReconcileOneLeavesTheOtherAsync(Dictionary<string, string?> settings)
    {
        var otherDatabase = await database.Postgres.CreateDatabaseAsync();
        await using var a = new CrowNestFactory(database.ConnectionString, settings);
        await using var b = new CrowNestFactory(otherDatabase.ConnectionString, settings);
        var runtimeA = a.Services.GetRequiredService<ISandboxRuntime>();
        var runtimeB = b.Services.GetRequiredService<ISandboxRuntime>();
        var ownerA = await a.Services.GetRequiredService<SandboxOwner>().GetAsync();
        var ownerB = await b.Services.GetRequiredService<SandboxOwner>().GetAsync();
        Assert.NotEqual(ownerA, ownerB);

        // B's sandbox through B's API; an orphan of A (no database row) directly in A's runtime.
        var (secret, _, _, workspaceId) = await SandboxTestSupport.TenantAsync(otherDatabase.ConnectionString, "owner-b");
        using var client = b.CreateClient();
        using var project = await client.SendAsync(HttpMethod.Post, "/v1/projects", secret, new { name = "B" });
        Assert.Equal(HttpStatusCode.Created, project.StatusCode);
        var projectId = (await project.JsonAsync()).GetProperty("project").GetProperty("id").GetString()!;
        using var created = await client.SendAsync(HttpMethod.Post, "/v1/sandboxes", secret, new { projectId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var sandboxId = (await created.JsonAsync()).GetProperty("sandbox").GetProperty("id").GetString()!;
        var theirs = SandboxService.RuntimeIdOf(sandboxId);
        var orphan = await runtimeA.CreateAsync(new SandboxSpec { Id = "sbx-orphan" + Guid.NewGuid().ToString("N")[..8] });
        try
        {
            if (runtimeB is DockerSandboxRuntime docker)
            {
                var container = await docker.Client.InspectContainerAsync("crownest-" + theirs);
                Assert.Equal(ownerB, container.Config!.Labels![DockerSandboxRuntime.OwnerLabel]);
            }

            await a.Services.GetRequiredService<SandboxHousekeeping>().ReconcileAsync(CancellationToken.None);

            Assert.Null(await runtimeA.InspectAsync(orphan.Id));
            Assert.NotNull(await runtimeB.InspectAsync(theirs));
            using var run = await client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", secret, new { command = "echo alive" });
            Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        }
        finally
        {
            await runtimeA.DestroyAsync(orphan.Id);
            await runtimeB.DestroyAsync(theirs);
        }
    }
}
