using CrowNest.GraphQL.Types;

namespace CrowNest.Schema.Tests;

public sealed class ServedSchemaTests
{
    /// <summary>
    /// `schema.graphql` at the repository root is the contract clients read, so it must be exactly what the server
    /// serves. Run with UPDATE_SCHEMA=1 to rewrite it after an intended change.
    /// </summary>
    [Fact]
    public void RootSchemaFileEqualsTheServedSchema()
    {
        var printed = SchemaPrinter.Print(CrowNestSchema.Build());
        var path = Path.Combine(RepositoryRoot(), "schema.graphql");
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMA") == "1")
        {
            File.WriteAllText(path, printed);
        }

        var committed = File.ReadAllText(path);
        Assert.True(
            committed == printed,
            $"schema.graphql differs from the served schema; run `UPDATE_SCHEMA=1 dotnet test tests/Schema.Tests` and commit it.\n--- served ---\n{printed}");
    }

    [Fact]
    public void ServedSchemaHasTheViewerQuery()
    {
        var schema = CrowNestSchema.Build();
        var viewer = schema.GetField(schema.QueryType, "viewer");
        Assert.NotNull(viewer);
        Assert.Equal("Viewer!", viewer.Type.ToString());
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrowNest.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CrowNest.slnx not found above " + AppContext.BaseDirectory);
    }
}
