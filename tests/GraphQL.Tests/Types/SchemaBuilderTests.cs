using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Tests.Types;

public sealed class SchemaBuilderTests
{
    private const string Sdl = """
        "The root"
        type Query {
          "A hero"
          hero(episode: Episode = JEDI): Character
          search(text: String!): [SearchResult!]!
          now: DateTime
          data: JSON
        }

        interface Character { id: ID! name: String }
        type Human implements Character { id: ID! name: String homePlanet: String @deprecated(reason: "gone") }
        type Droid implements Character { id: ID! name: String primaryFunction: String @deprecated }
        union SearchResult = Human | Droid
        enum Episode { NEWHOPE EMPIRE JEDI @deprecated(reason: "old") }
        scalar DateTime
        scalar JSON
        """;

    [Fact]
    public void Builds_schema_with_default_resolvers_builtins_and_introspection()
    {
        var schema = new SchemaBuilder().AddTypeDefinitions(Sdl).UseDefaultResolvers().Build();

        Assert.Equal("Query", schema.QueryType.Name);
        Assert.Null(schema.MutationType);
        Assert.Same(BuiltInScalars.String, schema.GetType("String"));
        Assert.Same(BuiltInScalars.ID, schema.GetType("ID"));
        Assert.NotNull(schema.GetType("__Type"));
        Assert.NotNull(schema.GetType("__DirectiveLocation"));
        Assert.NotNull(schema.GetDirective("skip"));
        Assert.NotNull(schema.GetDirective("oneOf"));
        Assert.Equal("The root", schema.QueryType.Description);
        var human = (ObjectType)schema.GetType("Human")!;
        Assert.Equal("gone", human.Fields["homePlanet"].DeprecationReason);
        Assert.Equal("No longer supported", ((ObjectType)schema.GetType("Droid")!).Fields["primaryFunction"].DeprecationReason);
        Assert.Equal("old", ((EnumType)schema.GetType("Episode")!).Values["JEDI"].DeprecationReason);
        Assert.Equal(
            ["Human", "Droid"],
            schema.GetPossibleTypes(schema.GetType("Character")!).Select(t => t.Name));
        Assert.All(schema.Types.OfType<ObjectType>().SelectMany(o => o.Fields.Values), f => Assert.NotNull(f.Resolver));
        Assert.Equal("DateTime", schema.GetType("DateTime")!.Name);
    }

    [Fact]
    public void Type_order_matches_graphql_js()
    {
        // Expected from graphql-js 16: Object.keys(buildSchema(sdl).getTypeMap()).
        var schema = new SchemaBuilder()
            .AddTypeDefinitions("type Query{a:Foo b: Int} type Foo implements I { x: [Bar] id: ID } interface I { id: ID } type Bar { f: Float } scalar DateTime")
            .UseDefaultResolvers()
            .Build();
        Assert.Equal(
            "Query Int Foo ID I Bar Float DateTime Boolean String __Schema __Type __TypeKind __Field __InputValue __EnumValue __Directive __DirectiveLocation",
            string.Join(" ", schema.Types.Select(t => t.Name)));
    }

    [Fact]
    public void Missing_resolvers_and_unknown_registrations_are_all_reported()
    {
        var builder = new SchemaBuilder()
            .AddTypeDefinitions("type Query { a: String b: Int c: Thing } type Thing { x: Int y: Int }")
            .AddResolver("Query.a", _ => "a")
            .AddResolver("Query.nope", _ => null)
            .AddResolver("Nope.x", _ => null)
            .AddResolver("bad", _ => null)
            .AddTypeResolver("Thing", (_, _, _) => null)
            .BindEnum<DayOfWeek>("Missing");

        var ex = Assert.Throws<SchemaException>(builder.Build);
        Assert.Equal(
            [
                "BindEnum<DayOfWeek> names unknown type \"Missing\".",
                "Type resolver registered for \"Thing\", which is not an interface or union type.",
                "Resolver \"Query.nope\" names unknown field \"nope\" of type \"Query\".",
                "Resolver \"Nope.x\" names unknown type \"Nope\".",
                "Resolver coordinate \"bad\" is not of the form \"Type.field\".",
                "No resolver for field \"Query.b\".",
                "No resolver for field \"Query.c\".",
                "No resolver for field \"Thing.x\".",
                "No resolver for field \"Thing.y\".",
            ],
            ex.Errors);
    }
}
