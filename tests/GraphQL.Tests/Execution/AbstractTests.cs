using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Port of graphql-js <c>src/execution/__tests__/abstract-test.ts</c>: runtime type resolution and its errors.</summary>
public sealed class AbstractTests
{
    private const string Sdl = """
        interface Pet { name: String }
        type Dog implements Pet { name: String woofs: Boolean }
        type Cat implements Pet { name: String meows: Boolean }
        type Human { name: String }
        union CatOrDog = Cat | Dog
        type Query { pets: [Pet] catOrDogs: [CatOrDog] }
        """;

    private const string PetsQuery = """
        {
          pets {
            name
            ... on Dog { woofs }
            ... on Cat { meows }
          }
        }
        """;

    private static Dictionary<string, object?> Obj(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value);

    public sealed record DogRecord(string Name, bool Woofs);

    public sealed record CatRecord(string Name, bool Meows);

    [Fact]
    public void ResolvesByTypeNameMember()
    {
        var pets = new object[] { Obj(("__typename", "Dog"), ("name", "Odie"), ("woofs", true)), Obj(("__typename", "Cat"), ("name", "Garfield"), ("meows", false)) };
        var schema = BuildSchema(Sdl, b => b.AddResolver("Query.pets", _ => pets).AddResolver("Query.catOrDogs", _ => pets));
        AssertJson("""
            { "data": { "pets": [ { "name": "Odie", "woofs": true }, { "name": "Garfield", "meows": false } ] } }
            """, Execute(schema, PetsQuery));
        AssertJson("""
            { "data": { "catOrDogs": [ { "__typename": "Dog", "name": "Odie" }, { "__typename": "Cat", "meows": false } ] } }
            """, Execute(schema, "{ catOrDogs { __typename ... on Dog { name } ... on Cat { meows } } }"));
    }

    [Fact]
    public void ResolvesByJsonTypeNameProperty()
    {
        using var json = System.Text.Json.JsonDocument.Parse("""{ "pets": [ { "__typename": "Cat", "name": "Garfield", "meows": true } ] }""");
        var schema = BuildSchema(Sdl);
        AssertJson("""{ "data": { "pets": [ { "name": "Garfield", "meows": true } ] } }""", Execute(schema, PetsQuery, json.RootElement));
    }

    [Fact]
    public void ResolvesByBoundRuntimeType()
    {
        var schema = BuildSchema(Sdl, b => b.BindObject<DogRecord>("Dog").BindObject<CatRecord>("Cat")
            .AddResolver("Query.pets", _ => new object[] { new DogRecord("Odie", true), new CatRecord("Garfield", false) }));
        AssertJson("""
            { "data": { "pets": [ { "name": "Odie", "woofs": true }, { "name": "Garfield", "meows": false } ] } }
            """, Execute(schema, PetsQuery));
    }

    [Fact]
    public void ResolvesWithCustomTypeResolver()
    {
        var schema = BuildSchema(Sdl, b => b
            .AddResolver("Query.pets", _ => new object[] { "dog:Odie", "cat:Garfield" })
            .AddResolver("Dog.name", ctx => ((string)ctx.Parent!)[4..])
            .AddResolver("Cat.name", ctx => ((string)ctx.Parent!)[4..])
            .AddResolver("Dog.woofs", _ => true)
            .AddResolver("Cat.meows", _ => false)
            .AddTypeResolver("Pet", (value, context, _) =>
                (ObjectType)context.Schema.GetType(((string)value).StartsWith("dog", StringComparison.Ordinal) ? "Dog" : "Cat")!));
        AssertJson("""
            { "data": { "pets": [ { "name": "Odie", "woofs": true }, { "name": "Garfield", "meows": false } ] } }
            """, Execute(schema, PetsQuery));
    }

    [Fact]
    public void ErrorsWhenTheResolvedTypeIsNotAPossibleType()
    {
        var schema = BuildSchema(Sdl, b => b.AddResolver("Query.pets", _ => new object[] { Obj(("__typename", "Human"), ("name", "Jon")), Obj(("__typename", "Dog"), ("name", "Odie")) }));
        AssertJson("""
            { "data": { "pets": [ null, { "name": "Odie", "woofs": null } ] },
              "errors": [ { "message": "Runtime Object type \"Human\" is not a possible type for \"Pet\".", "locations": [ { "line": 2, "column": 3 } ], "path": ["pets", 0] } ] }
            """, Execute(schema, PetsQuery));
    }

    [Fact]
    public void ErrorsWhenTypeCannotBeResolved()
    {
        var schema = BuildSchema(Sdl, b => b.AddResolver("Query.pets", _ => new object[] { Obj(("name", "Odie")) }));
        AssertJson("""
            { "data": { "pets": [ null ] },
              "errors": [ { "message": "Abstract type \"Pet\" must resolve to an Object type at runtime for field \"Query.pets\". Either the \"Pet\" type should provide a \"resolveType\" function or each possible type should provide an \"isTypeOf\" function.",
                            "locations": [ { "line": 2, "column": 3 } ], "path": ["pets", 0] } ] }
            """, Execute(schema, PetsQuery));
    }

    [Fact]
    public void ErrorsWhenTypeNameIsUnknownOrNotAnObjectType()
    {
        var schema = BuildSchema(Sdl, b => b.AddResolver("Query.pets", _ => new object[] { Obj(("__typename", "Unicorn")), Obj(("__typename", "Pet")) }));
        AssertJson("""
            { "data": { "pets": [ null, null ] },
              "errors": [
                { "message": "Abstract type \"Pet\" was resolved to a type \"Unicorn\" that does not exist inside the schema.", "locations": [ { "line": 2, "column": 3 } ], "path": ["pets", 0] },
                { "message": "Abstract type \"Pet\" was resolved to a non-object type \"Pet\".", "locations": [ { "line": 2, "column": 3 } ], "path": ["pets", 1] } ] }
            """, Execute(schema, PetsQuery));
    }

    [Fact]
    public void CustomTypeResolverReturningNullIsAnError()
    {
        var schema = BuildSchema(Sdl, b => b
            .AddResolver("Query.catOrDogs", _ => new object[] { Obj(("__typename", "Dog")) })
            .AddTypeResolver("CatOrDog", (_, _, _) => null));
        var result = Execute(schema, "{ catOrDogs { __typename } }");
        Assert.Equal("""{"catOrDogs":[null]}""", DataJson(result));
        Assert.StartsWith("Abstract type \"CatOrDog\" must resolve to an Object type at runtime for field \"Query.catOrDogs\".", result.Errors![0].Message, StringComparison.Ordinal);
    }
}
