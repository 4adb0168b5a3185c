using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Platform.Querying;

/// <summary>
/// Paging arguments: <c>first/after</c> walks forward, <c>last/before</c> walks backward (the two directions cannot
/// be mixed). <see cref="IncludeTotal"/> adds a COUNT over the filtered rows.
/// </summary>
public sealed record PageRequest
{
    public int? First { get; init; }
    public string? After { get; init; }
    public int? Last { get; init; }
    public string? Before { get; init; }
    public bool IncludeTotal { get; init; }

    /// <summary>Page size when neither <see cref="First"/> nor <see cref="Last"/> is given.</summary>
    public int DefaultSize { get; init; } = 100;
}

public sealed record Page<T>(IReadOnlyList<T> Items, bool HasNextPage, bool HasPreviousPage, string? StartCursor, string? EndCursor, long? Total)
{
    /// <summary>Cursor of each item, in order (same encoding as start/end cursors).</summary>
    public IReadOnlyList<string> Cursors { get; init; } = [];
}

/// <summary>
/// Filtering, ordering and keyset paging over an <see cref="IQueryable{T}"/> as one translated query. Cursors are
/// opaque base64url JSON <c>{"o": order signature, "k": [sort key values…, id]}</c> and only valid for the ordering
/// they were made with.
/// </summary>
public static class KeysetPager
{
    private static readonly MethodInfo OrderByMethod = QueryableMethod(nameof(Queryable.OrderBy));
    private static readonly MethodInfo OrderByDescendingMethod = QueryableMethod(nameof(Queryable.OrderByDescending));
    private static readonly MethodInfo ThenByMethod = QueryableMethod(nameof(Queryable.ThenBy));
    private static readonly MethodInfo ThenByDescendingMethod = QueryableMethod(nameof(Queryable.ThenByDescending));

    /// <summary>Runs the page query (and, when asked, the count and the neighbour checks).</summary>
    public static async Task<Page<T>> PageAsync<T>(IQueryable<T> source, QueryDescriptor<T> descriptor, FilterNode? filter, OrderSpec order, PageRequest request, CancellationToken ct = default,
        Func<Type, IQueryable>? sources = null)
        where T : class
    {
        var plan = Plan(source, descriptor, filter, order, request, sources);
        List<T> rows;
        List<object?[]>? related = null;
        if (order.Keys.Any(k => k.Path.Count > 0))
        {
            // Related sort keys are not on the entity: the same query also selects them, for the cursors.
            var keyed = await plan.Query.Select(RelatedKeys<T>(order, sources)).ToListAsync(ct);
            rows = keyed.ConvertAll(k => k.Item);
            related = keyed.ConvertAll(k => k.Keys);
        }
        else
        {
            rows = await plan.Query.ToListAsync(ct);
        }

        // Across the cursor: rows exist on the other side iff some row sorts before-or-at it (the cursor row itself
        // counts while it still matches).
        var across = plan.Across is null ? false : await plan.Across.AnyAsync(ct);
        var total = request.IncludeTotal ? await plan.Filtered.LongCountAsync(ct) : (long?)null;
        return Finish(rows, related, plan.Size, plan.Backward, across, total, order);
    }

    /// <summary>The page from the fetched rows (one more than the page size when more follow, in fetch order).</summary>
    internal static Page<T> Finish<T>(List<T> rows, List<object?[]>? related, int size, bool backward, bool across, long? total, OrderSpec order)
        where T : class
    {
        var more = rows.Count > size;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
            related?.RemoveAt(related.Count - 1);
        }

        if (backward)
        {
            rows.Reverse();
            related?.Reverse();
        }

        // Encoded on demand: a page usually needs only its start and end cursors (edges ask for the rest).
        var cursors = new CursorList(rows.Count, i => EncodeKeys(order, KeyValues(order, rows[i], related?[i])));
        return new Page<T>(
            rows,
            HasNextPage: backward ? across : more,
            HasPreviousPage: backward ? more : across,
            StartCursor: cursors.Count > 0 ? cursors[0] : null,
            EndCursor: cursors.Count > 0 ? cursors[^1] : null,
            Total: total)
        { Cursors = cursors };
    }

    /// <summary>Cursors of a page's rows, each encoded at most once, when first read.</summary>
    private sealed class CursorList(int count, Func<int, string> encode) : IReadOnlyList<string>
    {
        private readonly string?[] _cursors = new string?[count];

        public int Count => count;

        public string this[int index] => _cursors[index] ??= encode(index);

        public IEnumerator<string> GetEnumerator()
        {
            for (var i = 0; i < count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>A row with the values of its related sort keys (in the order's key order, own-field keys skipped).</summary>
    public sealed class Keyed<T>
    {
        public required T Item { get; init; }

        public required object?[] Keys { get; init; }
    }

    internal static Expression<Func<T, Keyed<T>>> RelatedKeys<T>(OrderSpec order, Func<Type, IQueryable>? sources)
    {
        var x = Expression.Parameter(typeof(T), "x");
        var values = order.Keys.Where(k => k.Path.Count > 0).Select(k => Expression.Convert(k.Access(x, sources), typeof(object)));
        return Expression.Lambda<Func<T, Keyed<T>>>(
            Expression.MemberInit(
                Expression.New(typeof(Keyed<T>)),
                Expression.Bind(typeof(Keyed<T>).GetProperty(nameof(Keyed<T>.Item))!, x),
                Expression.Bind(typeof(Keyed<T>).GetProperty(nameof(Keyed<T>.Keys))!, Expression.NewArrayInit(typeof(object), values))),
            x);
    }

    private static List<object?> KeyValues<T>(OrderSpec order, T item, object?[]? related)
        where T : class
    {
        var values = new List<object?>(order.Keys.Count);
        var j = 0;
        foreach (var key in order.Keys)
        {
            values.Add(key.Path.Count == 0 ? key.Field.Read(item) : related![j++]);
        }

        return values;
    }

    /// <summary>The queries <see cref="PageAsync"/> runs, exposed for plan inspection (<c>ToQueryString</c>).</summary>
    public sealed record QueryPlan<T>(IQueryable<T> Query, IQueryable<T> Filtered, IQueryable<T>? Across, int Size, bool Backward);

    /// <summary>Related-row sources for relation filters: <c>db.Set&lt;TRel&gt;()</c> for each requested type.</summary>
    public static Func<Type, IQueryable> SetsOf(DbContext db) => type =>
        (IQueryable)SetMethod.MakeGenericMethod(type).Invoke(db, null)!;

    private static readonly MethodInfo SetMethod = typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!;

    public static QueryPlan<T> Plan<T>(IQueryable<T> source, QueryDescriptor<T> descriptor, FilterNode? filter, OrderSpec order, PageRequest request,
        Func<Type, IQueryable>? sources = null)
        where T : class
    {
        var (backward, _) = Direction(request);
        var cursorText = backward ? request.Before : request.After;
        var cursor = cursorText is null ? null : DecodeCursor(order, cursorText, backward ? "before" : "after");
        return Plan(source, descriptor, filter, order, request, cursor, sources);
    }

    /// <summary>Whether the request walks backward, and its page size; mixed directions or negative sizes are errors.</summary>
    internal static (bool Backward, int Size) Direction(PageRequest request)
    {
        var backward = request.Last is not null || request.Before is not null;
        if (backward && (request.First is not null || request.After is not null))
        {
            throw new QueryException(QueryErrorCodes.InvalidArgument, "first/after cannot be combined with last/before");
        }

        var size = (backward ? request.Last : request.First) ?? request.DefaultSize;
        if (size < 0)
        {
            throw new QueryException(QueryErrorCodes.InvalidArgument, $"{(backward ? "last" : "first")}: must not be negative");
        }

        return (backward, size);
    }

    /// <summary><see cref="Plan{T}(IQueryable{T}, QueryDescriptor{T}, FilterNode?, OrderSpec, PageRequest, Func{Type, IQueryable}?)"/> with the cursor already decoded (null: none).</summary>
    internal static QueryPlan<T> Plan<T>(IQueryable<T> source, QueryDescriptor<T> descriptor, FilterNode? filter, OrderSpec order, PageRequest request,
        IReadOnlyList<object?>? values, Func<Type, IQueryable>? sources)
        where T : class
    {
        var (backward, size) = Direction(request);
        var filtered = filter is null ? source : source.Where(ExpressionBuilder.Filter<T>(filter, sources));
        var effective = backward ? order.Reversed() : order;
        var query = filtered;
        IQueryable<T>? across = null;
        if (values is not null)
        {
            query = query.Where(AfterPredicate<T>(effective, values, sources));
            var id = Expression.Parameter(typeof(T), "x");
            var atCursor = Expression.Lambda<Func<T, bool>>(
                Expression.OrElse(
                    AfterPredicate<T>(effective.Reversed(), values, sources).Body.Rebind(id),
                    Expression.Equal(descriptor.Id.Access(id), ExpressionBuilder.Value(values[^1]!, typeof(string)))),
                id);
            across = filtered.Where(atCursor);
        }

        return new QueryPlan<T>(ApplyOrder(query, effective, sources).Take(size + 1), filtered, across, size, backward);
    }

    /// <summary>ORDER BY for the keys; nullable keys first sort by <c>x.P == null</c> to place NULLs explicitly.</summary>
    public static IQueryable<T> ApplyOrder<T>(IQueryable<T> query, OrderSpec order, Func<Type, IQueryable>? sources = null)
    {
        var x = Expression.Parameter(typeof(T), "x");
        var first = true;
        foreach (var key in order.Keys)
        {
            var p = key.Access(x, sources);
            if (key.Nullable)
            {
                query = Order(query, Expression.Lambda(ExpressionBuilder.IsNull(p), x), descending: key.NullsFirst, first);
                first = false;
            }

            query = Order(query, Expression.Lambda(p, x), key.Descending, first);
            first = false;
        }

        return query;
    }

    /// <summary>
    /// Rows strictly after the cursor in <paramref name="order"/>: OR over i of (keys before i equal AND key i after),
    /// with NULL handled per placement. A leading non-nullable key also gets a redundant range bound so the index
    /// can seek.
    /// </summary>
    public static Expression<Func<T, bool>> AfterPredicate<T>(OrderSpec order, IReadOnlyList<object?> values, Func<Type, IQueryable>? sources = null)
    {
        var x = Expression.Parameter(typeof(T), "x");
        var terms = new List<Expression>();
        var equalSoFar = new List<Expression>();
        for (var i = 0; i < order.Keys.Count; i++)
        {
            var key = order.Keys[i];
            var p = key.Access(x, sources);
            var v = values[i];
            var after = After(key, p, v);
            if (after is not null)
            {
                terms.Add(equalSoFar.Append(after).Aggregate(Expression.AndAlso));
            }

            equalSoFar.Add(v is null ? ExpressionBuilder.IsNull(p) : Expression.Equal(p, ExpressionBuilder.Value(v, p.Type)));
        }

        Expression body = terms.Count == 0 ? Expression.Constant(false) : terms.Aggregate(Expression.OrElse);
        var lead = order.Keys[0];
        if (!lead.Nullable && lead.Path.Count == 0 && lead.Field.Kind != FieldKind.Boolean && values[0] is { } v0 && order.Keys.Count > 1)
        {
            var p = lead.Field.Access(x);
            body = Expression.AndAlso(
                ExpressionBuilder.Compare(p, ExpressionBuilder.Value(v0, p.Type), lead.Descending ? ExpressionType.LessThanOrEqual : ExpressionType.GreaterThanOrEqual),
                body);
        }

        return Expression.Lambda<Func<T, bool>>(body, x);
    }

    private static Expression? After(OrderKey key, Expression p, object? v)
    {
        if (v is null)
        {
            // NULLs first: every non-NULL follows; NULLs last: nothing follows within this key.
            return key.NullsFirst ? ExpressionBuilder.NotNull(p) : null;
        }

        var strict = ExpressionBuilder.Compare(p, ExpressionBuilder.Value(v, p.Type), key.Descending ? ExpressionType.LessThan : ExpressionType.GreaterThan);
        if (key.Field.Kind == FieldKind.Boolean && ((bool)v ? !key.Descending : key.Descending))
        {
            strict = Expression.Constant(false);
        }

        if (key.Nullable)
        {
            strict = Expression.AndAlso(ExpressionBuilder.NotNull(p), strict);
            if (!key.NullsFirst)
            {
                strict = Expression.OrElse(strict, ExpressionBuilder.IsNull(p));
            }
        }

        return strict;
    }

    /// <summary>Cursor of an item for an ordering of its own fields only (related keys need the selected values).</summary>
    public static string EncodeCursor<T>(OrderSpec order, T item)
        where T : class => EncodeKeys(order, KeyValues(order, item, null));

    /// <summary>Cursor from the values of every key of <paramref name="order"/>, in order.</summary>
    public static string EncodeKeys(OrderSpec order, IReadOnlyList<object?> values)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("o", order.Signature);
            json.WriteStartArray("k");
            foreach (var value in values)
            {
                switch (value)
                {
                    case null:
                        json.WriteNullValue();
                        break;
                    case DateTimeOffset ts:
                        json.WriteNumberValue(ts.UtcTicks);
                        break;
                    case string text:
                        json.WriteStringValue(text);
                        break;
                    case bool b:
                        json.WriteBooleanValue(b);
                        break;
                    case int n:
                        json.WriteNumberValue((long)n);
                        break;
                    case long n:
                        json.WriteNumberValue(n);
                        break;
                    default:
                        throw new InvalidOperationException($"Cannot write {value.GetType().Name} into a cursor");
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Base64Url.EncodeToString(buffer.WrittenSpan);
    }

    /// <summary>The key values of a cursor made for <paramref name="order"/>; anything else is <c>invalid_cursor</c>.</summary>
    public static IReadOnlyList<object?> DecodeCursor(OrderSpec order, string cursor, string path)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(cursor));
            root = doc.RootElement.Clone();
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            throw Invalid(path, "malformed cursor");
        }

        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("o", out var signature) || signature.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("k", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(path, "malformed cursor");
        }

        if (signature.GetString() != order.Signature)
        {
            throw Invalid(path, "cursor was made for a different orderBy");
        }

        if (keys.GetArrayLength() != order.Keys.Count)
        {
            throw Invalid(path, "malformed cursor");
        }

        var values = new List<object?>();
        var i = 0;
        foreach (var item in keys.EnumerateArray())
        {
            var key = order.Keys[i++];
            var field = key.Field;
            if (item.ValueKind == JsonValueKind.Null)
            {
                values.Add(key.Nullable ? null : throw Invalid(path, "malformed cursor"));
                continue;
            }

            values.Add(field.Kind switch
            {
                FieldKind.String or FieldKind.Enum when item.ValueKind == JsonValueKind.String => item.GetString(),
                FieldKind.Boolean when item.ValueKind is JsonValueKind.True or JsonValueKind.False => item.GetBoolean(),
                FieldKind.Timestamp when item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var ticks)
                    && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks => new DateTimeOffset(ticks, TimeSpan.Zero),
                FieldKind.Integer when item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var n) => n,
                _ => throw Invalid(path, "malformed cursor"),
            });
        }

        return values;
    }

    private static QueryException Invalid(string path, string message) =>
        new(QueryErrorCodes.InvalidCursor, string.Create(CultureInfo.InvariantCulture, $"{path}: {message}"));

    private static IQueryable<T> Order<T>(IQueryable<T> query, LambdaExpression key, bool descending, bool first)
    {
        var method = (first, descending) switch
        {
            (true, false) => OrderByMethod,
            (true, true) => OrderByDescendingMethod,
            (false, false) => ThenByMethod,
            _ => ThenByDescendingMethod,
        };
        return (IQueryable<T>)method.MakeGenericMethod(typeof(T), key.ReturnType)
            .Invoke(null, [query, key])!;
    }

    private static MethodInfo QueryableMethod(string name) =>
        typeof(Queryable).GetMethods().Single(m => m.Name == name && m.GetParameters().Length == 2);

    private static Expression Rebind(this Expression body, ParameterExpression to) => new Rebinder(to).Visit(body);

    private sealed class Rebinder(ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node.Type == to.Type ? to : node;
    }
}
