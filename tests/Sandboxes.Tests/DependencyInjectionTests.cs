using CrowNest.Sandboxes.Docker;
using CrowNest.Sandboxes.Process;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrowNest.Sandboxes.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public void ProcessRuntime_IsTheDefault_AndOptionsBindFromConfiguration()
    {
        using var provider = Build(new()
        {
            ["Sandboxes:AllowUnisolated"] = "true",
            ["Sandboxes:DefaultLimits:MemoryBytes"] = "1048576000",
            ["Sandboxes:DefaultLimits:CpuTimePerProcess"] = "00:00:30",
            ["Sandboxes:Process:RootDirectory"] = "/tmp/crownest-di-test",
            ["Sandboxes:Docker:Image"] = "custom:tag",
        });
        Assert.IsType<ProcessSandboxRuntime>(provider.GetRequiredService<ISandboxRuntime>());
        var options = provider.GetRequiredService<IOptions<SandboxOptions>>().Value;
        Assert.True(options.AllowUnisolated);
        Assert.Equal(1_048_576_000, options.DefaultLimits.MemoryBytes);
        Assert.Equal(256, options.DefaultLimits.MaxProcesses);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DefaultLimits.CpuTimePerProcess);
        Assert.Equal("/tmp/crownest-di-test", options.Process.RootDirectory);
        Assert.Equal("/usr/bin/bwrap", options.Process.BubblewrapPath);
        Assert.Equal("custom:tag", options.Docker.Image);
    }

    [Fact]
    public void DockerRuntime_IsChosenByConfiguration_AndUnknownRuntimesAreRejected()
    {
        using (var provider = Build(new() { ["Sandboxes:Runtime"] = "docker" }))
        {
            Assert.IsType<DockerSandboxRuntime>(provider.GetRequiredService<ISandboxRuntime>());
        }

        using var bad = Build(new() { ["Sandboxes:Runtime"] = "vm" });
        Assert.Equal(SandboxErrorCode.InvalidArgument, Assert.Throws<SandboxException>(() => bad.GetRequiredService<ISandboxRuntime>()).Code);
    }

    [Fact]
    public void Builder_ConfigureOverridesBoundOptions()
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddCrowNestSandboxes().Configure(o => o with { Runtime = "docker", OutputReplayBytes = 4096 });
        using var provider = services.BuildServiceProvider();
        Assert.Equal(4096, provider.GetRequiredService<IOptions<SandboxOptions>>().Value.OutputReplayBytes);
        Assert.IsType<DockerSandboxRuntime>(provider.GetRequiredService<ISandboxRuntime>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddCrowNestSandboxes();
        return services.BuildServiceProvider();
    }
}
