using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Port of graphql-js <c>src/execution/__tests__/union-interface-test.ts</c> (types resolved via bound CLR types).</summary>
public sealed class UnionInterfaceTests
{
    private const string Sdl = """
        interface Named { name: String }
        interface Life { progeny: [Life] }
        interface Mammal implements Life { progeny: [Mammal] mother: Mammal father: Mammal }
        type Dog implements Mammal & Life & Named { name: String barks: Boolean progeny: [Dog] mother: Dog father: Dog }
        type Cat implements Mammal & Life & Named { name: String meows: Boolean progeny: [Cat] mother: Cat father: Cat }
        union Pet = Dog | Cat
        type Person implements Named & Mammal & Life {
          name: String
          pets: [Pet]
          friends: [Named]
          progeny: [Person]
          mother: Person
          father: Person
        }
        schema { query: Person }
        """;

    public sealed class Dog(string name, bool barks)
    {
        public string Name { get; } = name;

        public bool Barks { get; } = barks;

        public IReadOnlyList<Dog> Progeny { get; init; } = [];

        public Dog? Mother { get; init; }

        public Dog? Father { get; init; }
    }

    public sealed class Cat(string name, bool meows)
    {
        public string Name { get; } = name;

        public bool Meows { get; } = meows;

        public IReadOnlyList<Cat> Progeny { get; init; } = [];

        public Cat? Mother { get; init; }

        public Cat? Father { get; init; }
    }

    public sealed class Person(string name)
    {
        public string Name { get; } = name;

        public IReadOnlyList<object> Pets { get; init; } = [];

        public IReadOnlyList<object> Friends { get; init; } = [];

        public IReadOnlyList<Person> Progeny { get; init; } = [];

        public Person? Mother { get; init; }

        public Person? Father { get; init; }
    }

    private static readonly Schema TestSchema = BuildSchema(Sdl, b => b.BindObject<Dog>("Dog").BindObject<Cat>("Cat").BindObject<Person>("Person"));

    private static readonly Person John = CreateJohn();

    private static Person CreateJohn()
    {
        var garfield = new Cat("Garfield", false) { Mother = new Cat("Garfield's Mom", false) };
        var odie = new Dog("Odie", true) { Mother = new Dog("Odie's Mom", true) };
        var liz = new Person("Liz");
        return new Person("John") { Pets = [garfield, odie], Friends = [liz, odie] };
    }

    [Fact]
    public void ExecutesUsingUnionTypes() =>
        AssertJson("""
            { "data": { "__typename": "Person", "name": "John",
                "pets": [ { "__typename": "Cat", "name": "Garfield", "meows": false }, { "__typename": "Dog", "name": "Odie", "barks": true } ] } }
            """, Execute(TestSchema, "{ __typename name pets { __typename name barks meows } }", John));

    [Fact]
    public void ExecutesUnionTypesWithInlineFragments() =>
        AssertJson("""
            { "data": { "__typename": "Person", "name": "John",
                "pets": [ { "__typename": "Cat", "name": "Garfield", "meows": false }, { "__typename": "Dog", "name": "Odie", "barks": true } ] } }
            """, Execute(TestSchema, """
            {
              __typename
              name
              pets {
                __typename
                ... on Dog { name barks }
                ... on Cat { name meows }
              }
            }
            """, John));

    [Fact]
    public void ExecutesUsingInterfaceTypes() =>
        AssertJson("""
            { "data": { "__typename": "Person", "name": "John",
                "friends": [ { "__typename": "Person", "name": "Liz" }, { "__typename": "Dog", "name": "Odie", "barks": true } ] } }
            """, Execute(TestSchema, "{ __typename name friends { __typename name barks meows } }", John));

    [Fact]
    public void ExecutesInterfaceTypesWithInlineFragments() =>
        AssertJson("""
            { "data": { "__typename": "Person", "name": "John",
                "friends": [
                  { "__typename": "Person", "name": "Liz", "mother": null },
                  { "__typename": "Dog", "name": "Odie", "barks": true, "mother": { "__typename": "Dog", "name": "Odie's Mom", "barks": true } } ] } }
            """, Execute(TestSchema, """
            {
              __typename
              name
              friends {
                __typename
                name
                ... on Dog { barks }
                ... on Cat { meows }
                ... on Mammal {
                  mother {
                    __typename
                    ... on Dog { name barks }
                    ... on Cat { name meows }
                  }
                }
              }
            }
            """, John));

    [Fact]
    public void ExecutesInterfaceTypesWithNamedFragmentsAndAbstractConditions() =>
        AssertJson("""
            { "data": { "__typename": "Person", "name": "John",
                "pets": [ { "__typename": "Cat", "name": "Garfield", "meows": false }, { "__typename": "Dog", "name": "Odie", "barks": true } ],
                "friends": [ { "__typename": "Person", "name": "Liz" }, { "__typename": "Dog", "name": "Odie", "barks": true } ] } }
            """, Execute(TestSchema, """
            {
              __typename
              name
              pets { ...PetFields }
              friends { ...FriendFields }
            }

            fragment PetFields on Pet {
              __typename
              ... on Dog { name barks }
              ... on Cat { name meows }
            }

            fragment FriendFields on Named {
              __typename
              name
              ... on Dog { barks }
              ... on Cat { meows }
            }
            """, John));

    [Fact]
    public void GetsExecutionInfoInResolver()
    {
        // Contexts are pooled once a field completes: read what is needed while resolving.
        var seen = new List<(string Field, object? Parent, string Path, string Abstract)>();
        var schema = BuildSchema(Sdl, b => b.BindObject<Dog>("Dog").BindObject<Cat>("Cat").BindObject<Person>("Person")
            .AddTypeResolver("Named", (value, context, type) =>
            {
                seen.Add((context.Field.Name, context.Parent, string.Join(".", context.Path.ToList()), type.Name));
                return (ObjectType)context.Schema.GetType(value.GetType().Name)!;
            }));

        AssertJson("""{ "data": { "friends": [ { "name": "Liz" }, { "name": "Odie" } ] } }""", Execute(schema, "{ friends { name } }", John));
        Assert.Equal(2, seen.Count);
        Assert.All(seen, s =>
        {
            Assert.Equal("friends", s.Field);
            Assert.Same(John, s.Parent);
            Assert.Equal("friends", s.Path);
            Assert.Equal("Named", s.Abstract);
        });
    }
}
