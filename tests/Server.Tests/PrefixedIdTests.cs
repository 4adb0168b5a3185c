using CrowNest.Platform.Data;

namespace CrowNest.Server.Tests;

public sealed class PrefixedIdTests
{
    [Fact]
    public void HasPrefixAnd26CrockfordCharacters()
    {
        var id = PrefixedId.New(PrefixedId.Organization);
        Assert.StartsWith("org_", id, StringComparison.Ordinal);
        Assert.Equal(30, id.Length);
        Assert.True(PrefixedId.IsValid(id, "org"));
        Assert.False(PrefixedId.IsValid(id, "usr"));
        Assert.False(PrefixedId.IsValid("org_" + new string('U', 26), "org"));
    }

    [Fact]
    public void SortsByCreationTime()
    {
        var start = DateTimeOffset.UnixEpoch.AddYears(55);
        var ids = Enumerable.Range(0, 50).Select(i => PrefixedId.New("ws", start.AddMilliseconds(i * 7))).ToList();
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EncodesTheTimestampInTheFirstTenCharacters()
    {
        // 48-bit big-endian milliseconds in base32: 1 ms -> "...01", 32 ms -> "...10".
        Assert.Equal("0000000000", PrefixedId.New("key", DateTimeOffset.UnixEpoch)[4..14]);
        Assert.Equal("0000000001", PrefixedId.New("key", DateTimeOffset.UnixEpoch.AddMilliseconds(1))[4..14]);
        Assert.Equal("0000000010", PrefixedId.New("key", DateTimeOffset.UnixEpoch.AddMilliseconds(32))[4..14]);
        Assert.Equal("000000000Z", PrefixedId.New("key", DateTimeOffset.UnixEpoch.AddMilliseconds(31))[4..14]);
    }

    [Fact]
    public void IsUniqueWithinTheSameMillisecond()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, 10_000).Select(_ => PrefixedId.New("prj", now)).ToHashSet();
        Assert.Equal(10_000, ids.Count);
    }
}
