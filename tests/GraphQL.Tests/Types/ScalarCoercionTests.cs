using System.Globalization;
using System.Text.Json;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Tests.TestSupport;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Tests.Types;

/// <summary>
/// Table-driven coercion of the five spec scalars against graphql-js 16.15 (<c>serialize</c>, <c>parseValue</c>,
/// <c>parseLiteral</c> on the same inputs, generated into <c>TestData/scalars/expected.json</c>): results and error messages.
/// Inputs are JSON values converted the way transports hand variables over (integral numbers as <see cref="long"/>).
/// </summary>
public sealed class ScalarCoercionTests
{
    private static readonly JsonElement[] Rows = JsonDocument.Parse(TestFiles.Read("TestData/scalars/expected.json")).RootElement.EnumerateArray().ToArray();

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Rows.Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Coerces_like_graphql_js(int row)
    {
        var r = Rows[row];
        var scalar = BuiltInScalars.Specified.Single(s => s.Name == r.GetProperty("scalar").GetString());
        var op = r.GetProperty("op").GetString();
        var input = r.GetProperty("input").GetString()!;
        object? value;
        string? error;
        var ok = op switch
        {
            "serialize" => scalar.TrySerialize(FromJson(JsonDocument.Parse(input).RootElement), out value, out error),
            "parseValue" => scalar.TryParseValue(FromJson(JsonDocument.Parse(input).RootElement), out value, out error),
            _ => scalar.TryParseLiteral(Parser.ParseValue(input), out value, out error),
        };

        var label = $"{scalar.Name}.{op}({input})";
        Assert.True(r.GetProperty("ok").GetBoolean() == ok, $"{label}: ok={ok} error={error}");
        if (!ok)
        {
            Assert.Equal(r.GetProperty("error").GetString(), error);
            return;
        }

        var expected = r.GetProperty("value");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Number:
                Assert.Equal(expected.GetDouble(), Convert.ToDouble(value, CultureInfo.InvariantCulture));
                Assert.IsType(scalar.Name == "Int" ? typeof(int) : typeof(double), value);
                break;
            case JsonValueKind.String:
                Assert.Equal(expected.GetString(), value);
                break;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.Equal(expected.GetBoolean(), value);
                break;
            default:
                Assert.Fail($"{label}: unexpected expected value {expected}");
                break;
        }
    }

    [Theory]
    [InlineData("2024-05-01T10:20:30Z", "2024-05-01T10:20:30.000Z")]
    [InlineData("2024-05-01T12:20:30.1234+02:00", "2024-05-01T10:20:30.123Z")]
    [InlineData("2024-05-01t10:20:30.5z", "2024-05-01T10:20:30.500Z")]
    public void DateTime_parses_with_offset_and_serializes_utc(string input, string output)
    {
        Assert.True(BuiltInScalars.DateTime.TryParseValue(input, out var parsed, out _));
        Assert.IsType<DateTimeOffset>(parsed);
        Assert.True(BuiltInScalars.DateTime.TrySerialize(parsed, out var serialized, out _));
        Assert.Equal(output, serialized);
        Assert.True(BuiltInScalars.DateTime.TryParseLiteral(new StringValueNode(input), out var literal, out _));
        Assert.Equal(parsed, literal);
    }

    [Theory]
    [InlineData("2024-05-01T10:20:30")]
    [InlineData("2024-05-01")]
    [InlineData("2024-13-01T10:20:30Z")]
    [InlineData("yesterday")]
    public void DateTime_rejects_values_without_offset_or_invalid(string input)
    {
        Assert.False(BuiltInScalars.DateTime.TryParseValue(input, out _, out var error));
        Assert.Equal($"DateTime cannot represent an invalid date-time string: \"{input}\"", error);
        Assert.False(BuiltInScalars.DateTime.TryParseValue(5L, out _, out error));
        Assert.Equal("DateTime cannot represent a non string value: 5", error);
    }

    [Fact]
    public void UntypedObjectLiteralsWithDuplicateKeysKeepTheLastValue()
    {
        // Found by the parser/validator fuzz: a custom scalar given {a: 1, a: 2} must not throw (graphql-js keyValMap).
        var value = BuiltInScalars.ValueFromLiteralUntyped(Parser.ParseValue("{a: 1, a: 2, b: [3]}"));
        var map = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(value);
        Assert.Equal(2, map["a"]);
        Assert.Equal(2, map.Count);
    }

    [Fact]
    public void DateTime_serializes_clr_dates_in_utc()
    {
        var unspecified = new DateTime(2024, 1, 2, 3, 4, 5, 6, DateTimeKind.Unspecified);
        Assert.True(BuiltInScalars.DateTime.TrySerialize(unspecified, out var a, out _));
        Assert.Equal("2024-01-02T03:04:05.006Z", a);
        var offset = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5));
        Assert.True(BuiltInScalars.DateTime.TrySerialize(offset, out var b, out _));
        Assert.Equal("2024-01-02T08:04:05.000Z", b);
        Assert.False(BuiltInScalars.DateTime.TrySerialize(42, out _, out var error));
        Assert.Equal("DateTime cannot represent value: 42", error);
    }

    [Fact]
    public void Json_accepts_any_value_and_converts_literals()
    {
        var json = BuiltInScalars.Json;
        Assert.True(json.TryParseLiteral(Parser.ParseValue("{a: [1, 2.5, \"x\", true, null, ENUM], b: {c: 3000000000}}"), out var value, out _));
        var map = Assert.IsType<Dictionary<string, object?>>(value);
        Assert.Equal(new List<object?> { 1, 2.5, "x", true, null, "ENUM" }, map["a"]);
        Assert.Equal(3000000000L, ((Dictionary<string, object?>)map["b"]!)["c"]);

        using var doc = JsonDocument.Parse("{\"x\":[1,{\"y\":null}]}");
        Assert.True(json.TryParseValue(doc.RootElement, out var parsed, out _));
        Assert.True(json.TrySerialize(parsed, out var serialized, out _));
        Assert.Equal("{\"x\":[1,{\"y\":null}]}", JsonSerializer.Serialize(serialized));
        Assert.True(json.TrySerialize(new Dictionary<string, object?> { ["k"] = new[] { 1, 2 } }, out var fromDict, out _));
        Assert.Equal("{\"k\":[1,2]}", ((JsonElement)fromDict!).GetRawText());
    }

    [Fact]
    public void Custom_scalars_without_implementation_pass_values_through()
    {
        var schema = new SchemaBuilder().AddTypeDefinitions("scalar Money type Query { m(x: Money): Money }").UseDefaultResolvers().Build();
        var money = (ScalarType)schema.GetType("Money")!;
        var value = new object();
        Assert.True(money.TrySerialize(value, out var same, out _));
        Assert.Same(value, same);
        Assert.True(money.TryParseValue(value, out same, out _));
        Assert.Same(value, same);
        Assert.True(money.TryParseLiteral(Parser.ParseValue("{amount: 5}"), out var literal, out _));
        var amount = ((Dictionary<string, object?>)literal!)["amount"]; Assert.True(amount is int, amount?.GetType().FullName); Assert.Equal(5, (int)amount!);
    }

    [Theory]
    [InlineData(1e21, "1e+21")]
    [InlineData(123456789012345680000d, "123456789012345680000")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(-1.5e-10, "-1.5e-10")]
    [InlineData(0.1, "0.1")]
    [InlineData(100, "100")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    public void Numbers_format_like_javascript(double value, string expected) =>
        Assert.Equal(expected, JsValue.FormatNumber(value));

    private static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        _ => e.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value)),
    };
}
