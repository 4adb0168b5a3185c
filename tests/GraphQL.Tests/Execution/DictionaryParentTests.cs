using System.Text.Json;
using CrowNest.GraphQL.Execution;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>
/// Default resolvers over <see cref="Dictionary{TKey,TValue}"/> parents (JSON data) take an executor shortcut: every result
/// must equal the one the general path gives for the same data in another dictionary type.
/// </summary>
public sealed class DictionaryParentTests
{
    private const string Sdl = """
        type Query { books: [Book!]! one: Book tagged(n: Int!): String }
        type Book { title: String! subtitle: String year: Int tags: [String] author: Author! code: ID }
        type Author { name: String! country: String }
        """;

    private static Dictionary<string, object?> Data()
    {
        using var json = JsonDocument.Parse("""["x", 2]""");
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["books"] = new object?[]
            {
                Book("Plain", "Sub", null, Author("Ann", "NO")),

                // Non-string values in String fields are serialized like graphql-js does; a JSON string element is unwrapped.
                Book(12L, true, json.RootElement.Clone(), Author(JsonDocument.Parse("\"Bo\"").RootElement.Clone(), null)),
                Book("Quote \" and ü", null, null, Author("Cy", 3.5)),
            },
            ["one"] = Book("One", "Sub", 2000, Author("Di", null)),
        };
    }

    private static Dictionary<string, object?> Book(object? title, object? subtitle, object? tags, object? author) =>
        new(StringComparer.Ordinal) { ["title"] = title, ["subtitle"] = subtitle, ["tags"] = tags, ["author"] = author, ["year"] = 1999L, ["code"] = 7L };

    private static Dictionary<string, object?> Author(object? name, object? country) =>
        new(StringComparer.Ordinal) { ["name"] = name, ["country"] = country };

    /// <summary>The same data in <see cref="SortedDictionary{TKey,TValue}"/>s, which the shortcut does not take.</summary>
    private static object? General(object? value) => value switch
    {
        Dictionary<string, object?> map => new SortedDictionary<string, object?>(map.ToDictionary(e => e.Key, e => General(e.Value)), StringComparer.Ordinal),
        object?[] items => items.Select(General).ToArray(),
        _ => value,
    };

    private static void AssertSameAsGeneralPath(string query, string expectedJson, Func<Dictionary<string, object?>, Dictionary<string, object?>>? edit = null)
    {
        var schema = BuildSchema(Sdl);
        var data = edit is null ? Data() : edit(Data());
        var fast = Execute(schema, query, data);
        var general = Execute(schema, query, General(data));
        AssertJson(expectedJson, fast);
        Assert.Equal(ToJson(general, includeExtensions: true), ToJson(fast, includeExtensions: true));
    }

    [Fact]
    public void ReadsMembersAndSerializesLikeTheGeneralPath() =>
        AssertSameAsGeneralPath(
            "{ books { title subtitle year tags code author { name country } } one { title } }",
            """
            {"data":{"books":[
              {"title":"Plain","subtitle":"Sub","year":1999,"tags":null,"code":"7","author":{"name":"Ann","country":"NO"}},
              {"title":"12","subtitle":"true","year":1999,"tags":["x","2"],"code":"7","author":{"name":"Bo","country":null}},
              {"title":"Quote \" and ü","subtitle":null,"year":1999,"tags":null,"code":"7","author":{"name":"Cy","country":"3.5"}}
            ],"one":{"title":"One"}}}
            """);

    [Fact]
    public void MissingNonNullMemberBubblesWithItsPath() =>
        AssertSameAsGeneralPath(
            "{ books { title author { name } } }",
            """
            {"data":null,"errors":[{"message":"Cannot return null for non-nullable field Author.name.","locations":[{"line":1,"column":26}],"path":["books",1,"author","name"]}]}
            """,
            data =>
            {
                var books = (object?[])data["books"]!;
                ((Dictionary<string, object?>)((Dictionary<string, object?>)books[1]!)["author"]!).Remove("name");
                return data;
            });

    [Fact]
    public void NullableMemberMissingIsNullAndWrongTypeIsAFieldError() =>
        AssertSameAsGeneralPath(
            "{ one { subtitle year } }",
            """
            {"data":{"one":{"subtitle":null,"year":null}},"errors":[{"message":"Int cannot represent non-integer value: \"soon\"","locations":[{"line":1,"column":18}],"path":["one","year"]}]}
            """,
            data =>
            {
                var one = (Dictionary<string, object?>)data["one"]!;
                one.Remove("subtitle");
                one["year"] = "soon";
                return data;
            });

    [Fact]
    public void ArgumentErrorsStillFailTheField()
    {
        var schema = BuildSchema(Sdl);
        var result = Execute(schema, "query ($n: Int) { tagged(n: $n) one { title } }", Data(), Vars("""{"n":null}"""));
        Assert.Equal("One", ((ResultMap)result.Data!["one"]!)["title"]);
        Assert.Null(result.Data!["tagged"]);
        var error = Assert.Single(result.Errors!);
        Assert.Equal("tagged", Assert.Single(error.Path!));
    }

    [Fact]
    public void AnExplicitResolverIsNotBypassed()
    {
        var schema = BuildSchema(Sdl, builder => builder.AddResolver("Book.title", ctx => new ValueTask<object?>("resolved:" + ((IReadOnlyDictionary<string, object?>)ctx.Parent!)["title"])));
        AssertJson("""{"data":{"one":{"title":"resolved:One","subtitle":"Sub"}}}""", Execute(schema, "{ one { title subtitle } }", Data()));
    }
}
