namespace CrowNest.Sandboxes.Process;

/// <summary>POSIX shell quoting for the launch scripts we build.</summary>
internal static class Shell
{
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string Join(IEnumerable<string> args) => string.Join(' ', args.Select(Quote));
}
