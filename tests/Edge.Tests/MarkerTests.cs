namespace CrowNest.Edge.Tests;

public sealed class MarkerTests
{
    [Fact]
    public void AssemblyLoads() => Assert.Equal("CrowNest.Edge", typeof(CrowNest.Edge.EdgeMarker).Assembly.GetName().Name);
}
