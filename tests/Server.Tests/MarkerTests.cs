namespace CrowNest.Server.Tests;

public sealed class MarkerTests
{
    [Fact]
    public void ProgramExists() => Assert.Equal("CrowNest.Server", typeof(Program).Assembly.GetName().Name);
}
