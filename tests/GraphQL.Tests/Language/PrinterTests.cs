using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Tests.TestSupport;

namespace CrowNest.GraphQL.Tests.Language;

/// <summary>The snapshots of the kitchen sinks were produced by graphql-js 16 <c>print()</c>, so they double as differential checks.</summary>
public sealed class PrinterTests
{
    [Fact]
    public void PrintsKitchenSinkQueryLikeGraphQLJs() =>
        Snapshot.Match(Printer.Print(Parser.Parse(TestFiles.Read("TestData/kitchen-sink.graphql"))));

    [Fact]
    public void PrintsKitchenSinkSchemaLikeGraphQLJs() =>
        Snapshot.Match(Printer.Print(Parser.Parse(TestFiles.Read("TestData/schema-kitchen-sink.graphql"))));

    [Theory]
    [InlineData("TestData/kitchen-sink.graphql")]
    [InlineData("TestData/schema-kitchen-sink.graphql")]
    public void PrintParsePrintIsStable(string file)
    {
        var printed = Printer.Print(Parser.Parse(TestFiles.Read(file)));
        var reparsed = Parser.Parse(printed, new ParserOptions { NoLocations = true });
        Assert.Equal(printed, Printer.Print(reparsed));

        // The reprinted tree is the same tree: compare structure without locations.
        Assert.Equal(StripLocations(AstDump.Of(Parser.Parse(TestFiles.Read(file), new ParserOptions { NoLocations = true }))), StripLocations(AstDump.Of(reparsed)));
    }

    [Fact]
    public void PrintsShorthandOnlyForPlainAnonymousQueries()
    {
        Assert.Equal("{\n  a\n}", Printer.Print(Parser.Parse("query { a }")));
        Assert.Equal("query Q {\n  a\n}", Printer.Print(Parser.Parse("query Q { a }")));
        Assert.Equal("query @d {\n  a\n}", Printer.Print(Parser.Parse("query @d { a }")));
        Assert.Equal("query ($a: Int) {\n  a\n}", Printer.Print(Parser.Parse("query ($a: Int) { a }")));
        Assert.Equal("mutation {\n  a\n}", Printer.Print(Parser.Parse("mutation { a }")));
    }

    [Fact]
    public void WrapsFieldArgumentsPastEightyColumns()
    {
        const string Short = "{ field(argumentNumberOne: 1, argumentNumberTwo: 2, argumentNumberThree: 3) }";
        Assert.Equal("{\n  field(argumentNumberOne: 1, argumentNumberTwo: 2, argumentNumberThree: 3)\n}", Printer.Print(Parser.Parse(Short)));

        const string Long = "{ field(argumentNumberOne: 1, argumentNumberTwo: 2, argumentNumberThree: 3, four: 4) { sub } }";
        Assert.Equal(
            "{\n  field(\n    argumentNumberOne: 1\n    argumentNumberTwo: 2\n    argumentNumberThree: 3\n    four: 4\n  ) {\n    sub\n  }\n}",
            Printer.Print(Parser.Parse(Long)));
    }

    [Fact]
    public void PutsArgumentDefinitionsWithDescriptionsOnTheirOwnLines()
    {
        Assert.Equal(
            "type T {\n  f(\n    \"\"\"desc\"\"\"\n    a: Int\n    b: String\n  ): Int\n}",
            Printer.Print(Parser.Parse("type T { f(\"\"\"desc\"\"\" a: Int, b: String): Int }")));
        Assert.Equal("directive @d(a: Int = 1) repeatable on FIELD | QUERY", Printer.Print(Parser.Parse("directive @d(a: Int = 1) repeatable on | FIELD | QUERY")));
    }

    [Fact]
    public void PrintsStringsWithGraphQLJsEscapes()
    {
        Assert.Equal("\"a\\\"b\\\\c\\n\\t\\u0001\\u007F\\u009F\u00a0\ud83d\ude00\"", Printer.PrintString("a\"b\\c\n\t\u0001\u007f\u009f\u00a0\ud83d\ude00"));
        Assert.Equal("{\n  a(s: \"\\u001F\\b\\f\\r\")\n}", Printer.Print(Parser.Parse("{ a(s: \"\\u001f\\b\\f\\r\") }")));
    }

    [Fact]
    public void PrintsBlockStringsInsideIndentedBlocks()
    {
        var document = Parser.Parse("type T {\n  \"\"\"\n  line one\n\n  line two\n  \"\"\"\n  f: Int\n}");
        Assert.Equal("type T {\n  \"\"\"\n  line one\n  \n  line two\n  \"\"\"\n  f: Int\n}", Printer.Print(document));
    }

    [Fact]
    public void PrintsNodesBuiltInCode()
    {
        var field = new FieldNode(new NameNode("alias"), new NameNode("name"), [new ArgumentNode(new NameNode("x"), new ListValueNode([new IntValueNode("1"), new NullValueNode()]))], [], null);
        Assert.Equal("alias: name(x: [1, null])", Printer.Print(field));
        Assert.Equal("[Int!]", Printer.Print(new ListTypeNode(new NonNullTypeNode(new NamedTypeNode(new NameNode("Int"))))));
    }

    private static string StripLocations(string dump) =>
        string.Join('\n', dump.Split('\n').Select(line => System.Text.RegularExpressions.Regex.Replace(line, @" \d+-\d+( \d+:\d+)?", string.Empty)));
}
