namespace CrowNest.GraphQL.Tests;

public sealed class MarkerTests
{
    [Fact]
    public void AssemblyLoads() => Assert.Equal("CrowNest.GraphQL", typeof(GraphQLMarker).Assembly.GetName().Name);
}
