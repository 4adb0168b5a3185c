using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Querying;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrowNest.Platform.Apps;

/// <summary>Which deleted apps a listing includes (REST <c>include_deleted</c>).</summary>
public enum DeletedFilter
{
    Exclude,
    Include,
    Only,
}

/// <summary>
/// REST <c>source</c>: which rows a listing draws from. Integrations (rows shared into a workspace by an installed
/// integration) do not exist yet, so <see cref="Integration"/> is always empty and the others are the workspace rows.
/// </summary>
public enum AppSource
{
    Union,
    Workspace,
    Integration,
}

/// <summary>A listing of apps: filter and order already parsed (the REST and GraphQL front ends parse differently).</summary>
public sealed record AppListQuery
{
    public FilterNode? Filter { get; init; }
    public AppSource Source { get; init; }
    public required OrderSpec Order { get; init; }
    public required PageRequest Page { get; init; }
    public DeletedFilter Deleted { get; init; }

    /// <summary>The app properties the caller reads (null: all); other properties of the listed apps are left default.</summary>
    public Projection? Projection { get; init; }
}

public sealed record CreateAppInput
{
    public string? WorkspaceId { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? Handle { get; init; }
    public bool? PublicAccess { get; init; }
}

/// <summary>
/// The apps use cases behind both REST <c>/api/apps</c> and GraphQL, so the two cannot drift. Every method takes
/// the <see cref="Caller"/>; objects outside the caller's visibility are <c>not_found</c>, visible ones without the
/// needed scope are <c>forbidden</c>.
/// </summary>
public sealed partial class AppService(CrowNestDbContext db, IDomainVerifier verifier, IOptions<AppsOptions> options)
{
    public async Task<Result<Page<App>>> ListAsync(Caller caller, AppListQuery query, CancellationToken ct)
    {
        if (!caller.Has(Scopes.AppRead) && !caller.Has(Scopes.AppWrite))
        {
            return PlatformError.MissingScope(Scopes.AppRead);
        }

        try
        {
            var deleted = query.Deleted;
            var integration = query.Source == AppSource.Integration;
            return await Pager.PageAsync(db, SourceKeys[((int)deleted * 2) + (integration ? 1 : 0)], [caller.OrganizationId, caller.UserId],
                values => Source(db, (string)values[0], (string)values[1], deleted, integration), query.Filter, query.Order, query.Page, ct, query.Projection);
        }
        catch (QueryException e)
        {
            return e.Code == QueryErrorCodes.InvalidCursor ? PlatformError.InvalidCursor(e.Message) : PlatformError.Invalid(e.Message);
        }
    }

    /// <summary>Listings run as compiled queries, one per shape (filter structure, order, direction, size).</summary>
    private static readonly CompiledPager<CrowNestDbContext, App> Pager = new(AppQueryDescriptor.Instance);

    private static readonly string[] SourceKeys = [.. Enum.GetValues<DeletedFilter>().SelectMany(d => new[] { $"{d}:workspace", $"{d}:integration" })];

    /// <summary>The caller's apps (by organization and user id) before filtering; the ids reach the tree only through closures.</summary>
    private static IQueryable<App> Source(CrowNestDbContext db, string organizationId, string userId, DeletedFilter deleted, bool integration)
    {
        var source = db.VisibleApps(new Caller { ApiKeyId = string.Empty, OrganizationId = organizationId, UserId = userId, Scopes = [] });
        source = deleted switch
        {
            DeletedFilter.Exclude => source.Where(x => x.DeletedAt == null),
            DeletedFilter.Only => source.Where(x => x.DeletedAt != null),
            _ => source,
        };
        if (integration)
        {
            source = source.Where(x => false);
        }

        return source.AsNoTracking();
    }

    public async Task<Result<App>> GetAsync(Caller caller, string id, CancellationToken ct)
    {
        if (!PrefixedId.IsValid(id, PrefixedId.App))
        {
            return PlatformError.NotFound("App");
        }

        var app = await db.VisibleApps(caller).AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (app is null)
        {
            return PlatformError.NotFound("App");
        }

        return caller.Has(Scopes.AppRead) || caller.Has(Scopes.AppWrite) ? app : PlatformError.MissingScope(Scopes.AppRead);
    }

    public async Task<Result<App>> CreateAsync(Caller caller, CreateAppInput input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.WorkspaceId))
        {
            return PlatformError.Invalid("workspaceId: required");
        }

        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            return PlatformError.Invalid("name: required, 1-200 characters");
        }

        if (input.Handle is not null && !IsValidHandle(input.Handle))
        {
            return PlatformError.Invalid("handle: 3-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
        }

        var workspaceId = input.WorkspaceId;
        if (!await db.VisibleWorkspaces(caller).AnyAsync(w => w.Id == workspaceId, ct))
        {
            return PlatformError.NotFound("Workspace");
        }

        if (!caller.Has(Scopes.AppWrite))
        {
            return PlatformError.MissingScope(Scopes.AppWrite);
        }

        var handle = input.Handle ?? GenerateHandle(name);
        if (await db.Apps.AnyAsync(x => x.Handle == handle && x.DeletedAt == null, ct))
        {
            return HandleTaken(handle);
        }

        var now = DateTimeOffset.UtcNow;
        // The app's own key acts for its creator; its secret is never shown (it is handed to the app's runtime
        // by the deploy path), so only the hash is kept.
        var secret = ApiKeySecrets.NewSecret();
        var key = new ApiKey
        {
            Id = PrefixedId.New(PrefixedId.ApiKey, now),
            UserId = caller.UserId,
            OrganizationId = caller.OrganizationId,
            Name = $"app {handle}",
            Prefix = ApiKeySecrets.VisiblePrefix(secret),
            KeyHash = ApiKeySecrets.Hash(secret),
            Scopes = [.. AppKeyScopes],
            CreatedAt = now,
        };
        var app = new App
        {
            Id = PrefixedId.New(PrefixedId.App, now),
            WorkspaceId = workspaceId,
            Name = name,
            Description = input.Description,
            Handle = handle,
            PublicAccess = input.PublicAccess ?? false,
            ApiKeyId = key.Id,
            CreatedBy = caller.UserId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var version = new AppVersion { Id = PrefixedId.New(PrefixedId.AppVersion, now), AppId = app.Id, Number = 1, CreatedBy = caller.UserId, CreatedAt = now };
        app.DefaultVersionId = version.Id;
        try
        {
            // The key must exist before the app references it; EF does not model that FK, so save in two steps.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.ApiKeys.Add(key);
            await db.SaveChangesAsync(ct);
            db.Apps.Add(app);
            db.AppVersions.Add(version);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Lost a race for the same handle.
            return HandleTaken(handle);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        // Read back so the response carries what PostgreSQL stored (microsecond timestamps, normalized jsonb).
        return await db.Apps.AsNoTracking().SingleAsync(x => x.Id == app.Id, ct);
    }

    /// <summary>Scopes of the key every app gets: read itself and run previews.</summary>
    public static IReadOnlyList<string> AppKeyScopes { get; } = [Scopes.AppRead, Scopes.PreviewCreate, Scopes.PreviewRead];

    private static PlatformError HandleTaken(string handle) => PlatformError.Conflict($"handle '{handle}' is already taken");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex HandlePattern();

    public static bool IsValidHandle(string handle) => HandlePattern().IsMatch(handle);

    /// <summary>DNS-safe: slug of the name (up to 40 chars) plus 8 random base36 characters.</summary>
    public static string GenerateHandle(string name)
    {
        var slug = new string(name.ToLowerInvariant().Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-').ToArray());
        slug = string.Join('-', slug.Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (slug.Length > 40)
        {
            slug = slug[..40].TrimEnd('-');
        }

        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var suffix = RandomNumberGenerator.GetString(alphabet, 8);
        return slug.Length == 0 ? "app-" + suffix : $"{slug}-{suffix}";
    }
}
