using System.Net;
using System.Net.Http.Headers;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Server.Tests;

public sealed class BootstrapTokenTests(ClassDatabase database) : IClassFixture<ClassDatabase>
{
    private const string Token = "cn_test_bootstrap_idempotent_0000000001";

    [Fact]
    public async Task RestartsKeepExactlyOneWorkingOrgAdminKey()
    {
        await StartAndCheckAsync();
        await StartAndCheckAsync();

        await using var db = NewDb();
        var hash = ApiKeySecrets.Hash(Token);
        var key = await db.ApiKeys.SingleAsync(k => k.KeyHash == hash);
        Assert.Equal(1, await db.ApiKeys.CountAsync());
        Assert.Equal(1, await db.Organizations.CountAsync());
        var member = await db.OrganizationMembers.SingleAsync(m => m.OrganizationId == key.OrganizationId && m.UserId == key.UserId);
        Assert.Equal(OrganizationRoles.Admin, member.Role);
        Assert.True(PrefixedId.IsValid(key.Id, PrefixedId.ApiKey));
        Assert.Equal(ApiKeySecrets.VisiblePrefix(Token), key.Prefix);

        // A revoked bootstrap key is made usable again: the operator asked for this secret to work.
        key.RevokedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
        await StartAndCheckAsync();
        Assert.Equal(1, await db.ApiKeys.CountAsync());
    }

    private async Task StartAndCheckAsync()
    {
        await using var factory = new CrowNestFactory(database.ConnectionString, new Dictionary<string, string?> { ["Bootstrap:Token"] = Token });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private CrowNestDbContext NewDb() =>
        new(new DbContextOptionsBuilder<CrowNestDbContext>().UseNpgsql(database.ConnectionString).Options);
}
