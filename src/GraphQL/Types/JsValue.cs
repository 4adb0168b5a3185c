using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CrowNest.GraphQL.Types;

/// <summary>
/// JavaScript-compatible formatting helpers so messages and printed values match graphql-js byte for byte
/// (<c>String(number)</c>, <c>inspect(value)</c>).
/// </summary>
public static class JsValue
{
    /// <summary>Formats a double the way JavaScript's <c>Number.prototype.toString()</c> does.</summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "Infinity";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Infinity";
        }

        if (value == 0)
        {
            return "0";
        }

        // "R" is the shortest round-trip form; its digits and exponent are re-laid-out per ECMA-262 Number::toString.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var ePos = shortest.IndexOfAny(['E', 'e']);
        var mantissa = ePos >= 0 ? shortest[..ePos] : shortest;
        var exp = ePos >= 0 ? int.Parse(shortest[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : string.Empty;
        var all = (intPart + fracPart).TrimStart('0');
        var leadingZerosRemoved = (intPart + fracPart).Length - all.Length;
        var exponent = exp + intPart.Length - leadingZerosRemoved; // n in ECMA-262 terms
        var digits = all.TrimEnd('0');
        var k = digits.Length;
        var n = exponent;
        var sb = new StringBuilder();
        if (value < 0)
        {
            sb.Append('-');
        }

        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }

            sb.Append('e').Append(n - 1 >= 0 ? "+" : "-").Append(Math.Abs(n - 1).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Converts a .NET number to a double when it is one (JavaScript has one number type).</summary>
    public static bool TryGetNumber(object? value, out double number)
    {
        switch (value)
        {
            case int i: number = i; return true;
            case long l: number = l; return true;
            case double d: number = d; return true;
            case float f: number = f; return true;
            case decimal m: number = (double)m; return true;
            case short s: number = s; return true;
            case byte b: number = b; return true;
            case sbyte sb: number = sb; return true;
            case ushort us: number = us; return true;
            case uint ui: number = ui; return true;
            case ulong ul: number = ul; return true;
            case JsonElement { ValueKind: JsonValueKind.Number } e: number = e.GetDouble(); return true;
            default: number = 0; return false;
        }
    }

    /// <summary>Unwraps a <see cref="JsonElement"/> to a .NET primitive (string, bool, null); other values are returned unchanged.</summary>
    public static object? Unwrap(object? value) => value is JsonElement e
        ? e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => e,
        }
        : value;

    /// <summary>Formats a value the way graphql-js's <c>inspect()</c> does (used in coercion error messages).</summary>
    public static string Inspect(object? value) => Inspect(value, 0);

    private static string Inspect(object? value, int depth)
    {
        switch (value)
        {
            case null:
                return "null";
            case string s:
                return JsonSerializer.Serialize(s);
            case bool b:
                return b ? "true" : "false";
            case JsonElement e:
                return e.ValueKind switch
                {
                    JsonValueKind.String => JsonSerializer.Serialize(e.GetString()),
                    JsonValueKind.Number => FormatNumber(e.GetDouble()),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Null or JsonValueKind.Undefined => "null",
                    JsonValueKind.Array => InspectList([.. e.EnumerateArray().Select(x => (object?)x)], depth),
                    _ => InspectObject([.. e.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, p.Value))], depth),
                };
            case Enum en:
                return JsonSerializer.Serialize(en.ToString());
            case GraphQLType t:
                return t.ToString();
            case IEnumerable<KeyValuePair<string, object?>> dict:
                return InspectObject([.. dict], depth);
            case IDictionary dict:
                {
                    var items = new List<KeyValuePair<string, object?>>();
                    foreach (DictionaryEntry entry in dict)
                    {
                        items.Add(new(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty, entry.Value));
                    }

                    return InspectObject(items, depth);
                }

            case IEnumerable list:
                {
                    var items = new List<object?>();
                    foreach (var item in list)
                    {
                        items.Add(item);
                    }

                    return InspectList(items, depth);
                }

            default:
                if (TryGetNumber(value, out var number))
                {
                    return FormatNumber(number);
                }

                return value is DateTime or DateTimeOffset
                    ? JsonSerializer.Serialize(value)
                    : "{}";
        }
    }

    private static string InspectList(List<object?> items, int depth)
    {
        if (items.Count == 0)
        {
            return "[]";
        }

        if (depth >= 2)
        {
            return "[Array]";
        }

        var shown = items.Take(10).Select(i => Inspect(i, depth + 1)).ToList();
        if (items.Count > 10)
        {
            shown.Add(items.Count - 10 == 1 ? "... 1 more item" : $"... {items.Count - 10} more items");
        }

        return "[" + string.Join(", ", shown) + "]";
    }

    private static string InspectObject(List<KeyValuePair<string, object?>> entries, int depth)
    {
        if (entries.Count == 0)
        {
            return "{}";
        }

        if (depth >= 2)
        {
            return "[Object]";
        }

        return "{ " + string.Join(", ", entries.Select(e => e.Key + ": " + Inspect(e.Value, depth + 1))) + " }";
    }
}
