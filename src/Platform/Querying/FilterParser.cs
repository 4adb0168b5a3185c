using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace CrowNest.Platform.Querying;

/// <summary>
/// Parses <c>{ and: [F], or: [F], not: F, &lt;field&gt;: { &lt;operator&gt;: value, … } }</c>. Several keys in one
/// object are combined with AND; an empty object matches everything.
/// </summary>
public static class FilterParser
{
    private static readonly FrozenDictionary<string, FilterOperator> Operators = new Dictionary<string, FilterOperator>
    {
        ["eq"] = FilterOperator.Eq,
        ["neq"] = FilterOperator.Neq,
        ["in"] = FilterOperator.In,
        ["nin"] = FilterOperator.Nin,
        ["isNull"] = FilterOperator.IsNull,
        ["gt"] = FilterOperator.Gt,
        ["gte"] = FilterOperator.Gte,
        ["lt"] = FilterOperator.Lt,
        ["lte"] = FilterOperator.Lte,
        ["contains"] = FilterOperator.Contains,
        ["startsWith"] = FilterOperator.StartsWith,
        ["endsWith"] = FilterOperator.EndsWith,
        ["notContains"] = FilterOperator.NotContains,
        ["notStartsWith"] = FilterOperator.NotStartsWith,
        ["notEndsWith"] = FilterOperator.NotEndsWith,
        ["eqInsensitive"] = FilterOperator.EqInsensitive,
        ["neqInsensitive"] = FilterOperator.NeqInsensitive,
        ["containsInsensitive"] = FilterOperator.ContainsInsensitive,
        ["startsWithInsensitive"] = FilterOperator.StartsWithInsensitive,
        ["endsWithInsensitive"] = FilterOperator.EndsWithInsensitive,
        ["notContainsInsensitive"] = FilterOperator.NotContainsInsensitive,
        ["notStartsWithInsensitive"] = FilterOperator.NotStartsWithInsensitive,
        ["notEndsWithInsensitive"] = FilterOperator.NotEndsWithInsensitive,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Operator names as written in filters (GraphQL input fields and REST JSON alike).</summary>
    public static IReadOnlyDictionary<string, FilterOperator> OperatorNames => Operators;

    /// <summary>Parses <paramref name="json"/>; errors name the path below <paramref name="path"/>.</summary>
    public static FilterNode Parse<T>(JsonElement json, QueryDescriptor<T> descriptor, string path = "filter")
        where T : class => ParseNode(json, descriptor, path);

    /// <summary>Parses JSON text (e.g. a query-string parameter).</summary>
    public static FilterNode Parse<T>(string json, QueryDescriptor<T> descriptor, string path = "filter")
        where T : class
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new QueryException(QueryErrorCodes.InvalidFilter, $"{path}: not valid JSON ({e.Message})");
        }

        using (doc)
        {
            return Parse(doc.RootElement, descriptor, path);
        }
    }

    /// <summary>True for operators a field of <paramref name="kind"/> accepts.</summary>
    public static bool Supports(FieldKind kind, FilterOperator op) => op switch
    {
        FilterOperator.Eq or FilterOperator.Neq or FilterOperator.IsNull => true,
        FilterOperator.In or FilterOperator.Nin => kind != FieldKind.Boolean,
        FilterOperator.Gt or FilterOperator.Gte or FilterOperator.Lt or FilterOperator.Lte =>
            kind is FieldKind.String or FieldKind.Timestamp or FieldKind.Integer,
        _ => kind == FieldKind.String,
    };

    private static FilterNode ParseNode(JsonElement json, IQueryDescriptor descriptor, string path)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, "expected an object");
        }

        var fields = descriptor.Fields;
        var items = new List<FilterNode>();
        foreach (var property in json.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            switch (property.Name)
            {
                case "and":
                    items.Add(new AndFilter(ParseList(property.Value, descriptor, at)));
                    break;
                case "or":
                    items.Add(new OrFilter(ParseList(property.Value, descriptor, at)));
                    break;
                case "not":
                    items.Add(new NotFilter(ParseNode(property.Value, descriptor, at)));
                    break;
                default:
                    if (descriptor.Relations.TryGetValue(property.Name, out var relation))
                    {
                        items.AddRange(ParseRelation(property.Value, relation, at));
                        break;
                    }

                    if (!fields.TryGetValue(property.Name, out var field))
                    {
                        var known = fields.Keys.Concat(descriptor.Relations.Keys).Order(StringComparer.Ordinal);
                        throw Error(at, $"unknown field '{property.Name}' (known: and, or, not, {string.Join(", ", known)})");
                    }

                    items.AddRange(ParseField(property.Value, field, at));
                    break;
            }
        }

        return items.Count == 1 ? items[0] : new AndFilter(items);
    }

    private static IEnumerable<FilterNode> ParseRelation(JsonElement json, RelationDescriptor relation, string path)
    {
        if (!relation.IsCollection)
        {
            return [new RelationFilter(relation, RelationQuantifier.Some, ParseNode(json, relation.Target, path))];
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, "expected an object with some, every or none");
        }

        var list = new List<FilterNode>();
        foreach (var property in json.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            var quantifier = property.Name switch
            {
                "some" => RelationQuantifier.Some,
                "every" => RelationQuantifier.Every,
                "none" => RelationQuantifier.None,
                _ => throw Error(at, $"unknown operator '{property.Name}' for to-many relation '{relation.Name}' (allowed: some, every, none)"),
            };
            list.Add(new RelationFilter(relation, quantifier, ParseNode(property.Value, relation.Target, at)));
        }

        return list;
    }

    private static List<FilterNode> ParseList(JsonElement json, IQueryDescriptor descriptor, string path)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, "expected an array of filters");
        }

        var list = new List<FilterNode>();
        var i = 0;
        foreach (var item in json.EnumerateArray())
        {
            list.Add(ParseNode(item, descriptor, $"{path}[{i++}]"));
        }

        return list;
    }

    private static IEnumerable<FilterNode> ParseField(JsonElement json, FieldDescriptor field, string path)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, "expected an object of operators");
        }

        var list = new List<FilterNode>();
        foreach (var property in json.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            if (!Operators.TryGetValue(property.Name, out var op) || !Supports(field.Kind, op))
            {
                var allowed = Operators.Where(o => Supports(field.Kind, o.Value)).Select(o => o.Key);
                throw Error(at, $"unknown operator '{property.Name}' for {KindName(field.Kind)} field '{field.Name}' (allowed: {string.Join(", ", allowed)})");
            }

            object value = op switch
            {
                FilterOperator.IsNull => property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? property.Value.GetBoolean()
                    : throw Error(at, "expected a boolean"),
                FilterOperator.In or FilterOperator.Nin => ParseArray(property.Value, field, at),
                _ => ParseValue(property.Value, field, at),
            };
            list.Add(new FieldFilter(field, op, value));
        }

        return list;
    }

    private static List<object> ParseArray(JsonElement json, FieldDescriptor field, string path)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, "expected an array");
        }

        var list = new List<object>();
        var i = 0;
        foreach (var item in json.EnumerateArray())
        {
            list.Add(ParseValue(item, field, $"{path}[{i++}]"));
        }

        return list;
    }

    /// <summary>Reads one non-null value of the field's kind.</summary>
    internal static object ParseValue(JsonElement json, FieldDescriptor field, string path)
    {
        switch (field.Kind)
        {
            case FieldKind.String:
                return json.ValueKind == JsonValueKind.String ? json.GetString()! : throw Error(path, "expected a string");
            case FieldKind.Enum:
                var text = json.ValueKind == JsonValueKind.String ? json.GetString()! : null;
                return text is not null && field.EnumValues.Contains(text)
                    ? text
                    : throw Error(path, $"expected one of {string.Join(", ", field.EnumValues)}");
            case FieldKind.Boolean:
                return json.ValueKind is JsonValueKind.True or JsonValueKind.False ? json.GetBoolean() : throw Error(path, "expected a boolean");
            case FieldKind.Timestamp:
                return json.ValueKind == JsonValueKind.String && TryParseTimestamp(json.GetString()!, out var ts)
                    ? ts
                    : throw Error(path, "expected an ISO-8601 timestamp string");
            case FieldKind.Integer:
                return json.ValueKind == JsonValueKind.Number && json.TryGetInt64(out var n) ? n : throw Error(path, "expected an integer");
            default:
                throw new InvalidOperationException($"Unhandled kind {field.Kind}");
        }
    }

    internal static bool TryParseTimestamp(string text, out DateTimeOffset value)
    {
        // An offset (or Z) is required: a bare local time would mean different instants on different servers.
        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out value)
            && (text.EndsWith('Z') || text.EndsWith('z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal));
        value = value.ToUniversalTime();
        return ok && text.Contains('T', StringComparison.Ordinal);
    }

    private static string KindName(FieldKind kind) => kind switch
    {
        FieldKind.String => "a string",
        FieldKind.Enum => "an enum",
        FieldKind.Boolean => "a boolean",
        FieldKind.Timestamp => "a timestamp",
        _ => "an integer",
    };

    private static QueryException Error(string path, string message) => new(QueryErrorCodes.InvalidFilter, $"{path}: {message}");
}
