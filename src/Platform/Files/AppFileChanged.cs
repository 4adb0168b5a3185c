namespace CrowNest.Platform.Files;

/// <summary>
/// Published after a file of an app version was written or deleted (committed), on topic
/// <see cref="Topic"/> <c>appversion:{versionId}:files</c>; live previews (issue #5) consume it.
/// </summary>
/// <param name="VersionId">The app version (<c>appver_...</c>).</param>
/// <param name="Path">The normalized path.</param>
/// <param name="Kind"><see cref="Written"/> or <see cref="Deleted"/>.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the new content; null when deleted.</param>
public sealed record AppFileChanged(string VersionId, string Path, string Kind, string? Sha256)
{
    public const string Written = "written";
    public const string Deleted = "deleted";

    public static string Topic(string versionId) => $"appversion:{versionId}:files";
}
