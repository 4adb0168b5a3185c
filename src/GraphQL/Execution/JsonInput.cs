using System.Globalization;
using System.Text.Json;

namespace CrowNest.GraphQL.Execution;

/// <summary>
/// Converts JSON request values to the .NET shapes the executor coerces: <c>null</c>, <see cref="string"/>,
/// <see cref="bool"/>, <see cref="long"/> (integral numbers, including <c>1.0</c> and <c>1e3</c>, as JavaScript sees
/// them), <see cref="double"/>, <see cref="IReadOnlyList{T}"/> and <see cref="IReadOnlyDictionary{TKey,TValue}"/>.
/// </summary>
public static class JsonInput
{
    /// <summary>Converts a JSON object (e.g. the <c>variables</c> of a request); throws for any other kind.</summary>
    public static IReadOnlyDictionary<string, object?> ToDictionary(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"Expected a JSON object but got {element.ValueKind}.", nameof(element));
        }

        return ToObject(element, intern: false);
    }

    /// <summary>Converts any JSON value.</summary>
    public static object? ToValue(JsonElement element) => ToValue(element, intern: false);

    private static object? ToValue(JsonElement element, bool intern) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => ToNumber(element),
        JsonValueKind.Array => ToList(element, intern),
        JsonValueKind.Object => ToObject(element, intern),
        _ => null,
    };

    /// <summary>
    /// Converts a JSON document held as long-lived data (e.g. a root value served with default resolvers): like
    /// <see cref="ToValue(JsonElement)"/>, but object property names are interned, so that the executor's default member reads (whose
    /// names are interned too) find them by reference instead of comparing characters. Not for request input: interned
    /// strings are never freed.
    /// </summary>
    public static object? ToData(JsonElement element) => ToValue(element, intern: true);

    /// <summary>Converts a value that may be (or contain) <see cref="JsonElement"/>s; other values are returned unchanged.</summary>
    public static object? Normalize(object? value) => value is JsonElement element ? ToValue(element) : value;

    private static object ToNumber(JsonElement element)
    {
        if (element.TryGetInt64(out var integer))
        {
            return integer;
        }

        var number = double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);

        // JavaScript has one number type: 1.0 and 1e3 are integers there, so they are here.
        if (Math.Floor(number) == number && number is >= -9.2233720368547758E+18 and < 9.2233720368547758E+18)
        {
            return (long)number;
        }

        return number;
    }

    private static object?[] ToList(JsonElement element, bool intern)
    {
        var items = new object?[element.GetArrayLength()];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            items[i++] = ToValue(item, intern);
        }

        return items;
    }

    private static Dictionary<string, object?> ToObject(JsonElement element, bool intern)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            // JSON.parse semantics: a repeated key keeps the last value.
            result[intern ? string.Intern(property.Name) : property.Name] = ToValue(property.Value, intern);
        }

        return result;
    }
}
