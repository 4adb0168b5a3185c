using System.Runtime.CompilerServices;
using CrowNest.GraphQL.Tests.TestSupport;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Tests.Types;

/// <summary>
/// Printer output compared byte for byte with graphql-js 16.15 <c>printSchema(buildSchema(sdl))</c>; the expected files
/// were generated with a scratch graphql-js install and are committed beside the SDL.
/// </summary>
public sealed class SchemaPrinterTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Folder(), "TestData", "printer"), "*.graphql").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Prints_like_graphql_js(string name)
    {
        var sdl = TestFiles.Read($"TestData/printer/{name}.graphql");
        var expected = TestFiles.Read($"TestData/printer/{name}.expected.txt");
        var schema = new SchemaBuilder().AddTypeDefinitions(sdl).UseDefaultResolvers().Build();

        Assert.Equal(expected, SchemaPrinter.Print(schema));
    }

    [Fact]
    public void Printed_schema_rebuilds_to_the_same_output()
    {
        var sdl = TestFiles.Read("TestData/printer/kitchen.graphql");
        var printed = SchemaPrinter.Print(new SchemaBuilder().AddTypeDefinitions(sdl).UseDefaultResolvers().Build());
        var reprinted = SchemaPrinter.Print(new SchemaBuilder().AddTypeDefinitions(printed).UseDefaultResolvers().Build());

        Assert.Equal(printed, reprinted);
    }

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
