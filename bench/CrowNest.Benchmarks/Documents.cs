using System.Reflection;

namespace CrowNest.Benchmarks;

/// <summary>Benchmark inputs embedded from <c>Data/</c>.</summary>
public static class Documents
{
    /// <summary>graphql-js <c>kitchenSinkQuery</c>.</summary>
    public static string KitchenSinkQuery { get; } = Read("kitchen-sink.graphql");

    /// <summary>graphql-js 16 <c>getIntrospectionQuery</c> with every option on.</summary>
    public static string IntrospectionQuery { get; } = Read("introspection-query.graphql");

    /// <summary>A realistic library schema (interfaces, unions, enums, input objects, custom scalars, deprecations).</summary>
    public static string LibrarySchema { get; } = Read("library-schema.graphql");

    /// <summary>The HTTP benchmark's SDL (<c>bench/graphql-http/schema.graphql</c>).</summary>
    public static string HttpSchema { get; } = Read("http-schema.graphql");

    /// <summary>The HTTP benchmark's data (<c>bench/graphql-http/data.json</c>).</summary>
    public static string HttpData { get; } = Read("http-data.json");

    private static string Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException("Missing embedded resource " + name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
