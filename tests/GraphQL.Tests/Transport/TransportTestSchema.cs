using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Transport;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Tests.Transport;

/// <summary>A small library schema with cost directives and in-memory data, shared by the transport tests.</summary>
internal static class TransportTestSchema
{
    public const string Sdl = CostDirectives.Sdl + """
        type Query {
          books(first: Int, last: Int): [Book!]! @listSize(slicingArguments: ["first", "last"], requireOneSlicingArgument: false)
          page(first: Int, last: Int): [Book!]! @listSize(slicingArguments: ["first", "last"])
          book(id: ID!): Book
          hello(name: String): String
          expensive: Int @cost(weight: "500")
          search(term: String @cost(weight: "7")): [Book!] @listSize(assumedSize: 3, requireOneSlicingArgument: false)
          fail: String
        }

        type Mutation {
          addBook(title: String!): Book
        }

        type Book {
          title: String!
          author: Author!
          related: [Book!]!
        }

        type Author {
          name: String!
        }
        """;

    public static Schema Create() => new SchemaBuilder()
        .AddTypeDefinitions(Sdl)
        .UseDefaultResolvers()
        .AddResolver("Query.hello", ctx => new ValueTask<object?>("Hello " + (ctx.Arguments.GetValueOrDefault("name") as string ?? "world")))
        .AddResolver("Query.fail", _ => throw new GraphQLException(new GraphQLError("Deliberate failure.", "DELIBERATE")))
        .AddResolver("Mutation.addBook", ctx => new ValueTask<object?>(Book(ctx.Arguments["title"] as string ?? "?", "New Author")))
        .Build();

    public static IReadOnlyDictionary<string, object?> RootValue { get; } = new Dictionary<string, object?>
    {
        ["books"] = new List<object?> { Book("Dune", "Frank Herbert"), Book("Emma", "Jane Austen") },
        ["page"] = new List<object?> { Book("Dune", "Frank Herbert") },
        ["expensive"] = 42L,
        ["search"] = new List<object?>(),
    };

    public static GraphQLOptions Options(GraphQLLimits? limits = null) => new() { RootValue = RootValue, Limits = limits ?? new GraphQLLimits() };

    private static Dictionary<string, object?> Book(string title, string author) => new()
    {
        ["title"] = title,
        ["author"] = new Dictionary<string, object?> { ["name"] = author },
        ["related"] = new List<object?>(),
    };
}
