namespace CrowNest.Schema.Tests;

public sealed class MarkerTests
{
    [Fact]
    public void AssemblyLoads() => Assert.Equal("CrowNest.Schema", typeof(CrowNest.Schema.SchemaMarker).Assembly.GetName().Name);
}
