using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Platform.Sandboxes;

public sealed record CreateProjectInput
{
    public string? Name { get; init; }

    /// <summary>Optional; defaults to the oldest workspace the caller can see.</summary>
    public string? WorkspaceId { get; init; }
}

/// <summary>A page of a <c>{ data, hasMore }</c> listing, newest first; the cursor is the last item's id.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Data, bool HasMore, string? NextCursor);

/// <summary>Visibility of projects: a project is visible when its workspace is.</summary>
public static class ProjectVisibility
{
    public static IQueryable<Project> VisibleProjects(this CrowNestDbContext db, Caller caller)
    {
        var workspaces = db.VisibleWorkspaces(caller);
        return db.Projects.Where(p => workspaces.Any(w => w.Id == p.WorkspaceId));
    }

    /// <summary>Cursor paging over ULID-ordered ids (ids sort by creation time), newest first.</summary>
    internal static async Task<Result<ListPage<T>>> PageByIdAsync<T>(IQueryable<T> source, System.Linq.Expressions.Expression<Func<T, string>> idOf, Func<IQueryable<T>, string, IQueryable<T>> before, Func<T, string> id, int? limit, string? cursor, string prefix, CancellationToken ct)
        where T : class
    {
        var take = limit ?? 20;
        if (take is < 1 or > 100)
        {
            return PlatformError.Invalid("limit: must be an integer between 1 and 100");
        }

        if (cursor is not null)
        {
            if (!PrefixedId.IsValid(cursor, prefix))
            {
                return PlatformError.InvalidCursor("cursor: malformed cursor");
            }

            source = before(source, cursor);
        }

        var rows = await source.OrderByDescending(idOf).Take(take + 1).AsNoTracking().ToListAsync(ct);
        var hasMore = rows.Count > take;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return new ListPage<T>(rows, hasMore, hasMore ? id(rows[^1]) : null);
    }
}

public sealed class ProjectService(CrowNestDbContext db)
{
    public async Task<Result<Project>> CreateAsync(Caller caller, CreateProjectInput input, CancellationToken ct)
    {
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            return PlatformError.Invalid("name: required, 1-200 characters");
        }

        var workspaces = db.VisibleWorkspaces(caller);
        var workspaceId = input.WorkspaceId is { } requested
            ? await workspaces.Where(w => w.Id == requested).Select(w => w.Id).FirstOrDefaultAsync(ct)
            : await workspaces.OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).Select(w => w.Id).FirstOrDefaultAsync(ct);
        if (workspaceId is null)
        {
            return PlatformError.NotFound("Workspace");
        }

        if (!caller.Has(Scopes.SandboxWrite))
        {
            return PlatformError.MissingScope(Scopes.SandboxWrite);
        }

        var now = DateTimeOffset.UtcNow;
        var project = new Project { Id = PrefixedId.New(PrefixedId.Project, now), WorkspaceId = workspaceId, Name = name, CreatedAt = now, UpdatedAt = now };
        db.Projects.Add(project);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return project;
    }

    public async Task<Result<Project>> GetAsync(Caller caller, string id, CancellationToken ct)
    {
        var project = PrefixedId.IsValid(id, PrefixedId.Project)
            ? await db.VisibleProjects(caller).AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct)
            : null;
        if (project is null)
        {
            return PlatformError.NotFound("Project");
        }

        return CanRead(caller) ? project : PlatformError.MissingScope(Scopes.SandboxRead);
    }

    public async Task<Result<ListPage<Project>>> ListAsync(Caller caller, int? limit, string? cursor, CancellationToken ct)
    {
        if (!CanRead(caller))
        {
            return PlatformError.MissingScope(Scopes.SandboxRead);
        }

        return await ProjectVisibility.PageByIdAsync(db.VisibleProjects(caller), p => p.Id, (q, c) => q.Where(p => string.Compare(p.Id, c) < 0), p => p.Id, limit, cursor, PrefixedId.Project, ct);
    }

    internal static bool CanRead(Caller caller) => caller.Has(Scopes.SandboxRead) || caller.Has(Scopes.SandboxWrite);
}
