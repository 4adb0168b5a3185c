using System.Reflection;
using CrowNest.GraphQL.Types;
using CrowNest.Schema.Resolvers;

namespace CrowNest.Schema;

/// <summary>CrowNest's GraphQL schema: SDL files embedded from <c>Sdl/</c> plus their resolvers.</summary>
public static class CrowNestSchema
{
    /// <summary>The platform version reported by <c>Query.version</c>.</summary>
    public static string Version { get; } =
        typeof(CrowNestSchema).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>Adds CrowNest's type definitions and resolvers to a schema builder.</summary>
    public static SchemaBuilder AddCrowNestTypes(this SchemaBuilder builder)
    {
        foreach (var sdl in ReadSdl())
        {
            builder.AddTypeDefinitions(sdl);
        }

        builder.AddScalar(BuiltInScalars.CreateDateTime()).AddScalar(BuiltInScalars.Json);
        var nodes = new NodeRegistry();
        ViewerResolvers.Register(builder);
        AppResolvers.Register(builder, nodes);
        PreviewSessionResolvers.Register(builder, nodes);
        FileResolvers.Register(builder, nodes);
        TenancyResolvers.Register(builder, nodes);
        SandboxResolvers.Register(builder, nodes);
        PreviewResolvers.Register(builder, nodes);
        SubscriptionResolvers.Register(builder);
        NodeResolvers.Register(builder, nodes);
        return builder;
    }

    /// <summary>Builds the served schema (no services needed: resolvers fetch theirs per request).</summary>
    public static GraphQL.Types.Schema Build() => new SchemaBuilder().AddCrowNestTypes().Build();

    private static IEnumerable<string> ReadSdl()
    {
        var assembly = typeof(CrowNestSchema).Assembly;
        // Ordinal order keeps the printed schema stable whatever order the build embeds files in.
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".graphql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return reader.ReadToEnd();
        }
    }
}
