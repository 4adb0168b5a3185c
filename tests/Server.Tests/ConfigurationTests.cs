using System.Text.Json;
using CrowNest.Server.Hosting;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CrowNest.Server.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void SectionKeyVariablesMapToConfigurationKeys()
    {
        var variable = $"CROWNEST_Test{Guid.NewGuid():N}__Nested__Key";
        Environment.SetEnvironmentVariable(variable, "value-1");
        try
        {
            var config = new ConfigurationBuilder().AddCrowNestEnvironment(["--Other:Key=from-args"]).Build();
            var key = variable["CROWNEST_".Length..].Replace("__", ":", StringComparison.Ordinal);
            Assert.Equal("value-1", config[key]);
            Assert.Equal("from-args", config["Other:Key"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void EdgeAccessKeyVariableSetsTheEdgeSigningKey()
    {
        // Several instances must share the key that signs access links; it is a secret, so it comes from the environment.
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray());
        Environment.SetEnvironmentVariable("CROWNEST_EDGE_ACCESS_KEY", key);
        try
        {
            var config = new ConfigurationBuilder().AddCrowNestEnvironment().Build();
            Assert.Equal(key, config["Edge:AccessKey"]);
            Assert.Equal(key, config.GetSection(CrowNest.Edge.EdgeOptions.Section).Get<CrowNest.Edge.EdgeOptions>()?.AccessKey);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CROWNEST_EDGE_ACCESS_KEY", null);
        }
    }

    [Fact]
    public void ReadmeDocumentsEverySettingAndVariable()
    {
        var readme = File.ReadAllText(Path.Combine(ServerProcess.RepoRoot, "README.md"));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(ServerProcess.RepoRoot, "src", "Server", "appsettings.json")));
        var keys = new List<string>();
        Collect(json.RootElement, "", keys);

        var undocumented = keys
            .Where(k => !k.StartsWith("Logging:", StringComparison.Ordinal))
            .Where(k => !readme.Contains($"`{k}`", StringComparison.Ordinal))
            .Concat(CrowNestConfiguration.Aliases.Keys.Where(v => !readme.Contains($"`{v}`", StringComparison.Ordinal)))
            .ToList();
        Assert.True(undocumented.Count == 0, "Not in README.md: " + string.Join(", ", undocumented));
    }

    private static void Collect(JsonElement element, string prefix, List<string> keys)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            keys.Add(prefix);
            return;
        }

        foreach (var property in element.EnumerateObject())
        {
            Collect(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}", keys);
        }
    }
}
