namespace CrowNest.GraphQL.Tests.TestSupport;

public sealed class SnapshotTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "crownest-snapshot-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void PathIsBesideTheTestFileInSnapshotsFolder() =>
        Assert.Equal(
            Path.Combine("/src/tests/Language", "__snapshots__", "PrinterTests.Prints.snap"),
            Snapshot.PathFor("/src/tests/Language/PrinterTests.cs", "Prints"));

    [Fact]
    public void MissingSnapshotIsWrittenAndFailsOnlyInCi()
    {
        var local = Path.Combine(_directory, "local.snap");
        Assert.Equal(SnapshotOutcome.Created, Snapshot.Compare("text", local, ci: false, update: false).Outcome);
        Assert.Equal("text", File.ReadAllText(local));

        var ci = Path.Combine(_directory, "ci.snap");
        var result = Snapshot.Compare("text", ci, ci: true, update: false);
        Assert.Equal(SnapshotOutcome.Failed, result.Outcome);
        Assert.Contains("was missing", result.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(ci));
    }

    [Fact]
    public void MatchingIgnoresCarriageReturns()
    {
        var path = Path.Combine(_directory, "m.snap");
        Directory.CreateDirectory(_directory);
        File.WriteAllText(path, "a\r\nb");
        Assert.Equal(SnapshotOutcome.Matched, Snapshot.Compare("a\nb", path, ci: true, update: false).Outcome);
    }

    [Fact]
    public void MismatchFailsWithDiffAndUpdateRewrites()
    {
        var path = Path.Combine(_directory, "d.snap");
        Directory.CreateDirectory(_directory);
        File.WriteAllText(path, "one\ntwo\nthree");
        var result = Snapshot.Compare("one\n2\nthree", path, ci: false, update: false);
        Assert.Equal(SnapshotOutcome.Failed, result.Outcome);
        Assert.Contains("--- expected\n+++ actual\n  one\n+ 2\n- two\n  three\n", result.Message, StringComparison.Ordinal);
        Assert.Equal("one\ntwo\nthree", File.ReadAllText(path));

        Assert.Equal(SnapshotOutcome.Updated, Snapshot.Compare("one\n2\nthree", path, ci: true, update: true).Outcome);
        Assert.Equal("one\n2\nthree", File.ReadAllText(path));
    }
}
