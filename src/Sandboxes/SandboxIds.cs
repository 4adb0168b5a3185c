using System.Text.RegularExpressions;

namespace CrowNest.Sandboxes;

/// <summary>Validation of sandbox ids and in-sandbox paths shared by the runtimes.</summary>
public static partial class SandboxIds
{
    /// <summary>Returns a new random id.</summary>
    public static string NewId() => "sbx-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Throws <see cref="SandboxException"/> (<see cref="SandboxErrorCode.InvalidArgument"/>) for an invalid id.</summary>
    public static string Validate(string id)
    {
        if (!IdPattern().IsMatch(id))
        {
            throw new SandboxException(SandboxErrorCode.InvalidArgument, $"Invalid sandbox id '{id}': use 1-48 of [a-z0-9-], starting with a letter or digit.");
        }

        return id;
    }

    /// <summary>
    /// Normalises a path relative to the work directory ("a/b.txt"); rejects absolute paths, "..", empty segments
    /// and NUL, so a caller can never write outside the sandbox.
    /// </summary>
    public static string NormalizeRelativePath(string path)
    {
        var segments = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s != ".").ToArray();
        if (path.StartsWith('/') || segments.Length == 0 || segments.Any(s => s == ".." || s.Contains('\0')))
        {
            throw new SandboxException(SandboxErrorCode.InvalidArgument, $"Invalid sandbox file path '{path}': must be relative, without '..'.");
        }

        return string.Join('/', segments);
    }

    /// <summary>Validates ports (1-65535, distinct) and environment names (non-empty, no '=' or NUL).</summary>
    public static void ValidateSpec(SandboxSpec spec)
    {
        if (spec.Ports.Any(p => p is < 1 or > 65535) || spec.Ports.Distinct().Count() != spec.Ports.Count)
        {
            throw new SandboxException(SandboxErrorCode.InvalidArgument, "Ports must be distinct numbers between 1 and 65535.");
        }

        ValidateEnvironment(spec.Environment);
    }

    /// <summary>Validates environment variable names (non-empty, no '=' or NUL) and values (no NUL).</summary>
    public static void ValidateEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        foreach (var (key, value) in environment)
        {
            if (key.Length == 0 || key.Contains('=') || key.Contains('\0') || value.Contains('\0'))
            {
                throw new SandboxException(SandboxErrorCode.InvalidArgument, $"Invalid environment variable '{key}'.");
            }
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,47}$")]
    private static partial Regex IdPattern();
}
