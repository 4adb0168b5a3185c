using System.Text.Json;

namespace CrowNest.Platform.Querying;

/// <summary>
/// Sort directions. <c>asc</c> and <c>desc</c> follow PostgreSQL's defaults: NULLs sort as if larger than any value
/// (<c>asc</c> = <c>asc_nulls_last</c>, <c>desc</c> = <c>desc_nulls_first</c>), so plain b-tree indexes serve them.
/// </summary>
public enum OrderDirection
{
    Asc,
    Desc,
    AscNullsFirst,
    AscNullsLast,
    DescNullsFirst,
    DescNullsLast,
}

/// <summary>One resolved sort key with explicit NULL placement.</summary>
public sealed record OrderKey(FieldDescriptor Field, bool Descending, bool NullsFirst)
{
    public OrderKey Reversed() => this with { Descending = !Descending, NullsFirst = !NullsFirst };

    public string Signature => $"{Field.Name}:{(Descending ? "desc" : "asc")}_nulls_{(NullsFirst ? "first" : "last")}";
}

/// <summary>A complete ordering: the requested keys followed by the id tiebreaker, so it is total.</summary>
public sealed record OrderSpec(IReadOnlyList<OrderKey> Keys)
{
    /// <summary>Canonical text cursors are bound to.</summary>
    public string Signature => string.Join(',', Keys.Select(k => k.Signature));

    public OrderSpec Reversed() => new(Keys.Select(k => k.Reversed()).ToList());
}

/// <summary>Parses <c>[{ field: direction }, …]</c> (exactly one key per element) into an <see cref="OrderSpec"/>.</summary>
public static class OrderByParser
{
    public static readonly IReadOnlyDictionary<string, OrderDirection> Directions = new Dictionary<string, OrderDirection>(StringComparer.Ordinal)
    {
        ["asc"] = OrderDirection.Asc,
        ["desc"] = OrderDirection.Desc,
        ["asc_nulls_first"] = OrderDirection.AscNullsFirst,
        ["asc_nulls_last"] = OrderDirection.AscNullsLast,
        ["desc_nulls_first"] = OrderDirection.DescNullsFirst,
        ["desc_nulls_last"] = OrderDirection.DescNullsLast,
    };

    /// <summary>The descriptor's default order when <paramref name="json"/> is null or an empty array.</summary>
    public static OrderSpec Parse<T>(JsonElement? json, QueryDescriptor<T> descriptor, string path = "orderBy")
        where T : class
    {
        var keys = new List<(FieldDescriptor, OrderDirection)>();
        if (json is { } array && array.ValueKind != JsonValueKind.Null)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                throw Error(path, "expected an array of { field: direction } objects");
            }

            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var at = $"{path}[{i++}]";
                if (item.ValueKind != JsonValueKind.Object || item.EnumerateObject().Count() != 1)
                {
                    throw Error(at, "expected an object with exactly one field");
                }

                var property = item.EnumerateObject().First();
                if (!descriptor.Fields.TryGetValue(property.Name, out var field))
                {
                    throw Error($"{at}.{property.Name}", $"unknown field '{property.Name}'");
                }

                if (property.Value.ValueKind != JsonValueKind.String || !Directions.TryGetValue(property.Value.GetString()!, out var direction))
                {
                    throw Error($"{at}.{property.Name}", $"expected one of {string.Join(", ", Directions.Keys)}");
                }

                if (keys.Any(k => k.Item1 == field))
                {
                    throw Error($"{at}.{property.Name}", "field already ordered by");
                }

                keys.Add((field, direction));
            }
        }

        if (keys.Count == 0)
        {
            keys.AddRange(descriptor.DefaultOrder.Select(d => (descriptor.Fields[d.Field], d.Direction)));
        }

        return Build(keys, descriptor);
    }

    /// <summary>Parses JSON text (e.g. a query-string parameter).</summary>
    public static OrderSpec Parse<T>(string? json, QueryDescriptor<T> descriptor, string path = "orderBy")
        where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return Parse((JsonElement?)null, descriptor, path);
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return Parse(doc.RootElement, descriptor, path);
        }
        catch (JsonException e)
        {
            throw Error(path, $"not valid JSON ({e.Message})");
        }
    }

    public static OrderSpec Build<T>(IEnumerable<(FieldDescriptor Field, OrderDirection Direction)> keys, QueryDescriptor<T> descriptor)
        where T : class
    {
        var list = keys.Select(k => Resolve(k.Field, k.Direction)).ToList();
        if (!list.Any(k => k.Field == descriptor.Id))
        {
            // The id makes the order total; it follows the direction of the last key so (created_at desc, id desc)
            // matches a plain composite index.
            list.Add(new OrderKey(descriptor.Id, list.Count > 0 && list[^1].Descending, false));
        }
        else
        {
            // Keys after the (unique) id can never matter; dropping them keeps signatures canonical.
            list = list.TakeWhile(k => k.Field != descriptor.Id).Append(list.First(k => k.Field == descriptor.Id)).ToList();
        }

        return new OrderSpec(list);
    }

    private static OrderKey Resolve(FieldDescriptor field, OrderDirection direction) => direction switch
    {
        OrderDirection.Asc or OrderDirection.AscNullsLast => new OrderKey(field, false, false),
        OrderDirection.AscNullsFirst => new OrderKey(field, false, true),
        OrderDirection.Desc or OrderDirection.DescNullsFirst => new OrderKey(field, true, true),
        _ => new OrderKey(field, true, false),
    };

    private static QueryException Error(string path, string message) => new(QueryErrorCodes.InvalidOrderBy, $"{path}: {message}");
}
