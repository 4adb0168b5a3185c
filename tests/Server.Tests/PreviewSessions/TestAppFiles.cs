using System.Collections.Concurrent;
using System.Text;
using CrowNest.Server.PreviewSessions;
using CrowNest.Subscriptions;

namespace CrowNest.Server.Tests.PreviewSessions;

/// <summary>
/// App version files for the session tests, publishing changes on the version's file topic exactly as the files area
/// does (an object with <c>path</c> and <c>kind</c>), so the session's live-edit path runs for real.
/// </summary>
public sealed class TestAppFiles : IAppVersionFileSource
{
    private readonly ConcurrentDictionary<(string Version, string Path), byte[]> _files = new();

    public ITopicEventSender? Events { get; set; }

    public void Seed(string versionId, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (path, content) in files)
        {
            _files[(versionId, path)] = Encoding.UTF8.GetBytes(content);
        }
    }

    public async Task WriteAsync(string versionId, string path, string content)
    {
        _files[(versionId, path)] = Encoding.UTF8.GetBytes(content);
        await Events!.SendAsync(PreviewSessionTopics.VersionFiles(versionId), new { path, kind = "written" });
    }

    public async Task DeleteAsync(string versionId, string path)
    {
        _files.TryRemove((versionId, path), out _);
        await Events!.SendAsync(PreviewSessionTopics.VersionFiles(versionId), new { path, kind = "deleted" });
    }

    public Task<IReadOnlyList<AppVersionFile>> ListAsync(string versionId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AppVersionFile>>(_files.Where(f => f.Key.Version == versionId)
            .Select(f => new AppVersionFile(f.Key.Path, f.Value)).ToList());

    public Task<AppVersionFile?> ReadAsync(string versionId, string path, CancellationToken cancellationToken) =>
        Task.FromResult(_files.TryGetValue((versionId, path), out var content) ? new AppVersionFile(path, content) : null);
}
