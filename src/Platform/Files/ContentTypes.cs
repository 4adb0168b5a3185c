using Microsoft.AspNetCore.StaticFiles;

namespace CrowNest.Platform.Files;

/// <summary>Content type from a file's extension, for writes that do not give one.</summary>
public static class ContentTypes
{
    public const string Default = "application/octet-stream";

    // Source files of web apps that the generic table gets wrong or lacks (it maps .ts to MPEG transport streams).
    private static readonly Dictionary<string, string> Overrides = new(StringComparer.OrdinalIgnoreCase)
    {
        [".ts"] = "text/typescript",
        [".tsx"] = "text/typescript",
        [".mts"] = "text/typescript",
        [".cts"] = "text/typescript",
        [".js"] = "text/javascript",
        [".mjs"] = "text/javascript",
        [".cjs"] = "text/javascript",
        [".jsx"] = "text/javascript",
        [".json"] = "application/json",
        [".map"] = "application/json",
        [".md"] = "text/markdown",
        [".css"] = "text/css",
        [".html"] = "text/html",
        [".htm"] = "text/html",
        [".svg"] = "image/svg+xml",
        [".vue"] = "text/plain",
        [".svelte"] = "text/plain",
        [".yaml"] = "application/yaml",
        [".yml"] = "application/yaml",
        [".toml"] = "application/toml",
        [".wasm"] = "application/wasm",
        [".webmanifest"] = "application/manifest+json",
    };

    private static readonly FileExtensionContentTypeProvider Table = new();

    public static string Guess(string path)
    {
        var name = FilePaths.Name(path);
        var dot = name.LastIndexOf('.');
        if (dot > 0 && Overrides.TryGetValue(name[dot..], out var type))
        {
            return type;
        }

        return Table.TryGetContentType(name, out var guessed) ? guessed : Default;
    }

    /// <summary>A given content type must look like <c>type/subtype[; params]</c> and fit a header.</summary>
    public static bool IsValid(string contentType) =>
        contentType.Length <= 255 && contentType.IndexOf('/') > 0 && !contentType.Any(c => char.IsControl(c) || c > '~');
}
