using System.Text.Json;
using CrowNest.GraphQL.Execution;

namespace CrowNest.GraphQL.Tests.Execution;

public sealed class JsonInputAndResultMapTests
{
    [Fact]
    public void ConvertsJsonLikeJavaScriptSeesIt()
    {
        using var document = JsonDocument.Parse("""{ "i": 1, "f": 1.0, "e": 1e3, "d": 1.5, "big": 1e300, "s": "x", "b": true, "n": null, "l": [1, "a"], "o": { "k": [] }, "dup": 1, "dup": 2 }""");
        var values = JsonInput.ToDictionary(document.RootElement);
        Assert.Equal(1L, values["i"]);
        Assert.Equal(1L, values["f"]);
        Assert.Equal(1000L, values["e"]);
        Assert.Equal(1.5, values["d"]);
        Assert.Equal(1e300, values["big"]);
        Assert.Equal("x", values["s"]);
        Assert.Equal(true, values["b"]);
        Assert.True(values.ContainsKey("n"));
        Assert.Null(values["n"]);
        Assert.Equal(new object?[] { 1L, "a" }, Assert.IsAssignableFrom<IReadOnlyList<object?>>(values["l"]));
        Assert.Empty(Assert.IsAssignableFrom<IReadOnlyList<object?>>(Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(values["o"])["k"]));
        Assert.Equal(2L, values["dup"]);
        Assert.Equal(["i", "f", "e", "d", "big", "s", "b", "n", "l", "o", "dup"], values.Keys);
    }

    [Fact]
    public void ToDataConvertsLikeToValueWithInternedPropertyNames()
    {
        using var document = JsonDocument.Parse("""{ "books": [{ "title": "T", "author": { "nameForToDataTest": "N", "born": 1e3 } }] }""");
        var data = Assert.IsType<Dictionary<string, object?>>(JsonInput.ToData(document.RootElement));
        Assert.Equal(JsonSerializer.Serialize(JsonInput.ToValue(document.RootElement)), JsonSerializer.Serialize(data));
        var book = Assert.IsType<Dictionary<string, object?>>(Assert.IsType<object?[]>(data["books"])[0]);
        var author = Assert.IsType<Dictionary<string, object?>>(book["author"]);
        Assert.Equal(1000L, author["born"]);
        foreach (var key in data.Keys.Concat(book.Keys).Concat(author.Keys))
        {
            Assert.Same(string.IsInterned(key), key);
        }

        // Request input is not interned (interned strings are never freed).
        using var input = JsonDocument.Parse("""{ "notInternedByToValue_7f3a": 1 }""");
        Assert.Null(string.IsInterned(Assert.Single(JsonInput.ToDictionary(input.RootElement).Keys)));
    }

    [Fact]
    public void ToDictionaryRejectsNonObjects()
    {
        using var document = JsonDocument.Parse("[1]");
        Assert.Throws<ArgumentException>(() => JsonInput.ToDictionary(document.RootElement));
    }

    [Fact]
    public void ResultMapKeepsInsertionOrderAndLooksUpByKey()
    {
        var map = new ResultMap(["b", "a", "c"], [1, null, "x"]);
        Assert.Equal(3, map.Count);
        Assert.Equal(["b", "a", "c"], map.Keys);
        Assert.Equal([1, null, "x"], map.Values);
        Assert.True(map.TryGetValue("a", out var a));
        Assert.Null(a);
        Assert.False(map.ContainsKey("d"));
        Assert.Equal("x", map["c"]);
        Assert.Throws<KeyNotFoundException>(() => map["d"]);
        Assert.Equal("b", map.GetKey(0));
        Assert.Equal(1, map.GetValue(0));
        var pairs = new List<string>();
        foreach (var (key, value) in map)
        {
            pairs.Add(key + "=" + value);
        }

        Assert.Equal(["b=1", "a=", "c=x"], pairs);
        Assert.Throws<ArgumentException>(() => new ResultMap(["a"], []));
    }

    [Fact]
    public void MessageHelpersMatchGraphQLJs()
    {
        Assert.Equal("{ a: 1, b: [\"x\", null], c: {} }", Messages.Inspect(new Dictionary<string, object?> { ["a"] = 1L, ["b"] = new object?[] { "x", null }, ["c"] = new Dictionary<string, object?>() }));
        Assert.Equal("{ a: { b: { c: [Object] } } }", Messages.Inspect(new Dictionary<string, object?> { ["a"] = new Dictionary<string, object?> { ["b"] = new Dictionary<string, object?> { ["c"] = new Dictionary<string, object?>() } } }));
        Assert.Equal("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ... 2 more items]", Messages.Inspect(Enumerable.Range(1, 12).Cast<object?>().ToArray()));
        Assert.Equal("1.5", Messages.Inspect(1.5));
        Assert.Equal("\"a\\\"b\"", Messages.Inspect("a\"b"));
        Assert.Equal(["cat", "bat"], Messages.SuggestionList("cst", ["cat", "dog", "bat"]).Take(1).Append("bat"));
        Assert.Equal(" Did you mean \"a\", \"b\", or \"c\"?", Messages.DidYouMean(null, ["a", "b", "c"]));
        Assert.Equal(" Did you mean the enum value \"A\" or \"B\"?", Messages.DidYouMean("the enum value", ["A", "B"]));
    }
}
