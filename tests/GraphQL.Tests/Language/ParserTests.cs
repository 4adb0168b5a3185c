using System.Text;
using System.Text.Json;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Tests.TestSupport;

namespace CrowNest.GraphQL.Tests.Language;

public sealed class ParserTests
{
    private static string ErrorOf(string source, ParserOptions? options = null)
    {
        var e = Assert.Throws<GraphQLSyntaxException>(() => Parser.Parse(source, options));
        Assert.Equal(ErrorCodes.SyntaxError, e.Error.Code);
        return $"{e.Error.Message} ({e.Location.Line}:{e.Location.Column})";
    }

    [Fact]
    public void KitchenSinkQueryTreeAndLocationsMatchGraphQLJs()
    {
        var document = Parser.Parse(TestFiles.Read("TestData/kitchen-sink.graphql"));
        Assert.Equal(TestFiles.Read("TestData/kitchen-sink.ast.txt"), AstDump.Of(document));
    }

    [Fact]
    public void KitchenSinkSchemaTreeAndLocationsMatchGraphQLJs()
    {
        var document = Parser.Parse(TestFiles.Read("TestData/schema-kitchen-sink.graphql"));
        Assert.Equal(TestFiles.Read("TestData/schema-kitchen-sink.ast.txt"), AstDump.Of(document));
    }

    /// <summary>
    /// Hundreds of hand-picked and fuzz-generated documents with graphql-js 16's result for each: the exact error message and
    /// location, or the exact <c>print()</c> output of the parsed tree.
    /// </summary>
    [Fact]
    public void MatchesGraphQLJsOnDifferentialCorpus()
    {
        var failures = new StringBuilder();
        var count = 0;
        foreach (var line in TestFiles.Read("TestData/graphql-js-differential.jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var source = json.RootElement.GetProperty("source").GetString()!;
            var expected = json.RootElement.GetProperty("expected").GetString()!;
            string actual;
            try
            {
                actual = "OK " + Printer.Print(Parser.Parse(source));
            }
            catch (GraphQLSyntaxException e)
            {
                actual = $"ERR {e.Error.Message} {e.Location.Line}:{e.Location.Column}";
            }

            count++;
            if (actual != expected)
            {
                failures.Append("source:   ").Append(JsonSerializer.Serialize(source)).Append('\n')
                    .Append("expected: ").Append(expected).Append('\n')
                    .Append("actual:   ").Append(actual).Append("\n\n");
            }
        }

        Assert.True(count > 600, "corpus not loaded");
        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public void ParsesShorthandQueryWithLocations()
    {
        var document = Parser.Parse("{ a }");
        var operation = Assert.IsType<OperationDefinitionNode>(Assert.Single(document.Definitions));
        Assert.Equal(OperationType.Query, operation.Operation);
        Assert.Null(operation.Name);
        Assert.Empty(operation.VariableDefinitions);
        Assert.Equal(new Location(0, 5, 1, 1), operation.Location);
        var field = Assert.IsType<FieldNode>(Assert.Single(operation.SelectionSet.Selections));
        Assert.Equal(new Location(2, 3, 1, 3), field.Location);
        Assert.Equal("a", field.ResponseKey);
        Assert.Equal(new Location(0, 5, 1, 1), document.Location);
    }

    [Fact]
    public void ParsesVariableDefinitionDirectivesAndDefaults()
    {
        var document = Parser.Parse("query Q($a: [Int!]! = [1, 2] @d(x: 1), $b: String) { f(a: $a) }");
        var operation = (OperationDefinitionNode)document.Definitions[0];
        var a = operation.VariableDefinitions[0];
        Assert.Equal("a", a.Variable.Name.Value);
        var nonNull = Assert.IsType<NonNullTypeNode>(a.Type);
        var list = Assert.IsType<ListTypeNode>(nonNull.Type);
        Assert.IsType<NonNullTypeNode>(list.Type);
        Assert.IsType<ListValueNode>(a.DefaultValue);
        Assert.Equal("d", Assert.Single(a.Directives).Name.Value);
        Assert.IsType<VariableNode>(((FieldNode)operation.SelectionSet.Selections[0]).Arguments[0].Value);
    }

    [Fact]
    public void ParsesExecutableDescriptionsLikeGraphQLJs16()
    {
        var document = Parser.Parse("\"op\" query Q(\"var\" $a: Int) { a } \"\"\"frag\"\"\" fragment F on T { a }");
        var operation = (OperationDefinitionNode)document.Definitions[0];
        Assert.Equal("op", operation.Description!.Value);
        Assert.Equal("var", operation.VariableDefinitions[0].Description!.Value);
        var fragment = (FragmentDefinitionNode)document.Definitions[1];
        Assert.Equal("frag", fragment.Description!.Value);
        Assert.True(fragment.Description.Block);
    }

    [Fact]
    public void ParsesValuesOfEveryKind()
    {
        var value = Assert.IsType<ObjectValueNode>(Parser.ParseValue("{a: 1, b: -1.5e3, c: \"s\", d: \"\"\"b\"\"\", e: true, f: null, g: ENUM, h: [$v], i: {}}"));
        Assert.Collection(
            value.Fields,
            f => Assert.Equal("1", Assert.IsType<IntValueNode>(f.Value).Value),
            f => Assert.Equal("-1.5e3", Assert.IsType<FloatValueNode>(f.Value).Value),
            f => Assert.False(Assert.IsType<StringValueNode>(f.Value).Block),
            f => Assert.True(Assert.IsType<StringValueNode>(f.Value).Block),
            f => Assert.True(Assert.IsType<BooleanValueNode>(f.Value).Value),
            f => Assert.IsType<NullValueNode>(f.Value),
            f => Assert.Equal("ENUM", Assert.IsType<EnumValueNode>(f.Value).Value),
            f => Assert.IsType<VariableNode>(Assert.Single(Assert.IsType<ListValueNode>(f.Value).Values)),
            f => Assert.Empty(Assert.IsType<ObjectValueNode>(f.Value).Fields));
    }

    [Fact]
    public void ParseValueTypeAndConstValue()
    {
        Assert.Equal("[String!]!", Printer.Print((SyntaxNode)Parser.ParseType("[String!]!")));
        Assert.Equal("[123, \"abc\"]", Printer.Print((SyntaxNode)Parser.ParseValue("[123 \"abc\"]")));
        Assert.Equal("Syntax Error: Unexpected variable \"$a\" in constant value.", Assert.Throws<GraphQLSyntaxException>(() => Parser.ParseConstValue("$a")).Message);
        Assert.Equal("Syntax Error: Expected <EOF>, found Name \"b\".", Assert.Throws<GraphQLSyntaxException>(() => Parser.ParseType("a b")).Message);
        Assert.Equal("Syntax Error: Expected Name, found \"!\".", Assert.Throws<GraphQLSyntaxException>(() => Parser.ParseType("!")).Message);
    }

    [Fact]
    public void ParsesEveryTypeSystemExtensionKind()
    {
        var document = Parser.Parse(
            """
            extend schema @a { query: Q }
            extend scalar S @a
            extend type T implements & I & J @a { f: Int }
            extend interface I implements J { f: Int }
            extend union U = | A | B
            extend enum E @a
            extend input In { a: Int }
            directive @r(a: Int = 1) repeatable on | FIELD | OBJECT
            """);
        Assert.Collection(
            document.Definitions,
            d => Assert.IsType<SchemaExtensionNode>(d),
            d => Assert.IsType<ScalarTypeExtensionNode>(d),
            d => Assert.Equal(2, Assert.IsType<ObjectTypeExtensionNode>(d).Interfaces.Count),
            d => Assert.Single(Assert.IsType<InterfaceTypeExtensionNode>(d).Interfaces),
            d => Assert.Equal(2, Assert.IsType<UnionTypeExtensionNode>(d).Types.Count),
            d => Assert.IsType<EnumTypeExtensionNode>(d),
            d => Assert.IsType<InputObjectTypeExtensionNode>(d),
            d =>
            {
                var directive = Assert.IsType<DirectiveDefinitionNode>(d);
                Assert.True(directive.IsRepeatable);
                Assert.Equal(["FIELD", "OBJECT"], directive.Locations.Select(l => l.Value));
            });
    }

    [Theory]
    [InlineData("", "Syntax Error: Unexpected <EOF>. (1:1)")]
    [InlineData("{", "Syntax Error: Expected Name, found <EOF>. (1:2)")]
    [InlineData("{ ...MissingOn }\nfragment MissingOn Type", "Syntax Error: Expected \"on\", found Name \"Type\". (2:20)")]
    [InlineData("{ field: {} }", "Syntax Error: Expected Name, found \"{\". (1:10)")]
    [InlineData("notAnOperation Foo { field }", "Syntax Error: Unexpected Name \"notAnOperation\". (1:1)")]
    [InlineData("...", "Syntax Error: Unexpected \"...\". (1:1)")]
    [InlineData("{ \"\"", "Syntax Error: Expected Name, found String \"\". (1:3)")]
    [InlineData("query Foo($x: Complex = { a: { b: [ $var ] } }) { field }", "Syntax Error: Unexpected variable \"$var\" in constant value. (1:37)")]
    [InlineData("query Foo($x: Complex = $) { field }", "Syntax Error: Unexpected \"$\". (1:25)")]
    [InlineData("fragment on on on { on }", "Syntax Error: Unexpected Name \"on\". (1:10)")]
    [InlineData("{ ...on }", "Syntax Error: Expected Name, found \"}\". (1:9)")]
    [InlineData("\"desc\" { a }", "Syntax Error: Unexpected description, descriptions are not supported on shorthand queries. (1:1)")]
    [InlineData("\"desc\" extend type T @a", "Syntax Error: Unexpected description, only GraphQL definitions support descriptions. (1:1)")]
    [InlineData("enum E { true }", "Syntax Error: Name \"true\" is reserved and cannot be used for an enum value. (1:10)")]
    [InlineData("directive @d on FOO", "Syntax Error: Unexpected Name \"FOO\". (1:17)")]
    [InlineData("extend scalar S", "Syntax Error: Unexpected <EOF>. (1:16)")]
    [InlineData("extend type T", "Syntax Error: Unexpected <EOF>. (1:14)")]
    [InlineData("extend directive @d on FIELD", "Syntax Error: Unexpected Name \"directive\". (1:8)")]
    [InlineData("schema { foo: Q }", "Syntax Error: Unexpected Name \"foo\". (1:10)")]
    [InlineData("type T implements { a: Int }", "Syntax Error: Expected Name, found \"{\". (1:19)")]
    [InlineData("union U = | | A", "Syntax Error: Expected Name, found \"|\". (1:13)")]
    [InlineData("{ a(b: 1, c: 2) @ }", "Syntax Error: Expected Name, found \"}\". (1:19)")]
    public void ReportsSyntaxErrorsLikeGraphQLJs(string source, string expected) => Assert.Equal(expected, ErrorOf(source));

    [Fact]
    public void EnforcesTokenLimit()
    {
        Assert.Equal("Syntax Error: Document exceeds the maximum of 3 tokens. (1:7)", ErrorOf("{ a b c }", new ParserOptions { MaxTokens = 3 }));
        Parser.Parse("{ a b }", new ParserOptions { MaxTokens = 4 });
        var huge = "{" + string.Concat(Enumerable.Repeat(" a", 20_000)) + " }";
        Assert.StartsWith("Syntax Error: Document exceeds the maximum of 15000 tokens.", ErrorOf(huge));
    }

    [Fact]
    public void CommentsDoNotCountAsTokens()
    {
        Assert.True(Parser.TryParse("# one\n{ a # two\n }", out _, out _, out var statistics));
        Assert.Equal(3, statistics.TokenCount);
        Assert.Equal(6, statistics.LexedTokenCount);
    }

    [Fact]
    public void EnforcesDepthLimitOnSelectionsValuesAndTypes()
    {
        // Selection sets, list and object values and list types all count towards the same depth.
        var options = new ParserOptions { MaxDepth = 3 };
        Parser.Parse("{ a { b { c } } }", options);
        Assert.Equal("Syntax Error: Document exceeds the maximum nesting depth of 3. (1:13)", ErrorOf("{ a { b { c { d } } } }", options));
        Assert.Equal("Syntax Error: Document exceeds the maximum nesting depth of 3. (1:10)", ErrorOf("{ a(x: [[[[1]]]]) }", options));
        Assert.Equal("Syntax Error: Document exceeds the maximum nesting depth of 3. (1:16)", ErrorOf("{ a(x: {a: {b: {c: {d: 1}}}}) }", options));
        Assert.Equal("Syntax Error: Document exceeds the maximum nesting depth of 3. (1:16)", ErrorOf("type T { f: [[[[Int]]]] }", options));

        var deep = new string('[', 100_000);
        Assert.StartsWith("Syntax Error: Document exceeds the maximum nesting depth of 128.", ErrorOf("{ a(x: " + deep + ") }"));
        Assert.StartsWith("Syntax Error: Document exceeds the maximum nesting depth of", ErrorOf("{ a(x: " + deep + ") }", new ParserOptions { MaxDepth = int.MaxValue, MaxTokens = int.MaxValue }));
    }

    [Fact]
    public void EnforcesLengthLimit()
    {
        Assert.Equal("Syntax Error: Document exceeds the maximum length of 5 characters. (1:6)", ErrorOf("{ abc }", new ParserOptions { MaxLength = 5 }));
        Assert.False(Parser.TryParse("{ abc }", out var document, out var error, new ParserOptions { MaxLength = 5 }));
        Assert.Null(document);
        Assert.Equal(ErrorCodes.SyntaxError, error!.Code);
        Assert.Equal([new SourceLocation(1, 6)], error.Locations);
    }

    [Fact]
    public void TryParseReturnsDocumentOrError()
    {
        Assert.True(Parser.TryParse("{ a }", out var document, out var error));
        Assert.NotNull(document);
        Assert.Null(error);
        Assert.False(Parser.TryParse("{ a", out document, out error));
        Assert.Null(document);
        Assert.Equal("Syntax Error: Expected Name, found <EOF>.", error!.Message);
        Assert.Equal([new SourceLocation(1, 4)], error.Locations);
    }

    [Fact]
    public void NoLocationsOptionLeavesLocationsNull()
    {
        var document = Parser.Parse("{ a(b: [1]) }", new ParserOptions { NoLocations = true });
        Assert.Null(document.Location);
        var field = (FieldNode)((OperationDefinitionNode)document.Definitions[0]).SelectionSet.Selections[0];
        Assert.Null(field.Location);
        Assert.Null(((ListValueNode)field.Arguments[0].Value).Location);
    }

    [Fact]
    public void InternsNamesAcrossParses()
    {
        var first = (FieldNode)((OperationDefinitionNode)Parser.Parse("{ someFieldName }").Definitions[0]).SelectionSet.Selections[0];
        var second = (FieldNode)((OperationDefinitionNode)Parser.Parse("{ someFieldName }").Definitions[0]).SelectionSet.Selections[0];
        Assert.Same(first.Name.Value, second.Name.Value);
    }

    [Fact]
    public void ErrorLocationsCountCrLfAsOneLineEnd()
    {
        Assert.Equal("Syntax Error: Expected Name, found \"}\". (3:1)", ErrorOf("{\r\n a(\r\n}"));
        Assert.Equal("Syntax Error: Expected Name, found \"}\". (3:1)", ErrorOf("{\r a(\r}"));
    }
}
