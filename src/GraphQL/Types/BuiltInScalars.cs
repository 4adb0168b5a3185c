using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Types;

/// <summary>
/// The spec scalars with graphql-js 16 coercion rules, plus <c>DateTime</c> and <c>JSON</c>. The five spec scalars are
/// shared singletons (as in graphql-js), so every schema references the same <c>String</c> instance.
/// </summary>
public static class BuiltInScalars
{
    /// <summary>The RFC 3339 URL reported by <see cref="DateTime"/>'s <c>@specifiedBy</c>.</summary>
    public const string DateTimeSpecifiedByUrl = "https://www.rfc-editor.org/rfc/rfc3339";

    /// <summary><c>Int</c>: 32-bit signed integers.</summary>
    public static ScalarType Int { get; } = new IntScalar
    {
        Description = "The `Int` scalar type represents non-fractional signed whole numeric values. Int can represent values between -(2^31) and 2^31 - 1.",
    };

    /// <summary><c>Float</c>: finite double-precision numbers.</summary>
    public static ScalarType Float { get; } = new FloatScalar
    {
        Description = "The `Float` scalar type represents signed double-precision fractional values as specified by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point).",
    };

    /// <summary><c>String</c>: UTF-8 text.</summary>
    public static ScalarType String { get; } = new StringScalar
    {
        Description = "The `String` scalar type represents textual data, represented as UTF-8 character sequences. The String type is most often used by GraphQL to represent free-form human-readable text.",
    };

    /// <summary><c>Boolean</c>.</summary>
    public static ScalarType Boolean { get; } = new BooleanScalar
    {
        Description = "The `Boolean` scalar type represents `true` or `false`.",
    };

    /// <summary><c>ID</c>: serialized as a string, accepts string and integer input.</summary>
    public static ScalarType ID { get; } = new IdScalar
    {
        Description = "The `ID` scalar type represents a unique identifier, often used to refetch an object or as key for a cache. The ID type appears in a JSON response as a String; however, it is not intended to be human-readable. When expected as an input type, any string (such as `\"4\"`) or integer (such as `4`) input value will be accepted as an ID.",
    };

    /// <summary>An ISO-8601 date-time with offset; serialized in UTC as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    public static ScalarType DateTime { get; } = new DateTimeScalar { SpecifiedByUrl = DateTimeSpecifiedByUrl };

    /// <summary>Any JSON value.</summary>
    public static ScalarType Json { get; } = new JsonScalar("JSON");

    /// <summary>The five spec scalars in graphql-js order (String, Int, Float, Boolean, ID).</summary>
    public static IReadOnlyList<ScalarType> Specified { get; } = [String, Int, Float, Boolean, ID];

    /// <summary>True for <c>Int</c>, <c>Float</c>, <c>String</c>, <c>Boolean</c> and <c>ID</c> (by name, like graphql-js).</summary>
    public static bool IsSpecified(NamedType type) => IsSpecifiedName(type.Name);

    /// <summary>True for the names of the five spec scalars.</summary>
    public static bool IsSpecifiedName(string name) => name is "Int" or "Float" or "String" or "Boolean" or "ID";

    /// <summary>A fresh <c>DateTime</c> scalar (description and <c>@specifiedBy</c> come from the SDL that declares it).</summary>
    public static ScalarType CreateDateTime(string name = "DateTime") => new DateTimeScalar(name);

    /// <summary>A fresh <c>JSON</c> scalar.</summary>
    public static ScalarType CreateJson(string name = "JSON") => new JsonScalar(name);

    /// <summary>A custom scalar without an implementation: values pass through unchanged (graphql-js default behaviour).</summary>
    public static ScalarType CreatePassThrough(string name) => new PassThroughScalar(name);

    /// <summary>Converts a literal without a type (graphql-js <c>valueFromASTUntyped</c>): objects become dictionaries, lists lists.</summary>
    public static object? ValueFromLiteralUntyped(IValueNode node) => node switch
    {
        NullValueNode => null,
        IntValueNode i => int.TryParse(i.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n32) ? (object)n32
            : long.TryParse(i.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n64) ? (object)n64
            : double.Parse(i.Value, CultureInfo.InvariantCulture),
        FloatValueNode f => double.Parse(f.Value, CultureInfo.InvariantCulture),
        StringValueNode s => s.Value,
        EnumValueNode e => e.Value,
        BooleanValueNode b => b.Value,
        ListValueNode l => l.Values.Select(ValueFromLiteralUntyped).ToList(),
        ObjectValueNode o => ObjectFromLiteralUntyped(o),
        _ => null,
    };

    internal static string Print(IValueNode node) => ValuePrinting.PrintValue(node);

    // Duplicate keys ({a: 1, a: 2}) are a validation error elsewhere; here the last one wins as in graphql-js's keyValMap,
    // because this runs on unvalidated literals too and must never throw.
    private static Dictionary<string, object?> ObjectFromLiteralUntyped(ObjectValueNode node)
    {
        var result = new Dictionary<string, object?>(node.Fields.Count, StringComparer.Ordinal);
        foreach (var field in node.Fields)
        {
            result[field.Name.Value] = ValueFromLiteralUntyped(field.Value);
        }

        return result;
    }

    /// <summary>JavaScript <c>Number(string)</c> for the usual decimal forms.</summary>
    internal static double JsNumber(string s)
    {
        var t = s.Trim();
        if (t.Length == 0)
        {
            return 0;
        }

        switch (t)
        {
            case "Infinity" or "+Infinity": return double.PositiveInfinity;
            case "-Infinity": return double.NegativeInfinity;
        }

        if (t.Length > 2 && t[0] == '0' && (t[1] is 'x' or 'X'))
        {
            return long.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : double.NaN;
        }

        foreach (var c in t)
        {
            if (!(char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-'))
            {
                return double.NaN;
            }
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN;
    }
}

/// <summary>Int per graphql-js 16.</summary>
internal sealed class IntScalar() : ScalarType("Int")
{
    public override bool TrySerialize(object? runtimeValue, out object? resultValue, [NotNullWhen(false)] out string? error)
    {
        resultValue = null;
        var value = JsValue.Unwrap(runtimeValue);
        switch (value)
        {
            case int i:
                resultValue = i;
                error = null;
                return true;
            case bool b:
                resultValue = b ? 1 : 0;
                error = null;
                return true;
            case long l:
                if (l is < int.MinValue or > int.MaxValue)
                {
                    error = $"Int cannot represent non 32-bit signed integer value: {JsValue.Inspect(value)}";
                    return false;
                }

                resultValue = (int)l;
                error = null;
                return true;
        }

        double number;
        if (value is string s && s.Length > 0)
        {
            number = BuiltInScalars.JsNumber(s);
        }
        else if (!JsValue.TryGetNumber(value, out number))
        {
            error = $"Int cannot represent non-integer value: {JsValue.Inspect(value)}";
            return false;
        }

        if (!double.IsFinite(number) || Math.Floor(number) != number)
        {
            error = $"Int cannot represent non-integer value: {JsValue.Inspect(value)}";
            return false;
        }

        if (number is > int.MaxValue or < int.MinValue)
        {
            error = $"Int cannot represent non 32-bit signed integer value: {JsValue.Inspect(value)}";
            return false;
        }

        resultValue = (int)number;
        error = null;
        return true;
    }

    public override bool TryParseValue(object? inputValue, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        runtimeValue = null;
        var value = JsValue.Unwrap(inputValue);
        if (value is int i)
        {
            runtimeValue = i;
            error = null;
            return true;
        }

        if (value is bool || !JsValue.TryGetNumber(value, out var number) || !double.IsFinite(number) || Math.Floor(number) != number)
        {
            error = $"Int cannot represent non-integer value: {JsValue.Inspect(value)}";
            return false;
        }

        if (value is long l ? l is < int.MinValue or > int.MaxValue : number is > int.MaxValue or < int.MinValue)
        {
            error = $"Int cannot represent non 32-bit signed integer value: {JsValue.Inspect(value)}";
            return false;
        }

        runtimeValue = (int)number;
        error = null;
        return true;
    }

    public override bool TryParseLiteral(IValueNode literal, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        runtimeValue = null;
        if (literal is not IntValueNode node)
        {
            error = $"Int cannot represent non-integer value: {BuiltInScalars.Print(literal)}";
            return false;
        }

        if (!int.TryParse(node.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            error = $"Int cannot represent non 32-bit signed integer value: {node.Value}";
            return false;
        }

        runtimeValue = n;
        error = null;
        return true;
    }
}

/// <summary>Float per graphql-js 16.</summary>
internal sealed class FloatScalar() : ScalarType("Float")
{
    public override bool TrySerialize(object? runtimeValue, out object? resultValue, [NotNullWhen(false)] out string? error)
    {
        resultValue = null;
        var value = JsValue.Unwrap(runtimeValue);
        double number;
        if (value is bool b)
        {
            number = b ? 1 : 0;
        }
        else if (value is string s && s.Length > 0)
        {
            number = BuiltInScalars.JsNumber(s);
        }
        else if (!JsValue.TryGetNumber(value, out number))
        {
            error = $"Float cannot represent non numeric value: {JsValue.Inspect(value)}";
            return false;
        }

        if (!double.IsFinite(number))
        {
            error = $"Float cannot represent non numeric value: {JsValue.Inspect(value)}";
            return false;
        }

        resultValue = number;
        error = null;
        return true;
    }

    public override bool TryParseValue(object? inputValue, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        runtimeValue = null;
        var value = JsValue.Unwrap(inputValue);
        if (value is bool || !JsValue.TryGetNumber(value, out var number) || !double.IsFinite(number))
        {
            error = $"Float cannot represent non numeric value: {JsValue.Inspect(value)}";
            return false;
        }

        runtimeValue = number;
        error = null;
        return true;
    }

    public override bool TryParseLiteral(IValueNode literal, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        runtimeValue = null;
        var text = literal switch
        {
            FloatValueNode f => f.Value,
            IntValueNode i => i.Value,
            _ => null,
        };
        if (text is null)
        {
            error = $"Float cannot represent non numeric value: {BuiltInScalars.Print(literal)}";
            return false;
        }

        runtimeValue = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        error = null;
        return true;
    }
}

/// <summary>String per graphql-js 16.</summary>
internal sealed class StringScalar() : ScalarType("String")
{
    public override bool TrySerialize(object? runtimeValue, out object? resultValue, [NotNullWhen(false)] out string? error)
    {
        var value = JsValue.Unwrap(runtimeValue);
        switch (value)
        {
            case string s:
                resultValue = s;
                error = null;
                return true;
            case bool b:
                resultValue = b ? "true" : "false";
                error = null;
                return true;
            case int i:
                resultValue = i.ToString(CultureInfo.InvariantCulture);
                error = null;
                return true;
            case long l:
                resultValue = l.ToString(CultureInfo.InvariantCulture);
                error = null;
                return true;
            case char c:
                resultValue = c.ToString();
                error = null;
                return true;
            case Guid g:
                // Not graphql-js behaviour (JS has no Guid); the natural string form is what C# resolvers expect.
                resultValue = g.ToString();
                error = null;
                return true;
        }

        if (JsValue.TryGetNumber(value, out var number) && double.IsFinite(number))
        {
            resultValue = JsValue.FormatNumber(number);
            error = null;
            return true;
        }

        resultValue = null;
        error = $"String cannot represent value: {JsValue.Inspect(value)}";
        return false;
    }

    public override bool TryParseValue(object? inputValue, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        if (JsValue.Unwrap(inputValue) is string s)
        {
            runtimeValue = s;
            error = null;
            return true;
        }

        runtimeValue = null;
        error = $"String cannot represent a non string value: {JsValue.Inspect(inputValue)}";
        return false;
    }

    public override bool TryParseLiteral(IValueNode literal, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        if (literal is StringValueNode s)
        {
            runtimeValue = s.Value;
            error = null;
            return true;
        }

        runtimeValue = null;
        error = $"String cannot represent a non string value: {BuiltInScalars.Print(literal)}";
        return false;
    }
}

/// <summary>Boolean per graphql-js 16.</summary>
internal sealed class BooleanScalar() : ScalarType("Boolean")
{
    private static readonly object True = true;
    private static readonly object False = false;

    public override bool TrySerialize(object? runtimeValue, out object? resultValue, [NotNullWhen(false)] out string? error)
    {
        var value = JsValue.Unwrap(runtimeValue);
        if (value is bool b)
        {
            resultValue = b ? True : False;
            error = null;
            return true;
        }

        if (JsValue.TryGetNumber(value, out var number) && double.IsFinite(number))
        {
            resultValue = number != 0 ? True : False;
            error = null;
            return true;
        }

        resultValue = null;
        error = $"Boolean cannot represent a non boolean value: {JsValue.Inspect(value)}";
        return false;
    }

    public override bool TryParseValue(object? inputValue, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        if (JsValue.Unwrap(inputValue) is bool b)
        {
            runtimeValue = b ? True : False;
            error = null;
            return true;
        }

        runtimeValue = null;
        error = $"Boolean cannot represent a non boolean value: {JsValue.Inspect(inputValue)}";
        return false;
    }

    public override bool TryParseLiteral(IValueNode literal, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        if (literal is BooleanValueNode b)
        {
            runtimeValue = b.Value ? True : False;
            error = null;
            return true;
        }

        runtimeValue = null;
        error = $"Boolean cannot represent a non boolean value: {BuiltInScalars.Print(literal)}";
        return false;
    }
}

/// <summary>ID per graphql-js 16.</summary>
internal sealed class IdScalar() : ScalarType("ID")
{
    public override bool TrySerialize(object? runtimeValue, out object? resultValue, [NotNullWhen(false)] out string? error)
    {
        var value = JsValue.Unwrap(runtimeValue);
        switch (value)
        {
            case string s:
                resultValue = s;
                error = null;
                return true;
            case int i:
                resultValue = i.ToString(CultureInfo.InvariantCulture);
                error = null;
                return true;
            case long l:
                resultValue = l.ToString(CultureInfo.InvariantCulture);
                error = null;
                return true;
            case Guid g:
                resultValue = g.ToString();
                error = null;
                return true;
        }

        if (value is not bool && JsValue.TryGetNumber(value, out var number) && double.IsFinite(number) && Math.Floor(number) == number)
        {
            resultValue = JsValue.FormatNumber(number);
            error = null;
            return true;
        }

        resultValue = null;
        error = $"ID cannot represent value: {JsValue.Inspect(value)}";
        return false;
    }

    public override bool TryParseValue(object? inputValue, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        var value = JsValue.Unwrap(inputValue);
        if (value is string s)
        {
            runtimeValue = s;
            error = null;
            return true;
        }

        if (value is long l)
        {
            runtimeValue = l.ToString(CultureInfo.InvariantCulture);
            error = null;
            return true;
        }

        if (value is not bool && JsValue.TryGetNumber(value, out var number) && double.IsFinite(number) && Math.Floor(number) == number)
        {
            runtimeValue = JsValue.FormatNumber(number);
            error = null;
            return true;
        }

        runtimeValue = null;
        error = $"ID cannot represent value: {JsValue.Inspect(value)}";
        return false;
    }

    public override bool TryParseLiteral(IValueNode literal, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        switch (literal)
        {
            case StringValueNode s:
                runtimeValue = s.Value;
                error = null;
                return true;
            case IntValueNode i:
                runtimeValue = i.Value;
                error = null;
                return true;
            default:
                runtimeValue = null;
                error = $"ID cannot represent a non-string and non-integer value: {BuiltInScalars.Print(literal)}";
                return false;
        }
    }
}

/// <summary>An RFC 3339 date-time (offset required); runtime values are <see cref="DateTimeOffset"/>.</summary>
internal sealed partial class DateTimeScalar(string name = "DateTime") : ScalarType(name)
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    internal static bool TryParse(string s, out DateTimeOffset value)
    {
        value = default;
        return Rfc3339().IsMatch(s)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out value);
    }

    internal static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public override bool TrySerialize(object? runtimeValue, out object? resultValue, [NotNullWhen(false)] out string? error)
    {
        var value = JsValue.Unwrap(runtimeValue);
        switch (value)
        {
            case DateTimeOffset dto:
                resultValue = Format(dto);
                error = null;
                return true;
            case DateTime dt:
                // Unspecified kinds are taken as UTC: that is how databases hand back timestamps.
                var utc = dt.Kind switch
                {
                    DateTimeKind.Local => dt.ToUniversalTime(),
                    _ => System.DateTime.SpecifyKind(dt, DateTimeKind.Utc),
                };
                resultValue = Format(new DateTimeOffset(utc));
                error = null;
                return true;
            case string s when TryParse(s, out var parsed):
                resultValue = Format(parsed);
                error = null;
                return true;
        }

        resultValue = null;
        error = $"{Name} cannot represent value: {JsValue.Inspect(value)}";
        return false;
    }

    public override bool TryParseValue(object? inputValue, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        var value = JsValue.Unwrap(inputValue);
        runtimeValue = null;
        if (value is not string s)
        {
            error = $"{Name} cannot represent a non string value: {JsValue.Inspect(value)}";
            return false;
        }

        if (!TryParse(s, out var parsed))
        {
            error = $"{Name} cannot represent an invalid date-time string: {JsValue.Inspect(s)}";
            return false;
        }

        runtimeValue = parsed;
        error = null;
        return true;
    }

    public override bool TryParseLiteral(IValueNode literal, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        runtimeValue = null;
        if (literal is not StringValueNode s)
        {
            error = $"{Name} cannot represent a non string value: {BuiltInScalars.Print(literal)}";
            return false;
        }

        if (!TryParse(s.Value, out var parsed))
        {
            error = $"{Name} cannot represent an invalid date-time string: {BuiltInScalars.Print(literal)}";
            return false;
        }

        runtimeValue = parsed;
        error = null;
        return true;
    }
}

/// <summary>Any JSON value. Output: primitives and <see cref="JsonElement"/> pass through; other objects become JsonElement.</summary>
internal sealed class JsonScalar(string name) : ScalarType(name)
{
    public override bool TrySerialize(object? runtimeValue, out object? resultValue, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (runtimeValue)
        {
            case null:
                resultValue = null;
                return true;
            case JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined }:
                resultValue = null;
                return true;
            case JsonElement or string or bool or int or long or double or decimal:
                resultValue = runtimeValue;
                return true;
            case float or short or byte or sbyte or ushort or uint or ulong:
                resultValue = Convert.ToDouble(runtimeValue, CultureInfo.InvariantCulture);
                return true;
            case DateTimeOffset or DateTime:
                return BuiltInScalars.DateTime.TrySerialize(runtimeValue, out resultValue, out error);
        }

        try
        {
            resultValue = JsonSerializer.SerializeToElement(runtimeValue, runtimeValue.GetType());
            return true;
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            resultValue = null;
            error = $"{Name} cannot represent value: {JsValue.Inspect(runtimeValue)}";
            return false;
        }
    }

    public override bool TryParseValue(object? inputValue, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        runtimeValue = inputValue is JsonElement { ValueKind: JsonValueKind.Null } ? null : inputValue;
        error = null;
        return true;
    }

    public override bool TryParseLiteral(IValueNode literal, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        runtimeValue = BuiltInScalars.ValueFromLiteralUntyped(literal);
        error = null;
        return true;
    }
}

/// <summary>A declared scalar without an implementation: values pass through unchanged (graphql-js default).</summary>
internal sealed class PassThroughScalar(string name) : ScalarType(name)
{
    public override bool TrySerialize(object? runtimeValue, out object? resultValue, [NotNullWhen(false)] out string? error)
    {
        resultValue = runtimeValue;
        error = null;
        return true;
    }

    public override bool TryParseValue(object? inputValue, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        runtimeValue = inputValue;
        error = null;
        return true;
    }

    public override bool TryParseLiteral(IValueNode literal, out object? runtimeValue, [NotNullWhen(false)] out string? error)
    {
        runtimeValue = BuiltInScalars.ValueFromLiteralUntyped(literal);
        error = null;
        return true;
    }
}
