using System.Collections;
using System.Globalization;
using System.Text;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Execution;

/// <summary>graphql-js-compatible message helpers: <c>inspect</c>, value printing, "Did you mean" suggestions.</summary>
internal static class Messages
{
    private const int MaxRecursiveDepth = 2;
    private const int MaxArrayLength = 10;

    /// <summary>Formats a .NET input value the way graphql-js <c>inspect()</c> formats the equivalent JS value.</summary>
    public static string Inspect(object? value) => Inspect(JsonInput.Normalize(value), 0);

    private static string Inspect(object? value, int depth)
    {
        switch (value)
        {
            case null:
                return "null";
            case string s:
                return Quote(s);
            case bool b:
                return b ? "true" : "false";
            case double d:
                return FormatNumber(d);
            case float f:
                return FormatNumber(f);
            case decimal m:
                return m.ToString(CultureInfo.InvariantCulture);
            case sbyte or byte or short or ushort or int or uint or long or ulong:
                return Convert.ToString(value, CultureInfo.InvariantCulture)!;
            case Enum e:
                return e.ToString();
            case IEnumerable<KeyValuePair<string, object?>> map:
                {
                    if (depth >= MaxRecursiveDepth + 1)
                    {
                        return "[Object]";
                    }

                    var parts = map.Select(kv => kv.Key + ": " + Inspect(JsonInput.Normalize(kv.Value), depth + 1)).ToList();
                    return parts.Count == 0 ? "{}" : "{ " + string.Join(", ", parts) + " }";
                }

            case IEnumerable list:
                {
                    if (depth >= MaxRecursiveDepth + 1)
                    {
                        return "[Array]";
                    }

                    var items = list.Cast<object?>().ToList();
                    if (items.Count == 0)
                    {
                        return "[]";
                    }

                    var shown = items.Take(MaxArrayLength).Select(i => Inspect(JsonInput.Normalize(i), depth + 1)).ToList();
                    var remaining = items.Count - MaxArrayLength;
                    if (remaining == 1)
                    {
                        shown.Add("... 1 more item");
                    }
                    else if (remaining > 1)
                    {
                        shown.Add($"... {remaining} more items");
                    }

                    return "[" + string.Join(", ", shown) + "]";
                }

            default:
                return value.ToString() ?? value.GetType().Name;
        }
    }

    /// <summary>JavaScript's <c>String(number)</c>.</summary>
    public static string FormatNumber(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        if (Math.Floor(d) == d && Math.Abs(d) < 1e21)
        {
            return d.ToString("0", CultureInfo.InvariantCulture);
        }

        var text = d.ToString("R", CultureInfo.InvariantCulture);
        return text.Replace("E+", "e+", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal);
    }

    /// <summary><c>JSON.stringify</c> of a string.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>graphql-js v16 <c>print()</c> of a value literal.</summary>
    public static string PrintValue(IValueNode node) => Printer.Print((SyntaxNode)node);

    /// <summary>graphql-js <c>printPathArray</c>: <c>.name[0].other</c>.</summary>
    public static string PrintPath(IEnumerable<object> path)
    {
        var sb = new StringBuilder();
        foreach (var key in path)
        {
            if (key is int index)
            {
                sb.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                sb.Append('.').Append(key);
            }
        }

        return sb.ToString();
    }

    /// <summary>graphql-js <c>didYouMean</c>.</summary>
    public static string DidYouMean(string? subMessage, IReadOnlyList<string> suggestions) =>
        Suggestions.DidYouMean(suggestions, subMessage);

    /// <summary>graphql-js <c>suggestionList</c>: options within a lexical distance, closest first.</summary>
    public static IReadOnlyList<string> SuggestionList(string input, IEnumerable<string> options) => Suggestions.List(input, options);

    /// <summary>graphql-js <c>inspect(type)</c>.</summary>
    public static string TypeString(GraphQLType type) => type.ToString();

    /// <summary>Finds a named type reference in the schema; null when unknown.</summary>
    public static GraphQLType? TypeFromAst(Schema schema, ITypeNode node) => node switch
    {
        NamedTypeNode named => schema.GetType(named.Name.Value),
        ListTypeNode list => TypeFromAst(schema, list.Type) is { } inner ? new ListType(inner) : null,
        NonNullTypeNode nonNull => TypeFromAst(schema, nonNull.Type) is { } inner && inner is not NonNullType ? new NonNullType(inner) : null,
        _ => null,
    };

    /// <summary>graphql-js <c>print()</c> of a type reference.</summary>
    public static string PrintType(ITypeNode node) => node switch
    {
        NamedTypeNode named => named.Name.Value,
        ListTypeNode list => "[" + PrintType(list.Type) + "]",
        NonNullTypeNode nonNull => PrintType(nonNull.Type) + "!",
        _ => string.Empty,
    };
}
