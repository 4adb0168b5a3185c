namespace CrowNest.Server.Hosting;

/// <summary>
/// Configuration sources: appsettings.json, then <c>CROWNEST_Section__Key</c> environment variables, then the short
/// documented aliases (<c>CROWNEST_API_URL</c> …), then command-line arguments.
/// </summary>
public static class CrowNestConfiguration
{
    public const string EnvironmentPrefix = "CROWNEST_";

    /// <summary>Short environment variable names and the configuration key each one sets.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>
    {
        ["CROWNEST_API_URL"] = "Api:Url",
        ["CROWNEST_EDGE_URL"] = "Edge:Url",
        ["CROWNEST_EDGE_ACCESS_KEY"] = "Edge:AccessKey",
        ["CROWNEST_POSTGRES"] = "ConnectionStrings:Postgres",
        ["CROWNEST_BOOTSTRAP_TOKEN"] = "Bootstrap:Token",
        ["CROWNEST_DATA_DIR"] = "Postgres:DataDir",
        ["CROWNEST_PG_PORT"] = "Postgres:Port",
        ["CROWNEST_PG_BIN"] = "Postgres:BinDir",
        ["CROWNEST_DEV"] = "Dev:Seed",
        ["CROWNEST_DEV_TOKEN_FILE"] = "Dev:TokenFile",
    };

    /// <summary>
    /// appsettings.json lives beside the built dll, while <c>crownest dev</c> runs from the repository root; use the
    /// dll's folder as content root unless a host (e.g. WebApplicationFactory) chose one.
    /// </summary>
    public static WebApplicationOptions BuilderOptions(string[] args)
    {
        var chosen = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
        return new WebApplicationOptions { Args = args, ContentRootPath = chosen ? null : AppContext.BaseDirectory };
    }

    public static IConfigurationBuilder AddCrowNestEnvironment(this IConfigurationBuilder builder, string[]? args = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        // Only CROWNEST_Section__Key names are generic; the short aliases below must not also become
        // top-level keys (CROWNEST_POSTGRES would otherwise give the "Postgres" section a value).
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            if (name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && name.Contains("__", StringComparison.Ordinal))
            {
                values[name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)] = (string?)variable.Value;
            }
        }

        foreach (var (variable, key) in Aliases)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value))
            {
                values[key] = value;
            }
        }

        builder.AddInMemoryCollection(values);
        if (args is not null)
        {
            // Re-added so explicit arguments still win over the environment.
            builder.AddCommandLine(args);
        }

        return builder;
    }
}
