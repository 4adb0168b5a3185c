using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Tests.Language;

public sealed class BlockStringTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("  a\n    b\n  c", "  a\n  b\nc")]
    [InlineData("\n\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  ", "Hello,\n  World!\n\nYours,\n  GraphQL.")]
    [InlineData("\r\n  a\r  b\r\n", "a\nb")]
    [InlineData("first\n\t\tsecond\n\t\tthird", "first\nsecond\nthird")]
    [InlineData("   \n  \n", "")]
    [InlineData("a\n  \n    b", "a\n\nb")]
    public void DedentsLikeTheSpec(string raw, string expected) => Assert.Equal(expected, BlockString.Dedent(raw));

    [Fact]
    public void DedentLinesKeepsFirstLineIndentation() =>
        Assert.Equal(["  first", "second", " third"], BlockString.DedentLines(["  first", "  second", "   third", "  "]));

    [Theory]
    [InlineData("", true)]
    [InlineData("simple", true)]
    [InlineData("a\nb", true)]
    [InlineData("\na", false)]
    [InlineData("a\n", false)]
    [InlineData("a\r\nb", false)]
    [InlineData("  a\n  b", false)]
    [InlineData("a\u0001", false)]
    [InlineData("  a\nb", true)]
    public void KnowsWhatIsPrintableAsBlockString(string value, bool printable) => Assert.Equal(printable, BlockString.IsPrintableAsBlockString(value));

    [Theory]
    [InlineData("", "\"\"\"\"\"\"")]
    [InlineData("simple", "\"\"\"simple\"\"\"")]
    [InlineData("with \"\"\" quotes", "\"\"\"with \\\"\"\" quotes\"\"\"")]
    [InlineData("a\nb", "\"\"\"\na\nb\n\"\"\"")]
    [InlineData("  leading space", "\"\"\"  leading space\"\"\"")]
    [InlineData("trailing quote\"", "\"\"\"\ntrailing quote\"\n\"\"\"")]
    [InlineData("trailing slash\\", "\"\"\"\ntrailing slash\\\n\"\"\"")]
    [InlineData("first\n  indented", "\"\"\"\nfirst\n  indented\n\"\"\"")]
    public void PrintsLikeGraphQLJs(string value, string expected) => Assert.Equal(expected, BlockString.Print(value));

    [Fact]
    public void PrintsLongSingleLinesOnTheirOwnLineUnlessMinimized()
    {
        var value = new string('x', 71);
        Assert.Equal("\"\"\"\n" + value + "\n\"\"\"", BlockString.Print(value));
        Assert.Equal("\"\"\"" + value + "\"\"\"", BlockString.Print(value, minimize: true));
    }

    [Theory]
    [InlineData("simple")]
    [InlineData("a\nb")]
    [InlineData("  leading space")]
    [InlineData("with \"\"\" quotes\\")]
    [InlineData("x\n  y\n z")]
    public void PrintedBlockStringsParseBackToTheSameValue(string value)
    {
        var parsed = Assert.IsType<StringValueNode>(Parser.ParseValue(BlockString.Print(value)));
        Assert.Equal(value, parsed.Value);
    }
}
