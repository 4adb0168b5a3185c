using CrowNest.Platform.Auth;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Platform.Data;

/// <summary>Bootstrap API key (config section <c>Bootstrap</c>).</summary>
public sealed record BootstrapOptions
{
    public const string Section = "Bootstrap";

    /// <summary>When set, an org-admin API key whose secret is exactly this value exists after startup.</summary>
    public string? Token { get; init; }
}

/// <summary>Development seed (config section <c>Dev</c>).</summary>
public sealed record DevOptions
{
    public const string Section = "Dev";

    /// <summary>Seed a development organization, user, workspace and project plus a dev API key.</summary>
    public bool Seed { get; init; }

    /// <summary>Where the dev API key's secret is written (mode 600).</summary>
    public string TokenFile { get; init; } = ".crownest/dev-token";
}

/// <summary>
/// Idempotent seeding. Each step runs in a transaction under an advisory lock so concurrent servers agree on one
/// result instead of racing on unique constraints.
/// </summary>
public sealed class Seeder(CrowNestDbContext db)
{
    private const long SeedLockKey = 0x43726F774E657375;

    public sealed record Tenancy(Organization Organization, User User, Workspace Workspace, Project Project);

    /// <summary>
    /// Ensures the bootstrap key exists and is usable in the <c>crownest</c> organization: its user is an organization
    /// admin and the key holds every named scope (including <c>admin</c>).
    /// </summary>
    public async Task<ApiKey> EnsureBootstrapKeyAsync(string secret, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        await using var tx = await BeginLockedAsync(ct);
        var t = await EnsureTenancyAsync("crownest", "CrowNest", "admin@crownest.local", "CrowNest Admin", OrganizationRoles.Admin, ct);
        var hash = ApiKeySecrets.Hash(secret);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.KeyHash == hash, ct);
        if (key is null)
        {
            key = NewKey(t, "bootstrap", secret);
            db.ApiKeys.Add(key);
        }
        else
        {
            // The operator asked for this exact secret to work; undo a revocation or expiry.
            key.RevokedAt = null;
            key.ExpiresAt = null;
            key.Scopes = [.. Scopes.All];
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return key;
    }

    /// <summary>Seeds the dev tenancy and returns a working dev secret (reusing <paramref name="existingSecret"/> if valid).</summary>
    public async Task<(Tenancy Tenancy, string Secret)> EnsureDevAsync(string? existingSecret, CancellationToken ct)
    {
        await using var tx = await BeginLockedAsync(ct);
        var t = await EnsureTenancyAsync("dev", "Development", "dev@crownest.local", "Developer", OrganizationRoles.Owner, ct);
        string? secret = null;
        if (!string.IsNullOrWhiteSpace(existingSecret))
        {
            var hash = ApiKeySecrets.Hash(existingSecret);
            var now = DateTimeOffset.UtcNow;
            if (await db.ApiKeys.AnyAsync(k => k.KeyHash == hash && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now), ct))
            {
                secret = existingSecret;
            }
        }

        if (secret is null)
        {
            secret = ApiKeySecrets.NewSecret();
            db.ApiKeys.Add(NewKey(t, "dev", secret));
            await db.SaveChangesAsync(ct);
        }

        await tx.CommitAsync(ct);
        return (t, secret);
    }

    private async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginLockedAsync(CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SeedLockKey})", ct);
        return tx;
    }

    private async Task<Tenancy> EnsureTenancyAsync(string orgSlug, string orgName, string email, string userName, string orgRole, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var org = await db.Organizations.FirstOrDefaultAsync(o => o.Slug == orgSlug, ct);
        if (org is null)
        {
            org = new Organization { Id = PrefixedId.New(PrefixedId.Organization), Slug = orgSlug, Name = orgName, CreatedAt = now, UpdatedAt = now };
            db.Organizations.Add(org);
        }

        var lowered = email.ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email.ToLower() == lowered, ct);
        if (user is null)
        {
            user = new User { Id = PrefixedId.New(PrefixedId.User), Email = email, Name = userName, CreatedAt = now, UpdatedAt = now };
            db.Users.Add(user);
        }

        var membership = await db.OrganizationMembers.FirstOrDefaultAsync(m => m.OrganizationId == org.Id && m.UserId == user.Id, ct);
        if (membership is null)
        {
            db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = org.Id, UserId = user.Id, Role = orgRole, CreatedAt = now });
        }
        else if (membership.Role == OrganizationRoles.Member)
        {
            // The seeded keys must keep acting as organization admins, whatever was changed by hand since.
            membership.Role = orgRole;
        }

        var ws = await db.Workspaces.FirstOrDefaultAsync(w => w.OrganizationId == org.Id && w.Slug == "default", ct);
        if (ws is null)
        {
            ws = new Workspace { Id = PrefixedId.New(PrefixedId.Workspace), OrganizationId = org.Id, Slug = "default", Name = "Default", CreatedAt = now, UpdatedAt = now };
            db.Workspaces.Add(ws);
        }

        if (!await db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == ws.Id && m.UserId == user.Id, ct))
        {
            db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = ws.Id, UserId = user.Id, Role = WorkspaceRoles.Admin, CreatedAt = now });
        }

        var project = await db.Projects.FirstOrDefaultAsync(p => p.WorkspaceId == ws.Id, ct);
        if (project is null)
        {
            project = new Project { Id = PrefixedId.New(PrefixedId.Project), WorkspaceId = ws.Id, Name = "Default", CreatedAt = now, UpdatedAt = now };
            db.Projects.Add(project);
        }

        await db.SaveChangesAsync(ct);
        return new Tenancy(org, user, ws, project);
    }

    private static ApiKey NewKey(Tenancy t, string name, string secret) => new()
    {
        Id = PrefixedId.New(PrefixedId.ApiKey),
        UserId = t.User.Id,
        OrganizationId = t.Organization.Id,
        Name = name,
        Prefix = ApiKeySecrets.VisiblePrefix(secret),
        KeyHash = ApiKeySecrets.Hash(secret),
        Scopes = [.. Scopes.All],
        CreatedAt = DateTimeOffset.UtcNow,
    };
}
