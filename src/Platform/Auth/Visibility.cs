using CrowNest.Platform.Data;

namespace CrowNest.Platform.Auth;

/// <summary>
/// What a caller may see, as composable queries (one SQL statement, never client-side): workspaces of the key's
/// organization the user is a member of, or all of them for organization owners/admins. Everything else is
/// indistinguishable from absent (<c>not_found</c>).
/// </summary>
public static class Visibility
{
    public static IQueryable<Workspace> VisibleWorkspaces(this CrowNestDbContext db, Caller caller)
    {
        var userId = caller.UserId;
        var orgId = caller.OrganizationId;
        return db.Workspaces.Where(w => w.OrganizationId == orgId
            && (db.OrganizationMembers.Any(m => m.OrganizationId == orgId && m.UserId == userId && (m.Role == OrganizationRoles.Owner || m.Role == OrganizationRoles.Admin))
                || db.WorkspaceMembers.Any(m => m.WorkspaceId == w.Id && m.UserId == userId)));
    }

    public static IQueryable<App> VisibleApps(this CrowNestDbContext db, Caller caller)
    {
        var workspaces = db.VisibleWorkspaces(caller);
        return db.Apps.Where(x => workspaces.Any(w => w.Id == x.WorkspaceId));
    }
}
