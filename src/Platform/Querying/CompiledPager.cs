using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Platform.Querying;

/// <summary>
/// <see cref="KeysetPager.PageAsync{T}"/> through EF Core compiled queries (<c>EF.CompileAsyncQuery</c>), one per query
/// shape. A shape is everything that changes the expression tree — the source variant, the filter's structure
/// (fields, operators, relations, <c>isNull</c> flags), the ordering, the direction, the page size, whether a cursor
/// is given and which of its keys are NULL (or which booleans they hold) — while the values (the caller's ids, filter
/// values, cursor keys) become the compiled query's parameters. A request whose shape was seen before therefore skips
/// building the LINQ tree, EF Core's parameter extraction and its query-cache lookup (hashing and comparing the whole
/// tree): the SQL, the plan and the materializer are exactly those the regular path produces.
/// </summary>
/// <remarks>
/// The tree of a new shape is built by the regular path (<see cref="KeysetPager.Plan{T}(IQueryable{T}, QueryDescriptor{T}, FilterNode?, OrderSpec, PageRequest, Func{Type, IQueryable}?)"/>)
/// from placeholder values — fresh objects that cannot be confused with anything else — and every place a placeholder
/// lands (a boxed value, a captured closure variable) becomes the lambda parameter of its slot. A shape whose tree
/// keeps anything request-specific that is not a slot (or that needs more parameters than EF Core's compiled queries
/// take) is remembered as not compilable and served by the regular path, as are shapes beyond the cache's capacity.
/// </remarks>
public sealed class CompiledPager<TContext, T>(QueryDescriptor<T> descriptor, int capacity = 512)
    where TContext : DbContext
    where T : class
{
    /// <summary>EF Core's compiled queries take at most 15 parameters besides the context; scalar ones 14 plus a token.</summary>
    private const int MaxParameters = 14;

    private readonly ConcurrentDictionary<string, Shape?> _shapes = new(StringComparer.Ordinal);

    /// <summary>Number of shapes seen (compiled or not), for tests.</summary>
    public int ShapeCount => _shapes.Count;

    /// <summary>Number of shapes served by compiled queries, for tests.</summary>
    public int CompiledCount => _shapes.Values.Count(s => s is not null);

    /// <summary>
    /// The page, like <see cref="KeysetPager.PageAsync{T}"/> over <c>source(sourceValues)</c>.
    /// <paramref name="sourceKey"/> names the variant of <paramref name="source"/> (what it builds apart from the
    /// values); <paramref name="sourceValues"/> (strings, booleans, timestamps or integers) must reach the tree only
    /// through closures or boxed values, never as constants.
    /// </summary>
    public async Task<Page<T>> PageAsync(TContext db, string sourceKey, IReadOnlyList<object> sourceValues, Func<IReadOnlyList<object>, IQueryable<T>> source,
        FilterNode? filter, OrderSpec order, PageRequest request, CancellationToken ct, Projection? projection = null)
    {
        var (backward, size) = KeysetPager.Direction(request);
        var cursorText = backward ? request.Before : request.After;
        var cursor = cursorText is null ? null : KeysetPager.DecodeCursor(order, cursorText, backward ? "before" : "after");
        var slots = new List<object>(8);
        var key = Describe(sourceKey, sourceValues, cursor, filter, order, backward, size, slots, null, out _, out _, out _);
        if (key is not null && projection is not null)
        {
            key = string.Concat(key, "|>", projection.Key);
        }

        Shape? shape = null;
        if (key is not null && !_shapes.TryGetValue(key, out shape) && _shapes.Count < capacity)
        {
            shape = Compile(db, key, sourceKey, sourceValues, source, cursor, filter, order, request, backward, size, projection);
            _shapes.TryAdd(key, shape);
        }

        if (shape is null)
        {
            return await KeysetPager.PageAsync(source(sourceValues), descriptor, filter, order, request, ct, KeysetPager.SetsOf(db));
        }

        var args = new object?[shape.Parameters.Length];
        for (var i = 0; i < args.Length; i++)
        {
            var parameter = shape.Parameters[i];
            args[i] = parameter.Convert(slots[parameter.Slot]);
        }

        List<T> rows;
        List<object?[]>? related = null;
        if (shape.KeyedRows is { } keyedRows)
        {
            rows = new List<T>(size + 1);
            related = new List<object?[]>(size + 1);
            await foreach (var row in keyedRows(db, args).WithCancellation(ct))
            {
                rows.Add(row.Item);
                related.Add(row.Keys);
            }
        }
        else
        {
            rows = new List<T>(size + 1);
            await foreach (var row in shape.Rows!(db, args).WithCancellation(ct))
            {
                rows.Add(row);
            }
        }

        var across = shape.Across is not null && await shape.Across(db, args, ct);
        var total = request.IncludeTotal ? await shape.Count(db, args, ct) : (long?)null;
        return KeysetPager.Finish(rows, related, size, backward, across, total, order);
    }

    /// <summary>
    /// The shape key, collecting the slot values in a fixed order; with <paramref name="placeholders"/> the same walk
    /// also replaces every slot value by a fresh placeholder and rebuilds the inputs from them. Null: a value of a type
    /// this does not parameterize.
    /// </summary>
    private static string? Describe(string sourceKey, IReadOnlyList<object> sourceValues, IReadOnlyList<object?>? cursor, FilterNode? filter, OrderSpec order, bool backward,
        int size, List<object> slots, List<object>? placeholders, out IReadOnlyList<object> sourceOut, out IReadOnlyList<object?>? cursorOut, out FilterNode? filterOut)
    {
        var key = new StringBuilder(128);
        key.Append(sourceKey).Append('|').Append(order.Signature).Append('|').Append(backward ? 'b' : 'f').Append(size.ToString(CultureInfo.InvariantCulture)).Append('|');
        var ok = true;
        var source = new object[sourceValues.Count];
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = Slot(sourceValues[i], key, slots, placeholders, ref ok);
        }

        sourceOut = source;
        cursorOut = null;
        if (cursor is null)
        {
            key.Append("|-");
        }
        else
        {
            key.Append("|c");
            var values = new object?[cursor.Count];
            for (var i = 0; i < values.Length; i++)
            {
                if (cursor[i] is { } value)
                {
                    values[i] = Slot(value, key, slots, placeholders, ref ok);
                }
                else
                {
                    // Structural: a NULL key value builds a different predicate.
                    key.Append('n');
                }
            }

            cursorOut = values;
        }

        key.Append('|');
        filterOut = filter is null ? null : Walk(filter, key, slots, placeholders, ref ok);
        return ok ? key.ToString() : null;
    }

    private static FilterNode Walk(FilterNode node, StringBuilder key, List<object> slots, List<object>? placeholders, ref bool ok)
    {
        switch (node)
        {
            case AndFilter and:
                key.Append("&(");
                var andItems = WalkItems(and.Items, key, slots, placeholders, ref ok);
                key.Append(')');
                return andItems is null ? node : new AndFilter(andItems);
            case OrFilter or:
                key.Append("|(");
                var orItems = WalkItems(or.Items, key, slots, placeholders, ref ok);
                key.Append(')');
                return orItems is null ? node : new OrFilter(orItems);
            case NotFilter not:
                key.Append("!(");
                var inner = Walk(not.Inner, key, slots, placeholders, ref ok);
                key.Append(')');
                return placeholders is null ? node : new NotFilter(inner);
            case RelationFilter relation:
                key.Append('@').Append(relation.Relation.Name).Append(':').Append((int)relation.Quantifier).Append('(');
                var related = Walk(relation.Inner, key, slots, placeholders, ref ok);
                key.Append(')');
                return placeholders is null ? node : relation with { Inner = related };
            case FieldFilter field:
                key.Append('.').Append(field.Field.Name).Append(':').Append((int)field.Operator);
                if (field.Operator == FilterOperator.IsNull)
                {
                    // Structural: isNull true and false build different trees.
                    key.Append((bool)field.Value ? "t" : "f");
                    return node;
                }

                var value = Slot(field.Value, key, slots, placeholders, ref ok);
                return placeholders is null ? node : field with { Value = value };
            default:
                ok = false;
                return node;
        }
    }

    private static List<FilterNode>? WalkItems(IReadOnlyList<FilterNode> items, StringBuilder key, List<object> slots, List<object>? placeholders, ref bool ok)
    {
        var rebuilt = placeholders is null ? null : new List<FilterNode>(items.Count);
        foreach (var item in items)
        {
            var walked = Walk(item, key, slots, placeholders, ref ok);
            rebuilt?.Add(walked);
            key.Append(',');
        }

        return rebuilt;
    }

    /// <summary>Records one value as a slot; returns its placeholder when building a shape, else the value itself.</summary>
    private static object Slot(object value, StringBuilder key, List<object> slots, List<object>? placeholders, ref bool ok)
    {
        var slot = slots.Count;
        slots.Add(value);
        object placeholder;
        switch (value)
        {
            case string:
                key.Append('s');
                placeholder = string.Concat("\u0001slot", slot.ToString(CultureInfo.InvariantCulture));
                break;
            case bool b:
                // Booleans also shape trees (cursor keys on boolean fields), so their value is part of the key.
                key.Append(b ? "b1" : "b0");
                placeholder = b;
                break;
            case DateTimeOffset ts:
                key.Append('t');
                placeholder = ts;
                break;
            case long n:
                key.Append('l');
                placeholder = n;
                break;
            case IReadOnlyList<object> list:
                key.Append('L');
                placeholder = new List<object>(list);
                break;
            default:
                ok = false;
                placeholder = value;
                break;
        }

        if (placeholders is null)
        {
            return value;
        }

        placeholders.Add(placeholder);
        return placeholder;
    }

    /// <summary>Builds and compiles a shape's queries; null when the tree cannot be fully parameterized.</summary>
    private Shape? Compile(TContext db, string key, string sourceKey, IReadOnlyList<object> sourceValues, Func<IReadOnlyList<object>, IQueryable<T>> source,
        IReadOnlyList<object?>? cursor, FilterNode? filter, OrderSpec order, PageRequest request, bool backward, int size, Projection? projection)
    {
        var slots = new List<object>(8);
        var placeholders = new List<object>(8);
        var again = Describe(sourceKey, sourceValues, cursor, filter, order, backward, size, slots, placeholders, out var sourceP, out var cursorP, out var filterP);
        if (projection is not null)
        {
            again = string.Concat(again, "|>", projection.Key);
        }

        if (again != key)
        {
            return null;
        }

        var bySlot = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < placeholders.Count; i++)
        {
            bySlot[placeholders[i]] = i;
        }

        var context = Expression.Parameter(typeof(TContext), "db");
        var parameters = new List<(ParameterExpression Expression, Parameter Parameter)>();
        var byUse = new Dictionary<(int, Type, bool), ParameterExpression>();
        Expression? Bind(object value, Type type, bool lower)
        {
            if (!bySlot.TryGetValue(value, out var slot))
            {
                return null;
            }

            if (!byUse.TryGetValue((slot, type, lower), out var parameter))
            {
                parameter = Expression.Parameter(type, "p" + parameters.Count.ToString(CultureInfo.InvariantCulture));
                byUse[(slot, type, lower)] = parameter;
                parameters.Add((parameter, new Parameter(slot, Converter(type, lower))));
            }

            return parameter;
        }

        KeysetPager.QueryPlan<T> plan;
        Expression rows;
        var keyed = order.Keys.Any(k => k.Path.Count > 0);
        var previous = ExpressionBuilder.t_binder;
        ExpressionBuilder.t_binder = Bind;
        try
        {
            var sets = KeysetPager.SetsOf(db);
            plan = KeysetPager.Plan(source(sourceP), descriptor, filterP, order, request, cursorP, sets);
            rows = keyed ? plan.Query.Select(KeysetPager.RelatedKeys<T>(order, sets)).Expression
                : projection is not null && Project(projection, order) is { } select ? plan.Query.Select(select).Expression
                : plan.Query.Expression;
        }
        finally
        {
            ExpressionBuilder.t_binder = previous;
        }

        var rewriter = new Parameterizer(context, (value, type) => Bind(value, type, false));
        rows = rewriter.Visit(rows);
        var across = plan.Across is null ? null : rewriter.Visit(Expression.Call(typeof(Queryable), nameof(Queryable.Any), [typeof(T)], plan.Across.Expression));
        var count = rewriter.Visit(Expression.Call(typeof(Queryable), nameof(Queryable.LongCount), [typeof(T)], plan.Filtered.Expression));
        if (rewriter.Failed || parameters.Count > MaxParameters)
        {
            return null;
        }

        var lambdaParameters = parameters.Select(p => p.Expression).ToArray();
        return new Shape
        {
            Parameters = parameters.Select(p => p.Parameter).ToArray(),
            Rows = keyed ? null : Enumerable<T>(context, lambdaParameters, rows),
            KeyedRows = keyed ? Enumerable<KeysetPager.Keyed<T>>(context, lambdaParameters, rows) : null,
            Across = across is null ? null : Scalar<bool>(context, lambdaParameters, across),
            Count = Scalar<long>(context, lambdaParameters, count),
        };
    }

    /// <summary>
    /// <c>x =&gt; new T { P = x.P, … }</c> for the projection's properties plus the order's own keys (cursors read
    /// them); null when a property is missing or not settable.
    /// </summary>
    private static Expression<Func<T, T>>? Project(Projection projection, OrderSpec order)
    {
        if (typeof(T).GetConstructor(Type.EmptyTypes) is null)
        {
            return null;
        }

        var members = new List<PropertyInfo>();
        foreach (var name in projection.Properties)
        {
            if (typeof(T).GetProperty(name) is not { CanRead: true, CanWrite: true } property)
            {
                return null;
            }

            members.Add(property);
        }

        foreach (var orderKey in order.Keys)
        {
            if (orderKey.Field.Property.Body is not MemberExpression { Member: PropertyInfo { CanWrite: true } property } || property.DeclaringType != typeof(T))
            {
                return null;
            }

            members.Add(property);
        }

        var x = Expression.Parameter(typeof(T), "x");
        return Expression.Lambda<Func<T, T>>(
            Expression.MemberInit(Expression.New(typeof(T)), members.Distinct().Select(p => Expression.Bind(p, Expression.Property(x, p)))),
            x);
    }

    private static readonly MethodInfo[] CompileAsyncQuery = typeof(EF).GetMethods(BindingFlags.Public | BindingFlags.Static)
        .Where(m => m.Name == nameof(EF.CompileAsyncQuery)).ToArray();

    /// <summary><c>(db, args) =&gt; compiled(db, (P1)args[0], …)</c> over <c>EF.CompileAsyncQuery</c> of an <c>IQueryable&lt;R&gt;</c> body.</summary>
    private static Func<TContext, object?[], IAsyncEnumerable<TRow>> Enumerable<TRow>(ParameterExpression context, ParameterExpression[] parameters, Expression body)
    {
        var lambda = Expression.Lambda(
            Expression.GetFuncType([typeof(TContext), .. parameters.Select(p => p.Type), typeof(IQueryable<TRow>)]),
            body.Type == typeof(IQueryable<TRow>) ? body : Expression.Convert(body, typeof(IQueryable<TRow>)),
            [context, .. parameters]);
        var method = CompileAsyncQuery.Single(m =>
        {
            var func = m.GetParameters()[0].ParameterType.GetGenericArguments()[0];
            var args = func.GetGenericArguments();
            return m.GetGenericArguments().Length == parameters.Length + 2 && args.Length == parameters.Length + 2
                && args[^1].IsGenericType && args[^1].GetGenericTypeDefinition() == typeof(IQueryable<>);
        }).MakeGenericMethod([typeof(TContext), .. parameters.Select(p => p.Type), typeof(TRow)]);
        return Wrap<Func<TContext, object?[], IAsyncEnumerable<TRow>>>((Delegate)method.Invoke(null, [lambda])!, context, parameters, withToken: false);
    }

    /// <summary>Like <see cref="Enumerable{TRow}"/> for a scalar body (<c>Any</c>, <c>LongCount</c>), with a cancellation token.</summary>
    private static Func<TContext, object?[], CancellationToken, Task<TResult>> Scalar<TResult>(ParameterExpression context, ParameterExpression[] parameters, Expression body)
    {
        var token = Expression.Parameter(typeof(CancellationToken), "ct");
        var lambda = Expression.Lambda(
            Expression.GetFuncType([typeof(TContext), .. parameters.Select(p => p.Type), typeof(CancellationToken), typeof(TResult)]),
            body,
            [context, .. parameters, token]);
        var method = CompileAsyncQuery.Single(m =>
        {
            var func = m.GetParameters()[0].ParameterType.GetGenericArguments()[0];
            var args = func.GetGenericArguments();
            return m.GetGenericArguments().Length == parameters.Length + 2 && args.Length == parameters.Length + 3 && args[^2] == typeof(CancellationToken);
        }).MakeGenericMethod([typeof(TContext), .. parameters.Select(p => p.Type), typeof(TResult)]);
        return Wrap<Func<TContext, object?[], CancellationToken, Task<TResult>>>((Delegate)method.Invoke(null, [lambda])!, context, parameters, withToken: true);
    }

    private static TDelegate Wrap<TDelegate>(Delegate compiled, ParameterExpression context, ParameterExpression[] parameters, bool withToken)
        where TDelegate : Delegate
    {
        var db = Expression.Parameter(typeof(TContext), "db");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var token = Expression.Parameter(typeof(CancellationToken), "ct");
        IEnumerable<Expression> arguments = parameters.Select((p, i) => (Expression)Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.Type));
        arguments = withToken ? [db, .. arguments, token] : [db, .. arguments];
        var call = Expression.Invoke(Expression.Constant(compiled), arguments);
        return Expression.Lambda<TDelegate>(call, withToken ? [db, args, token] : [db, args]).Compile();
    }

    /// <summary>How a slot's request value becomes the parameter's value (int narrowing, lower-casing, typed lists).</summary>
    private static Func<object, object?> Converter(Type type, bool lower)
    {
        if (lower)
        {
            return v => ((string)v).ToLowerInvariant();
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var element = type.GetGenericArguments()[0];
            return v =>
            {
                var list = (IList)Activator.CreateInstance(type)!;
                foreach (var item in (IReadOnlyList<object>)v)
                {
                    list.Add(element == typeof(int) && item is long l ? checked((int)l) : item);
                }

                return list;
            };
        }

        if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(int))
        {
            return v => v is long l ? checked((int)l) : v;
        }

        return static v => v;
    }

    private sealed record Parameter(int Slot, Func<object, object?> Convert);

    private sealed class Shape
    {
        public required Parameter[] Parameters { get; init; }

        public Func<TContext, object?[], IAsyncEnumerable<T>>? Rows { get; init; }

        public Func<TContext, object?[], IAsyncEnumerable<KeysetPager.Keyed<T>>>? KeyedRows { get; init; }

        public Func<TContext, object?[], CancellationToken, Task<bool>>? Across { get; init; }

        public required Func<TContext, object?[], CancellationToken, Task<long>> Count { get; init; }
    }

    /// <summary>
    /// Turns what the regular path leaves for EF Core's parameter extraction into the compiled query's own terms:
    /// captured placeholders become slot parameters, a captured context becomes the context parameter, captured
    /// queries (sets, visibility subqueries) are inlined. Anything else captured would be frozen into the compiled
    /// query, so it marks the shape as not compilable.
    /// </summary>
    private sealed class Parameterizer(ParameterExpression context, Func<object, Type, Expression?> bind) : ExpressionVisitor
    {
        public bool Failed { get; private set; }

        protected override Expression VisitMember(MemberExpression node)
        {
            if (node.Expression is not ConstantExpression { Value: { } holder })
            {
                return base.VisitMember(node);
            }

            var value = node.Member switch
            {
                FieldInfo field => field.GetValue(holder),
                PropertyInfo property => property.GetValue(holder),
                _ => null,
            };
            switch (value)
            {
                case TContext when node.Type.IsAssignableFrom(typeof(TContext)):
                    return node.Type == typeof(TContext) ? context : Expression.Convert(context, node.Type);
                case IQueryable query:
                    return Visit(query.Expression);
                case not null when bind(value, node.Type) is { } parameter:
                    return parameter;
                default:
                    Failed = true;
                    return node;
            }
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            // Literal constants (null, true, role names) are fine; a placeholder or a context here would be frozen.
            if (node.Value is DbContext || (node.Value is { } value && bind(value, node.Type) is not null))
            {
                Failed = true;
            }

            return node;
        }
    }
}

/// <summary>
/// The entity properties a caller reads from a page's rows (e.g. the columns a GraphQL selection asks for): compiled
/// pages then select only those (and the order's keys) into otherwise default entities, instead of every column.
/// </summary>
public sealed class Projection
{
    public Projection(IEnumerable<string> properties)
    {
        Properties = properties.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        Key = string.Join(',', Properties);
    }

    public IReadOnlyList<string> Properties { get; }

    /// <summary>Canonical text of the property set (part of the compiled shape's key).</summary>
    public string Key { get; }
}
