using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrowNest.Platform.PreviewSessions;

/// <summary>
/// App preview sessions behind REST (<c>/api/app-preview-sessions</c>, <c>/api/apps/preview/{id}</c>) and GraphQL.
/// A session is visible when its app is; scopes: <c>preview:create</c> to start, <c>preview:read</c> to read and
/// keep alive, <c>preview:revoke</c> to stop. The boot itself runs in the background (<see cref="IPreviewSessionLauncher"/>).
/// </summary>
public sealed class PreviewSessionService(CrowNestDbContext db, IPreviewSessionLauncher launcher, IOptions<PreviewSessionOptions> options)
{
    /// <summary>The session and whether it was created (false: a warm session was reused).</summary>
    public sealed record StartResult(AppPreviewSession Session, bool Created);

    public async Task<Result<StartResult>> StartAsync(Caller caller, string? appVersionId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(appVersionId))
        {
            return PlatformError.Invalid("appVersionId: required");
        }

        if (!PrefixedId.IsValid(appVersionId, PrefixedId.AppVersion))
        {
            return PlatformError.NotFound("AppVersion");
        }

        var target = await (from v in db.AppVersions
                            join a in db.VisibleApps(caller) on v.AppId equals a.Id
                            where v.Id == appVersionId && a.DeletedAt == null
                            select new { v.Id, v.AppId, a.WorkspaceId }).AsNoTracking().FirstOrDefaultAsync(ct);
        if (target is null)
        {
            return PlatformError.NotFound("AppVersion");
        }

        if (!caller.Has(Scopes.PreviewCreate))
        {
            return PlatformError.MissingScope(Scopes.PreviewCreate);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Serializes starts of one version so two concurrent requests share one sandbox.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({"appprv:" + target.Id}))", ct);
        var now = DateTimeOffset.UtcNow;
        var freshSince = now - options.Value.IdleTimeout;
        var live = await db.AppPreviewSessions
            .Where(s => s.VersionId == target.Id && s.Status != PreviewSessionStatuses.Stopped && s.Status != PreviewSessionStatuses.Failed)
            .OrderByDescending(s => s.CreatedAt).ToListAsync(ct);
        // Fresh as the reaper sees it: the written heartbeat or edge traffic not written yet.
        var warm = live.Find(s => s.LastHeartbeatAt > freshSince || (s.SandboxId is { } sandboxId && launcher.ActiveSince(sandboxId, freshSince)));
        if (warm is not null)
        {
            // Reuse counts as activity.
            warm.LastHeartbeatAt = now;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            return new StartResult(warm, false);
        }

        var session = new AppPreviewSession
        {
            Id = PrefixedId.New(AppPreviewSession.IdPrefix, now),
            WorkspaceId = target.WorkspaceId,
            AppId = target.AppId,
            VersionId = target.Id,
            Status = PreviewSessionStatuses.Hydrating,
            LastHeartbeatAt = now,
            CreatedBy = caller.UserId,
            CreatedAt = now,
        };
        db.AppPreviewSessions.Add(session);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        launcher.Launch(session.Id);
        return new StartResult(session, true);
    }

    public async Task<Result<AppPreviewSession>> GetAsync(Caller caller, string id, CancellationToken ct)
    {
        var (session, error) = await FindAsync(caller, id, ct);
        if (error is not null)
        {
            return error;
        }

        return caller.Has(Scopes.PreviewRead) ? session! : PlatformError.MissingScope(Scopes.PreviewRead);
    }

    public async Task<Result<AppPreviewSession>> KeepAliveAsync(Caller caller, string id, CancellationToken ct)
    {
        var (session, error) = await FindAsync(caller, id, ct);
        if (error is not null)
        {
            return error;
        }

        if (!caller.Has(Scopes.PreviewRead))
        {
            return PlatformError.MissingScope(Scopes.PreviewRead);
        }

        if (PreviewSessionStatuses.IsTerminal(session!.Status))
        {
            // Nothing to keep alive; the status tells the client to start a new session.
            return session;
        }

        var now = DateTimeOffset.UtcNow;
        await db.AppPreviewSessions.Where(s => s.Id == session.Id && s.Status != PreviewSessionStatuses.Stopped && s.Status != PreviewSessionStatuses.Failed)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastHeartbeatAt, now), ct);
        return await db.AppPreviewSessions.AsNoTracking().SingleAsync(s => s.Id == session.Id, ct);
    }

    public async Task<Result<AppPreviewSession>> StopAsync(Caller caller, string id, CancellationToken ct)
    {
        var (session, error) = await FindAsync(caller, id, ct);
        if (error is not null)
        {
            return error;
        }

        if (!caller.Has(Scopes.PreviewRevoke))
        {
            return PlatformError.MissingScope(Scopes.PreviewRevoke);
        }

        await launcher.StopAsync(session!.Id, ct);
        return await db.AppPreviewSessions.AsNoTracking().SingleAsync(s => s.Id == session.Id, ct);
    }

    private async Task<Result<AppPreviewSession>> FindAsync(Caller caller, string id, CancellationToken ct)
    {
        if (!PrefixedId.IsValid(id, AppPreviewSession.IdPrefix))
        {
            return PlatformError.NotFound("AppPreviewSession");
        }

        var session = await (from s in db.AppPreviewSessions
                             join a in db.VisibleApps(caller) on s.AppId equals a.Id
                             where s.Id == id
                             select s).AsNoTracking().FirstOrDefaultAsync(ct);
        return session is null ? PlatformError.NotFound("AppPreviewSession") : session;
    }
}
