using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Tests.TestSupport;

namespace CrowNest.GraphQL.Tests.Language;

public sealed class ParserTests
{
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
}
