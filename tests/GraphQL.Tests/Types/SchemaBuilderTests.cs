using CrowNest.GraphQL.Execution;
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

public sealed class SchemaBuilderExtensionTests
{
    [Fact]
    public void Extensions_across_documents_merge_into_definitions()
    {
        var schema = new SchemaBuilder()
            .AddTypeDefinitions("""
                directive @tag(name: String!) repeatable on OBJECT | FIELD_DEFINITION | SCHEMA | SCALAR
                type Query { a: Int }
                interface Node { id: ID! }
                scalar Url
                input Filter { a: Int }
                enum Color { RED }
                union Any = Query
                """)
            .AddTypeDefinitions("""
                extend schema @tag(name: "s") { mutation: Mutation }
                type Mutation { m: Int }
                extend type Query implements Node @tag(name: "q") @tag(name: "q2") { id: ID! b: String @tag(name: "f") name: String }
                extend interface Node { name: String }
                extend scalar Url @specifiedBy(url: "https://url.spec.whatwg.org/")
                extend input Filter @oneOf { b: String }
                extend enum Color { GREEN @deprecated }
                extend union Any = Mutation
                """)
            .UseDefaultResolvers()
            .Build();

        Assert.Equal("Mutation", schema.MutationType!.Name);
        Assert.Equal(["a", "id", "b", "name"], schema.QueryType.Fields.Keys);
        Assert.Equal(["Node"], schema.QueryType.Interfaces.Select(i => i.Name));
        Assert.Equal(["tag", "tag"], schema.QueryType.Directives.Select(d => d.Name));
        Assert.Single(schema.QueryType.ExtensionNodes);
        Assert.Equal("f", ((CrowNest.GraphQL.Language.StringValueNode)schema.QueryType.Fields["b"].Directives[0].Syntax.Arguments[0].Value).Value);
        Assert.Equal(["id", "name"], ((InterfaceType)schema.GetType("Node")!).Fields.Keys);
        Assert.Equal("https://url.spec.whatwg.org/", ((ScalarType)schema.GetType("Url")!).SpecifiedByUrl);
        var filter = (InputObjectType)schema.GetType("Filter")!;
        Assert.True(filter.IsOneOf);
        Assert.Equal(["a", "b"], filter.Fields.Keys);
        Assert.True(((EnumType)schema.GetType("Color")!).Values["GREEN"].IsDeprecated);
        Assert.Equal(["Query", "Mutation"], ((UnionType)schema.GetType("Any")!).Types.Select(t => t.Name));
        Assert.Equal(["tag"], schema.AppliedDirectives.Select(d => d.Name));
        Assert.True(schema.GetDirective("tag")!.IsRepeatable);
        Assert.Equal(
            ["tag", "include", "skip", "deprecated", "specifiedBy", "oneOf"],
            schema.Directives.Select(d => d.Name));
    }

    [Fact]
    public void Schema_definition_names_custom_roots_and_keeps_the_description()
    {
        var schema = new SchemaBuilder()
            .AddTypeDefinitions("\"My API\" schema { query: Root subscription: Events } type Root { a: Int } type Events { e: Int } type Query { unused: Int }")
            .UseDefaultResolvers()
            .Build();

        Assert.Equal("Root", schema.QueryType.Name);
        Assert.Equal("Events", schema.SubscriptionType!.Name);
        Assert.Null(schema.MutationType);
        Assert.Equal("My API", schema.Description);
        Assert.StartsWith("\"\"\"My API\"\"\"\nschema {\n  query: Root\n  subscription: Events\n}", SchemaPrinter.Print(schema), StringComparison.Ordinal);
    }

    [Fact]
    public void Registered_scalars_implement_declared_scalars_or_are_added()
    {
        var upper = new UpperScalar("Upper");
        var schema = new SchemaBuilder()
            .AddTypeDefinitions("\"Shouts\" scalar Upper type Query { a: Upper b: DateTime }")
            .AddScalar(upper)
            .AddScalar(BuiltInScalars.CreateDateTime())
            .UseDefaultResolvers()
            .Build();

        Assert.Same(upper, schema.GetType("Upper"));
        Assert.Equal("Shouts", upper.Description);
        Assert.Equal("DateTime", schema.GetType("DateTime")!.Name);
    }

    [Fact]
    public void Type_helpers_compare_types()
    {
        var schema = new SchemaBuilder()
            .AddTypeDefinitions("type Query { a: I } interface I { a: Int } interface J { a: Int } type A implements I { a: Int } type B implements I & J { a: Int } union U = A | B")
            .UseDefaultResolvers()
            .Build();
        GraphQLType T(string s) => TypeHelpers.FromTypeNode(schema, CrowNest.GraphQL.Language.Parser.ParseType(s))!;
        var a = (NamedType)schema.GetType("A")!;
        var b = (NamedType)schema.GetType("B")!;
        var i = (NamedType)schema.GetType("I")!;
        var j = (NamedType)schema.GetType("J")!;
        var u = (NamedType)schema.GetType("U")!;

        Assert.Null(TypeHelpers.FromTypeNode(schema, CrowNest.GraphQL.Language.Parser.ParseType("[Nope!]")));
        Assert.Equal("[A!]!", T("[A!]!").ToString());
        Assert.True(TypeHelpers.IsEqualType(T("[A!]"), T("[A!]")));
        Assert.False(TypeHelpers.IsEqualType(T("[A!]"), T("[A]")));
        Assert.True(TypeHelpers.IsTypeSubTypeOf(schema, T("A!"), T("I")));
        Assert.True(TypeHelpers.IsTypeSubTypeOf(schema, T("[A!]!"), T("[I]")));
        Assert.False(TypeHelpers.IsTypeSubTypeOf(schema, T("A"), T("I!")));
        Assert.False(TypeHelpers.IsTypeSubTypeOf(schema, T("[A]"), T("A")));
        Assert.True(TypeHelpers.IsTypeSubTypeOf(schema, T("B"), T("U")));
        Assert.True(TypeHelpers.DoTypesOverlap(schema, i, u));
        Assert.True(TypeHelpers.DoTypesOverlap(schema, j, a) is false);
        Assert.True(TypeHelpers.DoTypesOverlap(schema, i, j));
        Assert.True(TypeHelpers.DoTypesOverlap(schema, b, j));
        Assert.False(TypeHelpers.DoTypesOverlap(schema, a, b));
    }

    private sealed class UpperScalar(string name) : ScalarType(name)
    {
        public override bool TrySerialize(object? runtimeValue, out object? resultValue, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
        {
            resultValue = runtimeValue?.ToString()?.ToUpperInvariant();
            error = null;
            return true;
        }

        public override bool TryParseValue(object? inputValue, out object? runtimeValue, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error) =>
            TrySerialize(inputValue, out runtimeValue, out error);

        public override bool TryParseLiteral(CrowNest.GraphQL.Language.IValueNode literal, out object? runtimeValue, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error) =>
            TrySerialize((literal as CrowNest.GraphQL.Language.StringValueNode)?.Value, out runtimeValue, out error);
    }
}

public sealed class SchemaBuilderRegistrationTests
{
    [Fact]
    public void Unknown_registrations_are_reported_even_with_default_resolvers()
    {
        var builder = new SchemaBuilder()
            .AddTypeDefinitions("type Query { a: I } interface I { x: Int } type A implements I { x: Int }")
            .UseDefaultResolvers()
            .AddResolver("I.x", _ => 1)
            .AddResolver("A.y", _ => 1)
            .AddTypeResolver("Nope", (_, _, _) => null)
            .BindInputObject<SchemaBuilderRegistrationTests>("A");

        var ex = Assert.Throws<SchemaException>(builder.Build);
        Assert.Equal(
            [
                "BindInputObject<SchemaBuilderRegistrationTests> names \"A\", which is not an input object type.",
                "Type resolver registered for unknown type \"Nope\".",
                "Resolver \"I.x\" names \"I\", which is not an object type.",
                "Resolver \"A.y\" names unknown field \"y\" of type \"A\". Did you mean \"x\"?",
            ],
            ex.Errors);
        Assert.StartsWith("The schema is invalid (4 problems):\n- BindInputObject", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_resolvers_are_used_and_all_fields_get_one()
    {
        FieldResolver resolver = _ => new ValueTask<object?>(42);
        var schema = new SchemaBuilder()
            .AddTypeDefinitions("type Query { a: Int b: Int }")
            .AddResolver("Query.a", resolver)
            .AddResolver("Query.b", _ => 1)
            .Build();

        Assert.Same(resolver, schema.QueryType.Fields["a"].Resolver);
        Assert.NotNull(schema.QueryType.Fields["b"].Resolver);
    }
}
