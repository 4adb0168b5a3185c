using System.Security.Cryptography;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Sandboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CrowNest.Platform.Previews;

public sealed record CreatePreviewInput
{
    public int? Port { get; init; }
    public string? AuthMode { get; init; }
    public string? SourceCommandId { get; init; }
}

/// <summary>The preview and whether it already existed (same sandbox and port while active).</summary>
public sealed record PreviewCreated(Preview Preview, bool Existing);

/// <summary>
/// Previews (REST <c>/v1/sandboxes/{id}/previews</c>, <c>/v1/previews</c>, GraphQL). Visible when the sandbox's
/// project is; scopes <c>preview:create</c>, <c>preview:read</c>, <c>preview:revoke</c>. Every create and revoke is
/// announced with <c>NOTIFY crownest_previews, '&lt;slug&gt;'</c> so edges drop cached routes, and on
/// <see cref="SandboxTopics.Previews"/> for <c>previewUpdated</c> subscribers.
/// </summary>
public sealed class PreviewService(CrowNestDbContext db, SandboxService sandboxes, IOptions<PreviewOptions> options, SandboxEventPublisher? events = null)
{
    public const string NotifyChannel = "crownest_previews";
    /// <summary>First key of the two-key advisory lock that serializes creates per project ("prvq").</summary>
    private const int QuotaLockClass = 0x70727671;
    private const string SlugAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private readonly PreviewOptions _options = options.Value;

    public IQueryable<Preview> VisiblePreviews(Caller caller)
    {
        var projects = db.VisibleProjects(caller);
        return db.Previews.Where(p => projects.Any(x => x.Id == p.ProjectId));
    }

    public async Task<Result<PreviewCreated>> CreateAsync(Caller caller, string sandboxId, CreatePreviewInput input, CancellationToken ct)
    {
        var sandbox = PrefixedId.IsValid(sandboxId, PrefixedId.Sandbox)
            ? await sandboxes.VisibleSandboxes(caller).AsNoTracking().FirstOrDefaultAsync(s => s.Id == sandboxId, ct)
            : null;
        if (sandbox is null)
        {
            return PlatformError.NotFound("Sandbox");
        }

        if (!caller.Has(Scopes.PreviewCreate))
        {
            return PlatformError.MissingScope(Scopes.PreviewCreate);
        }

        if (input.Port is not { } port || port is < 1 or > 65535)
        {
            return PlatformError.Invalid("port: required, an integer between 1 and 65535");
        }

        if (input.AuthMode is not null && input.AuthMode != PreviewAuthModes.Authenticated)
        {
            return new PlatformError(ErrorKind.UnsupportedPreviewAuthMode, "authMode: only 'authenticated' is supported");
        }

        if (input.SourceCommandId is { } commandId
            && !await db.SandboxCommands.AnyAsync(c => c.Id == commandId && c.SandboxId == sandbox.Id, ct))
        {
            return PlatformError.Invalid("sourceCommandId: not a command of this sandbox");
        }

        if (!sandbox.IsLive)
        {
            return new PlatformError(ErrorKind.SandboxDestroyed, $"The sandbox is {sandbox.Status}");
        }

        // Count and insert under a per-project lock: unlocked, simultaneous creates all pass the count and the project
        // ends above its quota. Session-level (not a transaction), because InsertAsync retries after a unique violation.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // Not cancellable: a lock granted as the wait is cancelled would be left on the pooled connection.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({QuotaLockClass}, hashtext({sandbox.ProjectId}))", CancellationToken.None);
            try
            {
                if (await ActiveAsync(sandbox.Id, port, ct) is { } existing)
                {
                    return new PreviewCreated(existing, true);
                }

                if (await db.Previews.CountAsync(p => p.ProjectId == sandbox.ProjectId && p.RevokedAt == null, ct) >= _options.MaxActivePerProject)
                {
                    return PlatformError.Quota($"A project may have at most {_options.MaxActivePerProject} active previews");
                }

                return await InsertAsync(sandbox, port, input.SourceCommandId, caller.UserId, ct);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({QuotaLockClass}, hashtext({sandbox.ProjectId}))", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Inserts an active preview of a live sandbox's port with a fresh slug and announces it; an active preview of the
    /// same sandbox and port is returned instead. No scope or quota checks: callers decide (the API above, and preview
    /// sessions, whose sandboxes are governed by the session's own lifecycle).
    /// </summary>
    internal async Task<PreviewCreated> InsertAsync(Sandbox sandbox, int port, string? sourceCommandId, string? createdBy, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = DateTimeOffset.UtcNow;
            var slug = "p-" + RandomNumberGenerator.GetString(SlugAlphabet, 6);
            var preview = new Preview
            {
                Id = PrefixedId.New(PrefixedId.Preview, now),
                Slug = slug,
                Url = $"{_options.Scheme}://{slug}.{_options.BaseDomain}",
                OrganizationId = sandbox.OrganizationId,
                ProjectId = sandbox.ProjectId,
                SandboxId = sandbox.Id,
                Port = port,
                AuthMode = PreviewAuthModes.Authenticated,
                SourceCommandId = sourceCommandId,
                CreatedBy = createdBy,
                CreatedAt = now,
                // Previews end with their sandbox (previews-sdk.md): its expiry is the preview's.
                ExpiresAt = sandbox.ExpiresAt,
            };
            db.Previews.Add(preview);
            try
            {
                await db.SaveChangesAsync(ct);
                await NotifyAsync(db, [slug], CancellationToken.None);
                if (events is not null)
                {
                    await events.PreviewsChangedAsync(preview.SandboxId, preview.Id);
                }

                return new PreviewCreated(preview, false);
            }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
            {
                db.ChangeTracker.Clear();
                // Lost a race for the same sandbox and port: return the winner. Otherwise a slug collision: retry.
                if (pg.ConstraintName == "previews_active_sandbox_port_key" && await ActiveAsync(sandbox.Id, port, ct) is { } winner)
                {
                    return new PreviewCreated(winner, true);
                }

                if (attempt >= 5)
                {
                    throw;
                }
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    public async Task<Result<Preview>> GetAsync(Caller caller, string id, CancellationToken ct)
    {
        var preview = PrefixedId.IsValid(id, PrefixedId.Preview)
            ? await VisiblePreviews(caller).AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct)
            : null;
        if (preview is null)
        {
            return PlatformError.NotFound("Preview");
        }

        return caller.Has(Scopes.PreviewRead) ? preview : PlatformError.MissingScope(Scopes.PreviewRead);
    }

    /// <summary>The sandbox's previews, newest first.</summary>
    public async Task<Result<ListPage<Preview>>> ListAsync(Caller caller, string sandboxId, int? limit, string? cursor, CancellationToken ct)
    {
        if (!PrefixedId.IsValid(sandboxId, PrefixedId.Sandbox) || !await sandboxes.VisibleSandboxes(caller).AnyAsync(s => s.Id == sandboxId, ct))
        {
            return PlatformError.NotFound("Sandbox");
        }

        if (!caller.Has(Scopes.PreviewRead))
        {
            return PlatformError.MissingScope(Scopes.PreviewRead);
        }

        return await ProjectVisibility.PageByIdAsync(db.Previews.Where(p => p.SandboxId == sandboxId), p => p.Id, (q, c) => q.Where(p => string.Compare(p.Id, c) < 0), p => p.Id, limit, cursor, PrefixedId.Preview, ct);
    }

    /// <summary>Sets <c>revokedAt</c>; idempotent (a revoked preview is returned as it is).</summary>
    public async Task<Result<Preview>> RevokeAsync(Caller caller, string id, CancellationToken ct)
    {
        var preview = PrefixedId.IsValid(id, PrefixedId.Preview)
            ? await VisiblePreviews(caller).AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct)
            : null;
        if (preview is null)
        {
            return PlatformError.NotFound("Preview");
        }

        if (!caller.Has(Scopes.PreviewRevoke))
        {
            return PlatformError.MissingScope(Scopes.PreviewRevoke);
        }

        if (preview.RevokedAt is null)
        {
            var now = DateTimeOffset.UtcNow;
            await db.Previews.Where(p => p.Id == id && p.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(p => p.RevokedAt, now), CancellationToken.None);
            await NotifyAsync(db, [preview.Slug], CancellationToken.None);
            if (events is not null)
            {
                await events.PreviewsChangedAsync(preview.SandboxId, preview.Id);
            }
        }

        return await db.Previews.AsNoTracking().FirstAsync(p => p.Id == id, CancellationToken.None);
    }

    /// <summary>Revokes every active preview of a sandbox (it was destroyed or lost) and announces them.</summary>
    internal static async Task RevokeForSandboxAsync(CrowNestDbContext db, string sandboxId, DateTimeOffset now, CancellationToken ct)
    {
        var slugs = await db.Previews.Where(p => p.SandboxId == sandboxId && p.RevokedAt == null).Select(p => p.Slug).ToListAsync(ct);
        if (slugs.Count == 0)
        {
            return;
        }

        await db.Previews.Where(p => p.SandboxId == sandboxId && p.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(p => p.RevokedAt, now), ct);
        await NotifyAsync(db, slugs, ct);
    }

    private static async Task NotifyAsync(CrowNestDbContext db, IReadOnlyList<string> slugs, CancellationToken ct)
    {
        foreach (var slug in slugs)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({NotifyChannel}, {slug})", ct);
        }
    }

    private Task<Preview?> ActiveAsync(string sandboxId, int port, CancellationToken ct) =>
        db.Previews.AsNoTracking().FirstOrDefaultAsync(p => p.SandboxId == sandboxId && p.Port == port && p.RevokedAt == null, ct);
}
