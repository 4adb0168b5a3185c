using System.Buffers;
using System.Text;
using System.Text.Json;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Transport;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Tests.Transport;

/// <summary>
/// The raw fast path of <see cref="ResultWriter.Write(IBufferWriter{byte}, ExecutionResult)"/> (data-only results) must
/// produce exactly the bytes of the general <see cref="Utf8JsonWriter"/> path for every kind of value.
/// </summary>
public sealed class ResultWriterTests
{
    private const string Sdl = """
        scalar JSON
        enum Color { RED GREEN }
        type Item { s: String i: Int f: Float b: Boolean id: ID c: Color j: JSON n: Item l: [String] ll: [[Int]] }
        type Query { items: [Item] one: Item! }
        """;

    private static readonly string[] Strings =
    [
        string.Empty, "plain", "with \"quotes\" and \\ backslash", "tab\tnew\nline\r", "\u0000\u001f\u007f",
        "<html> & 'apos' +`", "é ü ß", "日本語", "emoji 😀", "lone \ud800 surrogate", "\u2028\u2029",
        new string('x', 1500), "a" + new string('é', 700),
        string.Concat(Enumerable.Range(0x20, 0x5F).Select(c => (char)c)),
    ];

    [Fact]
    public async Task FastPathBytesEqualTheGeneralWriter()
    {
        var items = new List<object?>();
        foreach (var s in Strings)
        {
            items.Add(Item(s, 0));
        }

        items.Add(Item(null, int.MaxValue));
        items.Add(Item("x", int.MinValue));
        items.Add(null);
        var root = new Dictionary<string, object?> { ["items"] = items, ["one"] = Item("one", -42) };
        var schema = new SchemaBuilder().AddTypeDefinitions(Sdl).UseDefaultResolvers().Build();
        var result = await Executor.ExecuteAsync(new ExecutionRequest
        {
            Schema = schema,
            Document = Parser.Parse("{ items { s i f b id c j n { s i l } l ll } one { s alias: i n { n { s } } } }"),
            RootValue = root,
            CancellationToken = TestContext.Current.CancellationToken,
        });
        Assert.Null(result.Errors);

        var fast = new ArrayBufferWriter<byte>();
        ResultWriter.Write(fast, result);

        var general = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(general, ResultWriter.WriterOptions))
        {
            ResultWriter.Write(writer, result);
        }

        Assert.Equal(Encoding.UTF8.GetString(general.WrittenSpan), Encoding.UTF8.GetString(fast.WrittenSpan));
        Assert.True(general.WrittenSpan.SequenceEqual(fast.WrittenSpan));
        using var parsed = JsonDocument.Parse(fast.WrittenMemory);
        Assert.Equal(Strings.Length + 3, parsed.RootElement.GetProperty("data").GetProperty("items").GetArrayLength());
    }

    [Fact]
    public void EveryAsciiCharacterIsWrittenLikeTheGeneralWriter()
    {
        // Short strings take the scalar check, longer ones (over 32 chars) the vectorized one; also a non-ASCII neighbour.
        foreach (var text in Enumerable.Range(0, 129).SelectMany(c => new[] { "a" + (char)c + "b", "a" + (char)c + new string('b', 40) }))
        {
            var map = new ResultMap(new ResultKeys(["k"], [JsonEncodedText.Encode("k")]), [text]);
            var result = new ExecutionResult { Data = map, HasData = true };
            var general = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(general, ResultWriter.WriterOptions))
            {
                ResultWriter.Write(writer, result);
            }

            Assert.Equal(Encoding.UTF8.GetString(general.WrittenSpan), ResultWriter.ToJson(result));
        }
    }

    [Fact]
    public void EveryCharacterInEveryLaneOfShortStringsIsWrittenLikeTheGeneralWriter()
    {
        // Short strings are checked four UTF-16 units at a time: put each interesting unit at every position of strings of
        // length 1-9 (whole groups of four and the scalar tail), including non-ASCII units whose low byte is '"', '\\' or
        // printable ASCII.
        var units = Enumerable.Range(0, 0x81).Concat([0xA0, 0xE9, 0x122, 0x15C, 0x1F41, 0x2028, 0x7F20, 0xFF22, 0xFF7E]).Select(u => (char)u);
        foreach (var unit in units)
        {
            for (var length = 1; length <= 9; length++)
            {
                for (var position = 0; position < length; position++)
                {
                    var chars = Enumerable.Range(0, length).Select(i => (char)('a' + i)).ToArray();
                    chars[position] = unit;
                    var text = new string(chars);
                    var result = new ExecutionResult { Data = new ResultMap(new ResultKeys(["k"], [JsonEncodedText.Encode("k")]), [text]), HasData = true };
                    var general = new ArrayBufferWriter<byte>();
                    using (var writer = new Utf8JsonWriter(general, ResultWriter.WriterOptions))
                    {
                        ResultWriter.Write(writer, result);
                    }

                    Assert.Equal(Encoding.UTF8.GetString(general.WrittenSpan), ResultWriter.ToJson(result));
                }
            }
        }
    }

    [Fact]
    public void ResultsWithErrorsOrExtensionsUseTheGeneralWriter()
    {
        var result = new ExecutionResult
        {
            HasData = true,
            Data = new ResultMap(["a"], [1]),
            Errors = [new GraphQLError("boom", ErrorCodes.ExecutionError)],
            Extensions = new Dictionary<string, object?> { ["cost"] = 3 },
        };

        var json = ResultWriter.ToJson(result);
        Assert.StartsWith("""{"errors":[{"message":"boom",""", json, StringComparison.Ordinal);
        Assert.EndsWith(""","data":{"a":1},"extensions":{"cost":3}}""", json, StringComparison.Ordinal);
        Assert.Equal("""{"data":null}""", ResultWriter.ToJson(new ExecutionResult { HasData = true }));
        Assert.Equal("{}", ResultWriter.ToJson(new ExecutionResult()));
    }

    private static Dictionary<string, object?> Item(string? s, int i) => new()
    {
        ["s"] = s,
        ["i"] = i,
        ["f"] = i / 3.0,
        ["b"] = i % 2 == 0,
        ["id"] = s,
        ["c"] = i % 2 == 0 ? "RED" : "GREEN",
        ["j"] = new Dictionary<string, object?> { ["nested"] = new object?[] { 1, "two", null, 2.5 }, ["s"] = s },
        ["n"] = new Dictionary<string, object?> { ["s"] = s, ["i"] = 1L, ["l"] = new[] { s, "x" }, ["n"] = null },
        ["l"] = new[] { s, null, "z" },
        ["ll"] = new[] { new[] { 1, 2 }, [] },
    };
}
