namespace CrowNest.Server.PreviewSessions;

/// <summary>One file of an app version: a path relative to the app root and its bytes.</summary>
public sealed record AppVersionFile(string Path, ReadOnlyMemory<byte> Content);

/// <summary>
/// Where a preview session reads the version's files (the app files area implements it over <c>app_files</c>;
/// changes arrive on the topic <see cref="PreviewSessionTopics.VersionFiles"/>).
/// </summary>
public interface IAppVersionFileSource
{
    /// <summary>Every file of the version (directories are implied by paths).</summary>
    Task<IReadOnlyList<AppVersionFile>> ListAsync(string versionId, CancellationToken cancellationToken);

    /// <summary>One file, or <see langword="null"/> when the version has no file at <paramref name="path"/>.</summary>
    Task<AppVersionFile?> ReadAsync(string versionId, string path, CancellationToken cancellationToken);
}

/// <summary>Topic names shared with the files area and GraphQL subscriptions.</summary>
public static class PreviewSessionTopics
{
    /// <summary>Session state changes; the message is the session's REST representation.</summary>
    public static string Session(string sessionId) => $"appPreviewSession:{sessionId}";

    /// <summary>File changes of a version (published by the files area): an object with <c>path</c> and a deletion flag.</summary>
    public static string VersionFiles(string versionId) => $"appversion:{versionId}:files";
}
