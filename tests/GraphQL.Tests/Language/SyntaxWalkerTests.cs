using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Tests.Language;

public sealed class SyntaxWalkerTests
{
    private sealed class FieldCollector : SyntaxWalker
    {
        public List<string> Fields { get; } = [];

        public int Nodes { get; private set; }

        protected override bool Enter(SyntaxNode node)
        {
            Nodes++;
            return node is not FragmentDefinitionNode;
        }

        protected override void VisitField(FieldNode node)
        {
            Fields.Add(node.ResponseKey);
            base.VisitField(node);
        }
    }

    [Fact]
    public void VisitsChildrenInDocumentOrderAndHonoursEnter()
    {
        var walker = new FieldCollector();
        walker.Visit(Parser.Parse("{ a b: c { d ... on T { e } ...F } } fragment F on T { skipped }"));
        Assert.Equal(["a", "b", "d", "e"], walker.Fields);
    }

    [Fact]
    public void ReachesEveryNodeOfTheKitchenSinks()
    {
        foreach (var file in new[] { "TestData/kitchen-sink.graphql", "TestData/schema-kitchen-sink.graphql" })
        {
            var walker = new FieldCollector();
            walker.Visit(Parser.Parse(TestSupport.TestFiles.Read(file)));
            var expected = TestSupport.TestFiles.Read(file.Replace(".graphql", ".ast.txt", StringComparison.Ordinal)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            if (file.Contains("schema", StringComparison.Ordinal))
            {
                Assert.Equal(expected, walker.Nodes);
            }
            else
            {
                Assert.True(walker.Nodes < expected && walker.Nodes > expected / 2);
            }
        }
    }
}
