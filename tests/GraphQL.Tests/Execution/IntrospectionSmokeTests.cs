using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Meta-fields executed through the executor with the types branch's introspection resolvers.</summary>
public sealed class IntrospectionSmokeTests
{
    private static readonly Schema TestSchema = BuildSchema("""
        "A book"
        type Book { title: String! author: Author @deprecated(reason: "use authors") authors: [Author!]! }
        type Author { name: String }
        union SearchResult = Book | Author
        type Query { books(first: Int = 10): [Book] search: [SearchResult] }
        """, b => b.AddResolver("Query.search", _ => new object[]
    {
        new Dictionary<string, object?> { ["__typename"] = "Book", ["title"] = "Dune" },
        new Dictionary<string, object?> { ["__typename"] = "Author", ["name"] = "Frank" },
    }));

    [Fact]
    public void SchemaTypesAreListed()
    {
        var result = Execute(TestSchema, "{ __schema { queryType { name } types { name } } }");
        Assert.Null(result.Errors);
        var json = DataJson(result);
        Assert.Contains("\"queryType\":{\"name\":\"Query\"}", json, StringComparison.Ordinal);
        foreach (var name in new[] { "Book", "Author", "SearchResult", "Query", "String", "Int", "Boolean", "__Schema", "__Type", "__TypeKind" })
        {
            Assert.Contains($"{{\"name\":\"{name}\"}}", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TypeByName()
    {
        var result = Execute(TestSchema, """
            {
              __type(name: "Book") {
                name kind description
                fields(includeDeprecated: true) { name isDeprecated deprecationReason type { kind name ofType { kind name ofType { kind name ofType { name } } } } }
              }
              missing: __type(name: "Nope") { name }
            }
            """);
        AssertJson("""
            { "data": {
                "__type": { "name": "Book", "kind": "OBJECT", "description": "A book", "fields": [
                  { "name": "title", "isDeprecated": false, "deprecationReason": null, "type": { "kind": "NON_NULL", "name": null, "ofType": { "kind": "SCALAR", "name": "String", "ofType": null } } },
                  { "name": "author", "isDeprecated": true, "deprecationReason": "use authors", "type": { "kind": "OBJECT", "name": "Author", "ofType": null } },
                  { "name": "authors", "isDeprecated": false, "deprecationReason": null, "type": { "kind": "NON_NULL", "name": null, "ofType": { "kind": "LIST", "name": null, "ofType": { "kind": "NON_NULL", "name": null, "ofType": { "name": "Author" } } } } } ] },
                "missing": null } }
            """, result);
    }

    [Fact]
    public void TypenameOnUnionMembers() =>
        AssertJson("""{ "data": { "search": [ { "__typename": "Book", "title": "Dune" }, { "__typename": "Author" } ] } }""",
            Execute(TestSchema, "{ search { __typename ... on Book { title } } }"));

    [Fact]
    public void FullIntrospectionQueryExecutesWithoutErrors()
    {
        var result = Execute(TestSchema, IntrospectionQuery);
        Assert.Null(result.Errors);
        var json = DataJson(result);
        Assert.Contains("\"defaultValue\":\"10\"", json, StringComparison.Ordinal);
        Assert.Contains("\"possibleTypes\":[{\"kind\":\"OBJECT\",\"name\":\"Book\",\"ofType\":null},{\"kind\":\"OBJECT\",\"name\":\"Author\",\"ofType\":null}]", json, StringComparison.Ordinal);
    }

    /// <summary>graphql-js <c>getIntrospectionQuery()</c> (descriptions, specifiedByURL, directive isRepeatable, oneOf).</summary>
    internal const string IntrospectionQuery = """
        query IntrospectionQuery {
          __schema {
            description
            queryType { name }
            mutationType { name }
            subscriptionType { name }
            types { ...FullType }
            directives {
              name
              description
              isRepeatable
              locations
              args(includeDeprecated: true) { ...InputValue }
            }
          }
        }

        fragment FullType on __Type {
          kind
          name
          description
          specifiedByURL
          isOneOf
          fields(includeDeprecated: true) {
            name
            description
            args(includeDeprecated: true) { ...InputValue }
            type { ...TypeRef }
            isDeprecated
            deprecationReason
          }
          inputFields(includeDeprecated: true) { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) {
            name
            description
            isDeprecated
            deprecationReason
          }
          possibleTypes { ...TypeRef }
        }

        fragment InputValue on __InputValue {
          name
          description
          type { ...TypeRef }
          defaultValue
          isDeprecated
          deprecationReason
        }

        fragment TypeRef on __Type {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                    ofType {
                      kind
                      name
                      ofType {
                        kind
                        name
                      }
                    }
                  }
                }
              }
            }
          }
        }
        """;
}
