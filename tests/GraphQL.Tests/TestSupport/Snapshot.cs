using System.Runtime.CompilerServices;
using System.Text;
using Xunit.Sdk;

namespace CrowNest.GraphQL.Tests.TestSupport;

/// <summary>
/// Snapshot assertions. Snapshots live in <c>__snapshots__/&lt;TestClass&gt;.&lt;TestMethod&gt;[.name].snap</c> beside the test file.
/// A missing snapshot is written; the test then fails when the <c>CI</c> environment variable is set (snapshots must be
/// committed) and passes with a note otherwise. A mismatch fails with a line diff. <c>UPDATE_SNAPSHOTS=1</c> rewrites snapshots.
/// </summary>
public static class Snapshot
{
    /// <summary>Compares <paramref name="actual"/> with the stored snapshot of the calling test.</summary>
    /// <param name="actual">The text to compare; line ends are normalised to <c>\n</c>.</param>
    /// <param name="name">Optional suffix when one test keeps several snapshots.</param>
    /// <param name="callerFilePath">Filled by the compiler.</param>
    /// <param name="callerMemberName">Filled by the compiler.</param>
    public static void Match(
        string actual,
        string? name = null,
        [CallerFilePath] string callerFilePath = "",
        [CallerMemberName] string callerMemberName = "")
    {
        ArgumentNullException.ThrowIfNull(actual);
        var path = PathFor(callerFilePath, callerMemberName, name);
        var result = Compare(actual, path, IsSet("CI"), IsSet("UPDATE_SNAPSHOTS"));
        switch (result.Outcome)
        {
            case SnapshotOutcome.Matched:
            case SnapshotOutcome.Updated:
                return;
            case SnapshotOutcome.Created:
                TestContext.Current.SendDiagnosticMessage("Snapshot created: {0}", path);
                TestContext.Current.AddWarning("Snapshot created: " + path);
                return;
            default:
                throw new XunitException(result.Message);
        }
    }

    /// <summary>The snapshot file for a test file, method and optional name.</summary>
    public static string PathFor(string testFilePath, string testMethod, string? name = null)
    {
        var directory = Path.Combine(Path.GetDirectoryName(testFilePath)!, "__snapshots__");
        var testClass = Path.GetFileNameWithoutExtension(testFilePath);
        return Path.Combine(directory, $"{testClass}.{testMethod}{(name is null ? string.Empty : "." + name)}.snap");
    }

    /// <summary>The comparison without xunit: used by <see cref="Match"/> and by the helper's own tests.</summary>
    public static SnapshotResult Compare(string actual, string path, bool ci, bool update)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(path);
        actual = Normalize(actual);
        if (!File.Exists(path))
        {
            Write(path, actual);
            return ci
                ? new SnapshotResult(SnapshotOutcome.Failed, $"Snapshot {path} was missing and has been written; commit it (CI is set, so this fails).")
                : new SnapshotResult(SnapshotOutcome.Created, $"Snapshot {path} was missing and has been written.");
        }

        var expected = Normalize(File.ReadAllText(path));
        if (expected == actual)
        {
            return new SnapshotResult(SnapshotOutcome.Matched, string.Empty);
        }

        if (update)
        {
            Write(path, actual);
            return new SnapshotResult(SnapshotOutcome.Updated, $"Snapshot {path} updated.");
        }

        return new SnapshotResult(
            SnapshotOutcome.Failed,
            $"Snapshot mismatch: {path}\n(run with UPDATE_SNAPSHOTS=1 to accept the new output)\n{Diff(expected, actual)}");
    }

    /// <summary>A unified-style diff of two texts: <c>-</c> lines only in <paramref name="expected"/>, <c>+</c> lines only in <paramref name="actual"/>.</summary>
    public static string Diff(string expected, string actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var a = expected.Split('\n');
        var b = actual.Split('\n');

        // Longest common subsequence table; snapshots are small enough for the quadratic version.
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var output = new StringBuilder();
        output.Append("--- expected\n+++ actual\n");
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                output.Append("  ").Append(a[x]).Append('\n');
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                output.Append("+ ").Append(b[y]).Append('\n');
                y++;
            }
            else
            {
                output.Append("- ").Append(a[x]).Append('\n');
                x++;
            }
        }

        return output.ToString();
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static bool IsSet(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
        && !value.Equals("0", StringComparison.Ordinal)
        && !value.Equals("false", StringComparison.OrdinalIgnoreCase);
}

/// <summary>What a snapshot comparison did.</summary>
public enum SnapshotOutcome
{
    /// <summary>The snapshot exists and matches.</summary>
    Matched,

    /// <summary>The snapshot was missing and has been written (outside CI).</summary>
    Created,

    /// <summary>The snapshot differed and was rewritten because UPDATE_SNAPSHOTS is set.</summary>
    Updated,

    /// <summary>Mismatch, or missing under CI.</summary>
    Failed,
}

/// <summary>Outcome and message of a snapshot comparison.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Message">Failure message with diff, or a note.</param>
public readonly record struct SnapshotResult(SnapshotOutcome Outcome, string Message);
