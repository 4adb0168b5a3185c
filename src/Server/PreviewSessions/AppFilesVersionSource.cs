using CrowNest.Platform.Data;
using CrowNest.Platform.Files;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Server.PreviewSessions;

/// <summary>Reads a version's files from <c>app_files</c> (system access: the session was authorized when started).</summary>
internal sealed class AppFilesVersionSource(IServiceScopeFactory scopes) : IAppVersionFileSource
{
    public async Task<IReadOnlyList<AppVersionFile>> ListAsync(string versionId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
        var rows = await db.AppFiles.AsNoTracking().Where(f => f.VersionId == versionId)
            .Select(f => new { f.Path, f.Content }).ToListAsync(cancellationToken);
        return [.. rows.Select(r => new AppVersionFile(r.Path, r.Content))];
    }

    public async Task<AppVersionFile?> ReadAsync(string versionId, string path, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
        var row = await db.AppFiles.AsNoTracking().Where(f => f.VersionId == versionId && f.Path == path)
            .Select(f => new { f.Path, f.Content }).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new AppVersionFile(row.Path, row.Content);
    }
}
