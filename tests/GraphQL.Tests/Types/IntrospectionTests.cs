using System.Text.Json;
using System.Text.Json.Nodes;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Tests.TestSupport;
using CrowNest.GraphQL.Transport;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Tests.Types;

/// <summary>
/// Introspection results compared with graphql-js 16.15 <c>graphqlSync</c> over the same SDL (expected JSON generated with a
/// scratch graphql-js install): the full <c>getIntrospectionQuery</c> with every option, and deprecation/meta-field queries.
/// </summary>
public sealed class IntrospectionTests
{
    private static readonly Schema Kitchen = new SchemaBuilder()
        .AddTypeDefinitions(TestFiles.Read("TestData/printer/kitchen.graphql"))
        .UseDefaultResolvers()
        .Build();

    private static readonly Dictionary<string, string> Queries =
        JsonSerializer.Deserialize<Dictionary<string, string>>(TestFiles.Read("TestData/introspection/queries.json"))!;

    [Theory]
    [InlineData("full")]
    [InlineData("deprecated")]
    public async Task Matches_graphql_js(string name)
    {
        var expected = JsonNode.Parse(TestFiles.Read($"TestData/introspection/{name}.expected.json"))!;
        var result = await Executor.ExecuteAsync(new ExecutionRequest { Schema = Kitchen, Document = Parser.Parse(Queries[name]) });
        var actual = JsonNode.Parse(ResultWriter.ToJson(result))!;

        var options = new JsonSerializerOptions { WriteIndented = true };
        Assert.Equal(expected.ToJsonString(options), actual.ToJsonString(options));
    }

    [Fact]
    public void Introspection_types_have_graphql_js_field_sets()
    {
        string Fields(string type) => string.Join(",", ((ObjectType)Kitchen.GetType(type)!).Fields.Keys);

        Assert.Equal("description,types,queryType,mutationType,subscriptionType,directives", Fields("__Schema"));
        Assert.Equal("kind,name,description,specifiedByURL,fields,interfaces,possibleTypes,enumValues,inputFields,ofType,isOneOf", Fields("__Type"));
        Assert.Equal("name,description,args,type,isDeprecated,deprecationReason", Fields("__Field"));
        Assert.Equal("name,description,type,defaultValue,isDeprecated,deprecationReason", Fields("__InputValue"));
        Assert.Equal("name,description,isDeprecated,deprecationReason", Fields("__EnumValue"));
        Assert.Equal("name,description,isRepeatable,locations,args,isDeprecated,deprecationReason", Fields("__Directive"));
        Assert.Same(Introspection.MetaFields, Kitchen.Meta);
        Assert.Same(Kitchen.Meta.TypeName, Kitchen.GetField(Kitchen.GetType("Thing")!, "__typename"));
        Assert.Same(Kitchen.Meta.Schema, Kitchen.GetField(Kitchen.QueryType, "__schema"));
        Assert.Null(Kitchen.GetField(Kitchen.GetType("Thing")!, "__schema"));
    }

    [Fact]
    public async Task Printed_introspection_schema_matches_graphql_js()
    {
        // graphql-js printIntrospectionSchema output for the introspection types, via our printer's per-type printing.
        var result = await Executor.ExecuteAsync(new ExecutionRequest
        {
            Schema = Kitchen,
            Document = Parser.Parse("{ __type(name: \"__Schema\") { fields { name args { name defaultValue type { kind ofType { name } } } } } }"),
        });
        var json = ResultWriter.ToJson(result);
        Assert.Contains("\"name\":\"directives\",\"args\":[{\"name\":\"includeDeprecated\",\"defaultValue\":\"false\",\"type\":{\"kind\":\"NON_NULL\"", json, StringComparison.Ordinal);
    }
}
