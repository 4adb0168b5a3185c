using System.Linq.Expressions;
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

/// <summary>
/// One resolved sort key with explicit NULL placement. <see cref="Path"/> lists the to-one relations walked to reach
/// <see cref="Field"/> (empty for the entity's own fields); a related key sorts by the related row's value.
/// </summary>
public sealed record OrderKey(FieldDescriptor Field, bool Descending, bool NullsFirst)
{
    public IReadOnlyList<RelationDescriptor> Path { get; init; } = [];

    /// <summary>Dotted public name, e.g. <c>name</c> or <c>workspace.name</c>.</summary>
    public string Name => Path.Count == 0 ? Field.Name : string.Join('.', Path.Select(r => r.Name)) + "." + Field.Name;

    /// <summary>NULL is possible when the field is nullable or a relation on the way may have no row.</summary>
    public bool Nullable => Field.Nullable || Path.Any(r => !r.Required);

    public OrderKey Reversed() => this with { Descending = !Descending, NullsFirst = !NullsFirst };

    public string Signature => $"{Name}:{(Descending ? "desc" : "asc")}_nulls_{(NullsFirst ? "first" : "last")}";

    /// <summary>
    /// The key's value for the row <paramref name="x"/>: the property itself, or for a related key a correlated
    /// scalar subquery over the related rows from <paramref name="sources"/> (one SQL statement with the page query).
    /// </summary>
    public Expression Access(ParameterExpression x, Func<Type, IQueryable>? sources) =>
        Path.Count == 0 ? Field.Access(x) : ExpressionBuilder.Related(x, Path, Field, sources, Name);
}

/// <summary>A complete ordering: the requested keys followed by the id tiebreaker, so it is total.</summary>
public sealed record OrderSpec(IReadOnlyList<OrderKey> Keys)
{
    /// <summary>Canonical text cursors are bound to (computed once: every cursor of a page writes it).</summary>
    public string Signature { get; } = string.Join(',', Keys.Select(k => k.Signature));

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
        var keys = new List<OrderKey>();
        if (json is { } array && array.ValueKind != JsonValueKind.Null)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                throw Error(path, "expected an array of { field: direction } objects");
            }

            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var key = ParseKey(item, descriptor, [], $"{path}[{i++}]");
                if (keys.Any(k => k.Name == key.Name))
                {
                    throw Error($"{path}[{i - 1}].{key.Name}", "field already ordered by");
                }

                keys.Add(key);
            }
        }

        if (keys.Count == 0)
        {
            keys.AddRange(descriptor.DefaultOrder.Select(d => Resolve(descriptor.Fields[d.Field], d.Direction)));
        }

        return Build(keys, descriptor);
    }

    /// <summary>
    /// <c>{ field: direction }</c>, or <c>{ relation: { … } }</c> for a to-one relation (nested to any depth);
    /// exactly one member per object, like the GraphQL <c>@oneOf</c> input.
    /// </summary>
    private static OrderKey ParseKey(JsonElement item, IQueryDescriptor descriptor, List<RelationDescriptor> via, string at)
    {
        if (item.ValueKind != JsonValueKind.Object || item.EnumerateObject().Count() != 1)
        {
            throw Error(at, "expected an object with exactly one field");
        }

        var property = item.EnumerateObject().First();
        var here = $"{at}.{property.Name}";
        if (descriptor.Relations.TryGetValue(property.Name, out var relation))
        {
            if (relation.IsCollection)
            {
                throw Error(here, $"cannot order by the to-many relation '{property.Name}'");
            }

            return ParseKey(property.Value, relation.Target, [.. via, relation], here);
        }

        if (!descriptor.Fields.TryGetValue(property.Name, out var field))
        {
            throw Error(here, $"unknown field '{property.Name}'");
        }

        if (property.Value.ValueKind != JsonValueKind.String || !Directions.TryGetValue(property.Value.GetString()!, out var direction))
        {
            throw Error(here, $"expected one of {string.Join(", ", Directions.Keys)}");
        }

        return Resolve(field, direction) with { Path = via };
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
        where T : class => Build(keys.Select(k => Resolve(k.Field, k.Direction)), descriptor);

    public static OrderSpec Build<T>(IEnumerable<OrderKey> keys, QueryDescriptor<T> descriptor)
        where T : class
    {
        var list = keys.ToList();
        static bool IsId(OrderKey k, QueryDescriptor<T> d) => k.Path.Count == 0 && k.Field == d.Id;
        if (!list.Any(k => IsId(k, descriptor)))
        {
            // The id makes the order total; it follows the direction of the last key so (created_at desc, id desc)
            // matches a plain composite index.
            list.Add(new OrderKey(descriptor.Id, list.Count > 0 && list[^1].Descending, false));
        }
        else
        {
            // Keys after the (unique) id can never matter; dropping them keeps signatures canonical.
            list = list.TakeWhile(k => !IsId(k, descriptor)).Append(list.First(k => IsId(k, descriptor))).ToList();
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
