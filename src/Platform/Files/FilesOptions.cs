namespace CrowNest.Platform.Files;

/// <summary>App file limits (config section <c>Files</c>).</summary>
public sealed record FilesOptions
{
    public const string Section = "Files";

    /// <summary>Largest single file in bytes (default 5 MiB).</summary>
    public long MaxFileBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>Largest total of all files of one app version in bytes (default 100 MiB).</summary>
    public long MaxVersionBytes { get; init; } = 100 * 1024 * 1024;
}
