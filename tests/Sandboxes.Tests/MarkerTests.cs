namespace CrowNest.Sandboxes.Tests;

public sealed class MarkerTests
{
    [Fact]
    public void AssemblyLoads() => Assert.Equal("CrowNest.Sandboxes", typeof(CrowNest.Sandboxes.SandboxesMarker).Assembly.GetName().Name);
}
