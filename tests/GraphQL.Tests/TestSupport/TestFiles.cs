using System.Runtime.CompilerServices;

namespace CrowNest.GraphQL.Tests.TestSupport;

/// <summary>Reads test data files that live beside the test source (the tests run from the repository checkout).</summary>
public static class TestFiles
{
    /// <summary>Reads <paramref name="relativePath"/> relative to the calling test file's folder, with \n line ends.</summary>
    public static string Read(string relativePath, [CallerFilePath] string callerFilePath = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(callerFilePath)!, relativePath);
        return File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
