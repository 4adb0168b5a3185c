namespace CrowNest.Server.Tests.Infrastructure;

public static class TempDirs
{
    /// <summary>A fresh temp directory the postgres OS user can traverse (tests may run as root).</summary>
    public static string Create(string prefix)
    {
        var dir = Directory.CreateTempSubdirectory(prefix + "-").FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        return dir;
    }

    public static void Delete(string? dir)
    {
        if (dir is null)
        {
            return;
        }

        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
