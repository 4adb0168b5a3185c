using System.Security.Cryptography;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrowNest.Platform.Files;

/// <summary>How a write treats an existing file.</summary>
public enum FileWriteMode
{
    /// <summary>REST POST: the path must be free (<c>conflict</c> otherwise).</summary>
    Create,

    /// <summary>REST PATCH: the file must exist (<c>not_found</c> otherwise).</summary>
    Update,

    /// <summary>GraphQL <c>writeAppFile</c>: create or replace.</summary>
    Upsert,
}

/// <summary>A directory entry derived from the stored paths; a directory's size is the total of the files under it.</summary>
public sealed record FileEntry(string Name, string Path, bool IsDirectory, long Size);

/// <summary>
/// App versions and their files, behind REST <c>/api/app-versions/{id}/files</c> and GraphQL alike. A version is
/// visible when its app is (<see cref="Visibility.VisibleApps"/>); reads need <c>app:read</c> (or <c>app:write</c>),
/// writes <c>app:write</c>. Writes lock the version row, so limits and tree checks see every committed write and
/// concurrent writers to one path are serialized: the last one wins with its whole file.
/// </summary>
public sealed partial class AppFileService(
    CrowNestDbContext db,
    IOptions<FilesOptions> options,
    ILogger<AppFileService> logger,
    ITopicEventSender? events = null)
{
    private readonly FilesOptions _limits = options.Value;

    public async Task<Result<AppVersion>> GetVersionAsync(Caller caller, string versionId, CancellationToken ct)
    {
        var (version, error) = await FindVersionAsync(caller, versionId, ct);
        if (error is not null)
        {
            return error;
        }

        return CanRead(caller) ? version! : PlatformError.MissingScope(Scopes.AppRead);
    }

    /// <summary>Versions of an app the caller already sees (the app was loaded through <c>AppService</c>), by number.</summary>
    public async Task<IReadOnlyList<AppVersion>> VersionsOfAsync(string appId, CancellationToken ct) =>
        await db.AppVersions.AsNoTracking().Where(v => v.AppId == appId).OrderBy(v => v.Number).ToListAsync(ct);

    public async Task<Result<IReadOnlyList<FileEntry>>> ListAsync(Caller caller, string versionId, string? path, CancellationToken ct)
    {
        var (version, error) = await GetVersionAsync(caller, versionId, ct);
        if (error is not null)
        {
            return error;
        }

        var (directory, pathError) = FilePaths.NormalizeDirectory(path);
        if (pathError is not null)
        {
            return pathError;
        }

        var prefix = directory!.Length == 0 ? "" : directory + "/";
        var id = version!.Id;
        var rows = await db.AppFiles.AsNoTracking()
            .Where(f => f.VersionId == id && (prefix == "" || f.Path.StartsWith(prefix)))
            .Select(f => new { f.Path, f.Size })
            .ToListAsync(ct);
        if (rows.Count == 0 && prefix.Length > 0)
        {
            return PlatformError.NotFound("Directory");
        }

        var entries = new Dictionary<string, FileEntry>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var rest = row.Path[prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash < 0)
            {
                entries[rest] = new FileEntry(rest, row.Path, false, row.Size);
                continue;
            }

            var name = rest[..slash];
            entries[name] = entries.TryGetValue(name, out var dir)
                ? dir with { Size = dir.Size + row.Size }
                : new FileEntry(name, prefix + name, true, row.Size);
        }

        return entries.Values.OrderByDescending(e => e.IsDirectory).ThenBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The file, or <c>not_found</c>.</summary>
    public async Task<Result<AppFile>> ReadAsync(Caller caller, string versionId, string? path, CancellationToken ct)
    {
        var (version, error) = await GetVersionAsync(caller, versionId, ct);
        if (error is not null)
        {
            return error;
        }

        var (normalized, pathError) = FilePaths.Normalize(path);
        if (pathError is not null)
        {
            return pathError;
        }

        var id = version!.Id;
        var file = await db.AppFiles.AsNoTracking().FirstOrDefaultAsync(f => f.VersionId == id && f.Path == normalized, ct);
        return file is null ? PlatformError.NotFound("File") : file;
    }

    public async Task<Result<AppFile>> WriteAsync(Caller caller, string versionId, string? path, byte[] content, string? contentType, FileWriteMode mode, CancellationToken ct)
    {
        var (version, error) = await FindVersionAsync(caller, versionId, ct);
        if (error is not null)
        {
            return error;
        }

        if (!caller.Has(Scopes.AppWrite))
        {
            return PlatformError.MissingScope(Scopes.AppWrite);
        }

        var (normalized, pathError) = FilePaths.Normalize(path);
        if (pathError is not null)
        {
            return pathError;
        }

        if (contentType is not null && !ContentTypes.IsValid(contentType))
        {
            return PlatformError.Invalid("contentType: expected a media type such as 'text/plain'");
        }

        if (content.LongLength > _limits.MaxFileBytes)
        {
            return PlatformError.TooLarge($"file is {content.LongLength} bytes; the limit is {_limits.MaxFileBytes} bytes per file");
        }

        var id = version!.Id;
        var filePath = normalized!;
        var sha = SHA256.HashData(content);
        var type = contentType ?? ContentTypes.Guess(filePath);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Serializes writers of this version: the checks below then hold until commit.
            await LockVersionAsync(id, ct);

            var exists = await db.AppFiles.AnyAsync(f => f.VersionId == id && f.Path == filePath, ct);
            if (mode == FileWriteMode.Create && exists)
            {
                return PlatformError.Conflict($"file '{filePath}' already exists");
            }

            if (mode == FileWriteMode.Update && !exists)
            {
                return PlatformError.NotFound("File");
            }

            if (!exists)
            {
                var conflict = await TreeConflictAsync(id, filePath, ct);
                if (conflict is not null)
                {
                    return conflict;
                }
            }

            var others = await db.AppFiles.Where(f => f.VersionId == id && f.Path != filePath).SumAsync(f => (long?)f.Size, ct) ?? 0;
            if (others + content.LongLength > _limits.MaxVersionBytes)
            {
                return PlatformError.TooLarge($"the version would hold {others + content.LongLength} bytes; the limit is {_limits.MaxVersionBytes} bytes per version");
            }

            long size = content.LongLength;
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO app_files (version_id, path, content, content_type, size, sha256)
                VALUES ({id}, {filePath}, {content}, {type}, {size}, {sha})
                ON CONFLICT (version_id, path) DO UPDATE
                SET content = excluded.content, content_type = excluded.content_type, size = excluded.size,
                    sha256 = excluded.sha256, updated_at = now()
                """, ct);
            await tx.CommitAsync(ct);
        }

        await PublishAsync(new AppFileChanged(id, filePath, AppFileChanged.Written, Convert.ToHexStringLower(sha)), ct);
        var stored = await db.AppFiles.AsNoTracking().Select(f => new { f.VersionId, f.Path, f.CreatedAt, f.UpdatedAt })
            .FirstOrDefaultAsync(f => f.VersionId == id && f.Path == filePath, ct);
        return new AppFile
        {
            VersionId = id,
            Path = filePath,
            Content = content,
            ContentType = type,
            Size = content.LongLength,
            Sha256 = sha,
            // A concurrent delete right after commit leaves nothing to read back; the write itself happened.
            CreatedAt = stored?.CreatedAt ?? DateTimeOffset.UtcNow,
            UpdatedAt = stored?.UpdatedAt ?? DateTimeOffset.UtcNow,
        };
    }

    public async Task<Result<bool>> DeleteAsync(Caller caller, string versionId, string? path, CancellationToken ct)
    {
        var (version, error) = await FindVersionAsync(caller, versionId, ct);
        if (error is not null)
        {
            return error;
        }

        if (!caller.Has(Scopes.AppWrite))
        {
            return PlatformError.MissingScope(Scopes.AppWrite);
        }

        var (normalized, pathError) = FilePaths.Normalize(path);
        if (pathError is not null)
        {
            return pathError;
        }

        var id = version!.Id;
        var filePath = normalized!;
        var deleted = await db.AppFiles.Where(f => f.VersionId == id && f.Path == filePath).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            return PlatformError.NotFound("File");
        }

        await PublishAsync(new AppFileChanged(id, filePath, AppFileChanged.Deleted, null), ct);
        return true;
    }

    private static bool CanRead(Caller caller) => caller.Has(Scopes.AppRead) || caller.Has(Scopes.AppWrite);

    private async Task<Result<AppVersion>> FindVersionAsync(Caller caller, string? versionId, CancellationToken ct)
    {
        if (!PrefixedId.IsValid(versionId, PrefixedId.AppVersion))
        {
            return PlatformError.NotFound("App version");
        }

        var apps = db.VisibleApps(caller);
        var version = await db.AppVersions.AsNoTracking()
            .Where(v => v.Id == versionId && apps.Any(a => a.Id == v.AppId))
            .FirstOrDefaultAsync(ct);
        return version is null ? PlatformError.NotFound("App version") : version;
    }

    private async Task LockVersionAsync(string versionId, CancellationToken ct) =>
        await db.Database.SqlQuery<string>($"SELECT id AS \"Value\" FROM app_versions WHERE id = {versionId} FOR UPDATE").ToListAsync(ct);

    /// <summary>A new file may not sit where a directory is, nor below an existing file.</summary>
    private async Task<PlatformError?> TreeConflictAsync(string versionId, string path, CancellationToken ct)
    {
        var below = path + "/";
        if (await db.AppFiles.AnyAsync(f => f.VersionId == versionId && f.Path.StartsWith(below), ct))
        {
            return PlatformError.Conflict($"'{path}' is a directory");
        }

        var parents = new List<string>();
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            parents.Add(path[..slash]);
        }

        var file = parents.Count == 0
            ? null
            : await db.AppFiles.Where(f => f.VersionId == versionId && parents.Contains(f.Path)).Select(f => f.Path).FirstOrDefaultAsync(ct);
        return file is null ? null : PlatformError.Conflict($"'{file}' is a file, not a directory");
    }

    private async Task PublishAsync(AppFileChanged change, CancellationToken ct)
    {
        if (events is null)
        {
            return;
        }

        try
        {
            await events.SendAsync(AppFileChanged.Topic(change.VersionId), change, ct);
        }
        catch (SubscriptionException e)
        {
            // The write is committed; a lost live-edit event only delays previews until they re-read.
            LogPublishFailed(logger, change.VersionId, change.Path, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the change of {VersionId}:{Path}")]
    private static partial void LogPublishFailed(ILogger logger, string versionId, string path, Exception exception);
}
