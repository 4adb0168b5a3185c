using System.Text;
using System.Text.RegularExpressions;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CrowNest.Platform.Tenancy;

/// <summary>A workspace with the project that holds its previews (one per workspace).</summary>
public sealed record WorkspaceInfo
{
    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
    public required string Slug { get; init; }
    public required string Name { get; init; }
    public string? ProjectId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A membership with the member's public fields.</summary>
public sealed record MemberInfo
{
    /// <summary>The organization or workspace ID.</summary>
    public required string TargetId { get; init; }
    public required User User { get; init; }
    public required string Role { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A new API key and its secret, which is never available again.</summary>
public sealed record CreatedApiKey(ApiKey ApiKey, string Secret);

/// <summary>A new organization and the owner key that acts in it (a key always belongs to one organization).</summary>
public sealed record CreatedOrganization(Organization Organization, ApiKey ApiKey, string Secret);

public sealed record CreateOrganizationInput
{
    public string? Name { get; init; }
    public string? Slug { get; init; }
}

public sealed record CreateWorkspaceInput
{
    public string? Name { get; init; }
    public string? OrganizationId { get; init; }
}

public sealed record AddOrganizationMemberInput
{
    public string? OrganizationId { get; init; }
    public string? Email { get; init; }
    public string? Name { get; init; }
    public string? Role { get; init; }
}

public sealed record AddWorkspaceMemberInput
{
    public string? WorkspaceId { get; init; }
    public string? UserId { get; init; }
    public string? Email { get; init; }
    public string? Role { get; init; }
}

public sealed record CreateApiKeyInput
{
    public string? Name { get; init; }
    public IReadOnlyList<string>? Scopes { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>
/// Organizations, workspaces, members and API keys behind GraphQL and REST <c>/api/workspaces</c>. A key acts for
/// its user inside its own organization only: other organizations, and workspaces the user cannot see, are
/// <c>not_found</c>. Reading the caller's own tenancy needs no scope; every change needs the <c>admin</c> scope
/// plus the role (org owner/admin for workspaces and org members, workspace admin for workspace members).
/// </summary>
public sealed partial class TenancyService(CrowNestDbContext db)
{
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 320;

    public static IReadOnlyList<string> OrganizationRoleNames { get; } = [OrganizationRoles.Owner, OrganizationRoles.Admin, OrganizationRoles.Member];

    public static IReadOnlyList<string> WorkspaceRoleNames { get; } = [WorkspaceRoles.Admin, WorkspaceRoles.Editor, WorkspaceRoles.Viewer];

    public async Task<Result<User>> GetUserAsync(Caller caller, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == caller.UserId, ct);
        return user is null ? PlatformError.NotFound("User") : user;
    }

    /// <summary>The key's organization; any other ID is <c>not_found</c>.</summary>
    public async Task<Result<Organization>> GetOrganizationAsync(Caller caller, string? id, CancellationToken ct)
    {
        if (id is not null && id != caller.OrganizationId)
        {
            return PlatformError.NotFound("Organization");
        }

        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == caller.OrganizationId, ct);
        return org is null ? PlatformError.NotFound("Organization") : org;
    }

    public async Task<Result<IReadOnlyList<WorkspaceInfo>>> ListWorkspacesAsync(Caller caller, CancellationToken ct) =>
        await WorkspaceInfos(db.VisibleWorkspaces(caller)).OrderBy(w => w.Id).ToListAsync(ct);

    public async Task<Result<WorkspaceInfo>> GetWorkspaceAsync(Caller caller, string id, CancellationToken ct)
    {
        if (!PrefixedId.IsValid(id, PrefixedId.Workspace))
        {
            return PlatformError.NotFound("Workspace");
        }

        var ws = await WorkspaceInfos(db.VisibleWorkspaces(caller).Where(w => w.Id == id)).FirstOrDefaultAsync(ct);
        return ws is null ? PlatformError.NotFound("Workspace") : ws;
    }

    /// <summary>
    /// Creates an organization owned by the caller's user plus an owner key (all scopes) for it, since the caller's
    /// key stays bound to its own organization. Needs the <c>admin</c> scope.
    /// </summary>
    public async Task<Result<CreatedOrganization>> CreateOrganizationAsync(Caller caller, CreateOrganizationInput input, CancellationToken ct)
    {
        var name = input.Name?.Trim();
        if (!ValidName(name))
        {
            return PlatformError.Invalid($"name: required, 1-{MaxNameLength} characters");
        }

        if (input.Slug is not null && !SlugPattern().IsMatch(input.Slug))
        {
            return PlatformError.Invalid("slug: 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit");
        }

        if (!caller.Has(Scopes.Admin))
        {
            return PlatformError.MissingScope(Scopes.Admin);
        }

        var slug = input.Slug;
        if (slug is null)
        {
            var baseSlug = Slugify(name!, "org");
            slug = baseSlug;
            for (var i = 2; await db.Organizations.AnyAsync(o => o.Slug == slug, ct); i++)
            {
                slug = Suffixed(baseSlug, i);
            }
        }
        else if (await db.Organizations.AnyAsync(o => o.Slug == input.Slug, ct))
        {
            return SlugTaken(slug);
        }

        var now = DateTimeOffset.UtcNow;
        var org = new Organization { Id = PrefixedId.New(PrefixedId.Organization, now), Slug = slug, Name = name!, CreatedAt = now, UpdatedAt = now };
        db.Organizations.Add(org);
        db.OrganizationMembers.Add(new OrganizationMember { OrganizationId = org.Id, UserId = caller.UserId, Role = OrganizationRoles.Owner, CreatedAt = now });
        var secret = ApiKeySecrets.NewSecret();
        var key = NewKey(caller.UserId, org.Id, $"{slug} owner", secret, [.. Scopes.All], null, now);
        db.ApiKeys.Add(key);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return SlugTaken(slug);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return new CreatedOrganization(org, key, secret);
    }

    /// <summary>Creates a workspace and its project in the caller's organization; the creator becomes its admin.</summary>
    public async Task<Result<WorkspaceInfo>> CreateWorkspaceAsync(Caller caller, CreateWorkspaceInput input, CancellationToken ct)
    {
        var name = input.Name?.Trim();
        if (!ValidName(name))
        {
            return PlatformError.Invalid($"name: required, 1-{MaxNameLength} characters");
        }

        if (input.OrganizationId is not null && input.OrganizationId != caller.OrganizationId)
        {
            return PlatformError.NotFound("Organization");
        }

        if (!caller.Has(Scopes.Admin))
        {
            return PlatformError.MissingScope(Scopes.Admin);
        }

        if (!await IsOrganizationAdminAsync(caller, ct))
        {
            return PlatformError.Forbidden("Only organization owners and admins may create workspaces");
        }

        var orgId = caller.OrganizationId;
        var baseSlug = Slugify(name!, "workspace");
        var slug = baseSlug;
        for (var i = 2; await db.Workspaces.AnyAsync(w => w.OrganizationId == orgId && w.Slug == slug, ct); i++)
        {
            slug = Suffixed(baseSlug, i);
        }

        var now = DateTimeOffset.UtcNow;
        var ws = new Workspace { Id = PrefixedId.New(PrefixedId.Workspace, now), OrganizationId = orgId, Slug = slug, Name = name!, CreatedAt = now, UpdatedAt = now };
        var project = new Project { Id = PrefixedId.New(PrefixedId.Project, now), WorkspaceId = ws.Id, Name = name!, CreatedAt = now, UpdatedAt = now };
        db.Workspaces.Add(ws);
        db.Projects.Add(project);
        db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = ws.Id, UserId = caller.UserId, Role = WorkspaceRoles.Admin, CreatedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Lost a race for the same slug.
            return PlatformError.Conflict($"A workspace with slug '{slug}' was just created; retry");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return new WorkspaceInfo
        {
            Id = ws.Id,
            OrganizationId = orgId,
            Slug = slug,
            Name = ws.Name,
            ProjectId = project.Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Adds a user (created when the email is new) to the caller's organization. Only owners may add owners.</summary>
    public async Task<Result<MemberInfo>> AddOrganizationMemberAsync(Caller caller, AddOrganizationMemberInput input, CancellationToken ct)
    {
        var email = input.Email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > MaxEmailLength || email.IndexOf('@', StringComparison.Ordinal) < 1 || email.Any(char.IsWhiteSpace))
        {
            return PlatformError.Invalid($"email: required, an address with '@', at most {MaxEmailLength} characters");
        }

        var name = input.Name?.Trim();
        if (name is not null && !ValidName(name))
        {
            return PlatformError.Invalid($"name: 1-{MaxNameLength} characters");
        }

        if (input.Role is null || !OrganizationRoleNames.Contains(input.Role))
        {
            return PlatformError.Invalid("role: expected one of owner, admin, member");
        }

        if (input.OrganizationId != caller.OrganizationId)
        {
            return PlatformError.NotFound("Organization");
        }

        if (!caller.Has(Scopes.Admin))
        {
            return PlatformError.MissingScope(Scopes.Admin);
        }

        var callerRole = await OrganizationRoleAsync(caller, ct);
        if (callerRole is not (OrganizationRoles.Owner or OrganizationRoles.Admin))
        {
            return PlatformError.Forbidden("Only organization owners and admins may add members");
        }

        if (input.Role == OrganizationRoles.Owner && callerRole != OrganizationRoles.Owner)
        {
            return PlatformError.Forbidden("Only organization owners may add owners");
        }

        var now = DateTimeOffset.UtcNow;
        var lowered = email.ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email.ToLower() == lowered, ct);
        if (user is null)
        {
            user = new User { Id = PrefixedId.New(PrefixedId.User, now), Email = email, Name = name ?? email[..email.IndexOf('@', StringComparison.Ordinal)], CreatedAt = now, UpdatedAt = now };
            db.Users.Add(user);
        }
        else if (await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == caller.OrganizationId && m.UserId == user.Id, ct))
        {
            return PlatformError.Conflict("That user is already a member of the organization");
        }

        var member = new OrganizationMember { OrganizationId = caller.OrganizationId, UserId = user.Id, Role = input.Role, CreatedAt = now };
        db.OrganizationMembers.Add(member);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return PlatformError.Conflict("That user is already a member of the organization");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return new MemberInfo { TargetId = member.OrganizationId, User = user, Role = member.Role, CreatedAt = now };
    }

    /// <summary>Adds a member of the workspace's organization to a visible workspace (workspace admins, org owners/admins).</summary>
    public async Task<Result<MemberInfo>> AddWorkspaceMemberAsync(Caller caller, AddWorkspaceMemberInput input, CancellationToken ct)
    {
        if ((input.UserId is null) == (input.Email is null))
        {
            return PlatformError.Invalid("userId, email: exactly one is required");
        }

        if (input.Role is null || !WorkspaceRoleNames.Contains(input.Role))
        {
            return PlatformError.Invalid("role: expected one of admin, editor, viewer");
        }

        var workspaceId = input.WorkspaceId ?? "";
        if (!PrefixedId.IsValid(workspaceId, PrefixedId.Workspace) || !await db.VisibleWorkspaces(caller).AnyAsync(w => w.Id == workspaceId, ct))
        {
            return PlatformError.NotFound("Workspace");
        }

        if (!caller.Has(Scopes.Admin))
        {
            return PlatformError.MissingScope(Scopes.Admin);
        }

        var userId = caller.UserId;
        if (!await IsOrganizationAdminAsync(caller, ct)
            && !await db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId && m.Role == WorkspaceRoles.Admin, ct))
        {
            return PlatformError.Forbidden("Only workspace admins and organization owners/admins may add workspace members");
        }

        // Only members of the workspace's organization can be found: other users are another tenant's.
        var orgId = caller.OrganizationId;
        var lowered = input.Email?.Trim().ToLowerInvariant();
        var user = await db.Users.AsNoTracking()
            .Where(u => db.OrganizationMembers.Any(m => m.OrganizationId == orgId && m.UserId == u.Id))
            .Where(u => input.UserId != null ? u.Id == input.UserId : u.Email.ToLower() == lowered)
            .FirstOrDefaultAsync(ct);
        if (user is null)
        {
            return PlatformError.NotFound("User");
        }

        if (await db.WorkspaceMembers.AnyAsync(m => m.WorkspaceId == workspaceId && m.UserId == user.Id, ct))
        {
            return PlatformError.Conflict("That user is already a member of the workspace");
        }

        var now = DateTimeOffset.UtcNow;
        db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = workspaceId, UserId = user.Id, Role = input.Role, CreatedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return PlatformError.Conflict("That user is already a member of the workspace");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return new MemberInfo { TargetId = workspaceId, User = user, Role = input.Role, CreatedAt = now };
    }

    /// <summary>A new key for the caller's user in the caller's organization; needs the <c>admin</c> scope.</summary>
    public async Task<Result<CreatedApiKey>> CreateApiKeyAsync(Caller caller, CreateApiKeyInput input, CancellationToken ct)
    {
        var name = input.Name?.Trim();
        if (!ValidName(name))
        {
            return PlatformError.Invalid($"name: required, 1-{MaxNameLength} characters");
        }

        if (input.Scopes is null || input.Scopes.Count == 0)
        {
            return PlatformError.Invalid("scopes: at least one scope is required");
        }

        for (var i = 0; i < input.Scopes.Count; i++)
        {
            if (!Scopes.All.Contains(input.Scopes[i]))
            {
                return PlatformError.Invalid($"scopes[{i}]: unknown scope '{input.Scopes[i]}'; expected one of {string.Join(", ", Scopes.All)}");
            }
        }

        var now = DateTimeOffset.UtcNow;
        if (input.ExpiresAt is { } expires && expires <= now)
        {
            return PlatformError.Invalid("expiresAt: must be in the future");
        }

        if (!caller.Has(Scopes.Admin))
        {
            return PlatformError.MissingScope(Scopes.Admin);
        }

        var secret = ApiKeySecrets.NewSecret();
        var key = NewKey(caller.UserId, caller.OrganizationId, name!, secret, [.. input.Scopes.Distinct()], input.ExpiresAt?.ToUniversalTime(), now);
        db.ApiKeys.Add(key);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return new CreatedApiKey(key, secret);
    }

    /// <summary>The caller's own keys; organization owners/admins see every key of the organization. Needs <c>admin</c>.</summary>
    public async Task<Result<IReadOnlyList<ApiKey>>> ListApiKeysAsync(Caller caller, CancellationToken ct)
    {
        if (!caller.Has(Scopes.Admin))
        {
            return PlatformError.MissingScope(Scopes.Admin);
        }

        return await (await VisibleKeysAsync(caller, ct)).OrderBy(k => k.Id).ToListAsync(ct);
    }

    /// <summary>Revokes a visible key (idempotent: revoking again keeps the first <c>revokedAt</c>).</summary>
    public async Task<Result<ApiKey>> RevokeApiKeyAsync(Caller caller, string id, CancellationToken ct)
    {
        if (!PrefixedId.IsValid(id, PrefixedId.ApiKey))
        {
            return PlatformError.NotFound("ApiKey");
        }

        var keys = await VisibleKeysAsync(caller, ct);
        if (!await keys.AnyAsync(k => k.Id == id, ct))
        {
            return PlatformError.NotFound("ApiKey");
        }

        if (!caller.Has(Scopes.Admin))
        {
            return PlatformError.MissingScope(Scopes.Admin);
        }

        var now = DateTimeOffset.UtcNow;
        await db.ApiKeys.Where(k => k.Id == id && k.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), ct);
        return await db.ApiKeys.AsNoTracking().FirstAsync(k => k.Id == id, ct);
    }

    private async Task<IQueryable<ApiKey>> VisibleKeysAsync(Caller caller, CancellationToken ct)
    {
        var orgId = caller.OrganizationId;
        var userId = caller.UserId;
        var keys = db.ApiKeys.AsNoTracking().Where(k => k.OrganizationId == orgId);
        return await IsOrganizationAdminAsync(caller, ct) ? keys : keys.Where(k => k.UserId == userId);
    }

    private async Task<string?> OrganizationRoleAsync(Caller caller, CancellationToken ct) =>
        await db.OrganizationMembers.Where(m => m.OrganizationId == caller.OrganizationId && m.UserId == caller.UserId).Select(m => m.Role).FirstOrDefaultAsync(ct);

    private async Task<bool> IsOrganizationAdminAsync(Caller caller, CancellationToken ct) =>
        await OrganizationRoleAsync(caller, ct) is OrganizationRoles.Owner or OrganizationRoles.Admin;

    private IQueryable<WorkspaceInfo> WorkspaceInfos(IQueryable<Workspace> workspaces) =>
        workspaces.Select(w => new WorkspaceInfo
        {
            Id = w.Id,
            OrganizationId = w.OrganizationId,
            Slug = w.Slug,
            Name = w.Name,
            ProjectId = db.Projects.Where(p => p.WorkspaceId == w.Id).Select(p => p.Id).FirstOrDefault(),
            CreatedAt = w.CreatedAt,
            UpdatedAt = w.UpdatedAt,
        });

    private static ApiKey NewKey(string userId, string orgId, string name, string secret, string[] scopes, DateTimeOffset? expiresAt, DateTimeOffset now) => new()
    {
        Id = PrefixedId.New(PrefixedId.ApiKey, now),
        UserId = userId,
        OrganizationId = orgId,
        Name = name.Length > MaxNameLength ? name[..MaxNameLength] : name,
        Prefix = ApiKeySecrets.VisiblePrefix(secret),
        KeyHash = ApiKeySecrets.Hash(secret),
        Scopes = scopes,
        ExpiresAt = expiresAt,
        CreatedAt = now,
    };

    private static bool ValidName(string? name) => !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength;

    private static PlatformError SlugTaken(string slug) => PlatformError.Conflict($"The slug '{slug}' is taken");

    /// <summary>Lowercase a-z0-9 and single dashes, at most 50 characters (room for a numeric suffix).</summary>
    internal static string Slugify(string name, string fallback)
    {
        var sb = new StringBuilder();
        // Normalization may be a no-op under invariant globalization; accented letters then act as separators.
        foreach (var c in name.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-' && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                sb.Append('-');
            }

            if (sb.Length >= 50)
            {
                break;
            }
        }

        var slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? fallback : slug;
    }

    private static string Suffixed(string baseSlug, int n) => $"{baseSlug}-{n}";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex SlugPattern();
}
