using System.Text;

namespace CrowNest.Platform.Files;

/// <summary>
/// App file paths: relative, '/'-separated, normalized (<c>a/./b</c> → <c>a/b</c>). Anything that could escape the
/// version's tree or be read differently by another tool is refused rather than repaired.
/// </summary>
public static class FilePaths
{
    public const int MaxBytes = 512;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The normalized path, or an <c>invalid_request</c> error naming the reason.</summary>
    public static Result<string> Normalize(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return PlatformError.Invalid("path: required");
        }

        // Cheap bound before splitting: no valid path can be this long even with many "./" segments.
        if (path.Length > MaxBytes * 4)
        {
            return TooLong();
        }

        foreach (var c in path)
        {
            if (c == '\\')
            {
                return PlatformError.Invalid("path: backslashes are not allowed; use '/'");
            }

            if (char.IsControl(c))
            {
                return PlatformError.Invalid("path: control characters (including NUL) are not allowed");
            }
        }

        if (path[0] == '/')
        {
            return PlatformError.Invalid("path: must be relative (no leading '/')");
        }

        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            switch (segment)
            {
                case "":
                    return PlatformError.Invalid("path: empty segments ('//' or a trailing '/') are not allowed");
                case ".":
                    continue;
                case "..":
                    return PlatformError.Invalid("path: '..' segments are not allowed");
                default:
                    segments.Add(segment);
                    break;
            }
        }

        if (segments.Count == 0)
        {
            return PlatformError.Invalid("path: names no file");
        }

        var normalized = string.Join('/', segments);
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(normalized);
        }
        catch (EncoderFallbackException)
        {
            return PlatformError.Invalid("path: not valid Unicode");
        }

        return bytes > MaxBytes ? TooLong() : normalized;
    }

    /// <summary>A directory to list: null, empty and "/" (or "." ) are the root (""); a trailing '/' is allowed.</summary>
    public static Result<string> NormalizeDirectory(string? path)
    {
        if (string.IsNullOrEmpty(path) || path is "/" or "." or "./")
        {
            return "";
        }

        return Normalize(path.EndsWith('/') ? path[..^1] : path);
    }

    /// <summary>The last segment.</summary>
    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static PlatformError TooLong() => PlatformError.Invalid($"path: longer than {MaxBytes} bytes");
}
