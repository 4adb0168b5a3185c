using System.Linq.Expressions;
using System.Reflection;

namespace CrowNest.Platform.Querying;

/// <summary>
/// Turns filters, orderings and keyset bounds into expression trees EF Core translates to one SQL query. Values are
/// wrapped in <see cref="Box{T}"/> members so EF sends them as parameters (stable SQL, plan cache friendly).
/// The same trees also run under LINQ-to-objects with identical two-valued semantics (NULL-guarded operators).
/// </summary>
public static class ExpressionBuilder
{
    private static readonly MethodInfo StringContains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo StringStartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
    private static readonly MethodInfo StringEndsWith = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!;
    private static readonly MethodInfo StringToLower = typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!;
    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo EnumerableContains = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2);

    /// <summary>
    /// While a compiled query is being built (<see cref="KeysetPager"/>'s compiled path), maps a value to the lambda
    /// parameter that carries it: (value, parameter type, lower-cased) → the parameter, or null to box it as usual.
    /// </summary>
    [ThreadStatic]
    internal static Func<object, Type, bool, Expression?>? t_binder;

    /// <summary>Holder whose <see cref="Value"/> EF Core turns into a query parameter.</summary>
    public sealed class Box<TValue>(TValue value)
    {
        public TValue Value { get; } = value;
    }

    /// <summary>
    /// The filter as a predicate. <paramref name="sources"/> supplies the rows of related entity types (e.g. a
    /// DbContext's sets, see <see cref="KeysetPager.SetsOf"/>); it is only needed when the filter traverses relations.
    /// </summary>
    public static Expression<Func<T, bool>> Filter<T>(FilterNode node, Func<Type, IQueryable>? sources = null)
    {
        var x = Expression.Parameter(typeof(T), "x");
        return Expression.Lambda<Func<T, bool>>(Build(node, x, sources), x);
    }

    private static Expression Build(FilterNode node, ParameterExpression x, Func<Type, IQueryable>? sources) => node switch
    {
        AndFilter and => and.Items.Count == 0 ? Expression.Constant(true) : and.Items.Select(i => Build(i, x, sources)).Aggregate(Expression.AndAlso),
        OrFilter or => or.Items.Count == 0 ? Expression.Constant(false) : or.Items.Select(i => Build(i, x, sources)).Aggregate(Expression.OrElse),
        NotFilter not => Expression.Not(Build(not.Inner, x, sources)),
        FieldFilter f => Field(f, f.Field.Access(x)),
        RelationFilter r => Relation(r, x, sources),
        _ => throw new InvalidOperationException($"Unknown filter node {node.GetType().Name}"),
    };

    /// <summary><c>EXISTS (related WHERE join AND inner)</c>; every = NOT EXISTS (join AND NOT inner); none = NOT EXISTS (join AND inner).</summary>
    private static Expression Relation(RelationFilter filter, ParameterExpression x, Func<Type, IQueryable>? sources)
    {
        var relation = filter.Relation;
        var type = relation.Target.EntityType;
        var source = sources?.Invoke(type)
            ?? throw new QueryException(QueryErrorCodes.InvalidFilter, $"filter.{relation.Name}: relation filters are not available here");
        var r = Expression.Parameter(type, "r");
        var join = new Replacer(relation.Join.Parameters[0], x).Visit(new Replacer(relation.Join.Parameters[1], r).Visit(relation.Join.Body));
        var inner = Build(filter.Inner, r, sources);
        if (filter.Quantifier == RelationQuantifier.Every)
        {
            inner = Expression.Not(inner);
        }

        var queryableType = typeof(IQueryable<>).MakeGenericType(type);
        // Boxed like values, so EF Core inlines the set as a subquery root instead of a constant.
        var box = Activator.CreateInstance(typeof(Box<>).MakeGenericType(queryableType), source)!;
        var any = Expression.Call(typeof(Queryable), nameof(Queryable.Any), [type],
            Expression.Property(Expression.Constant(box), "Value"),
            Expression.Quote(Expression.Lambda(Expression.AndAlso(join, inner), r)));
        return filter.Quantifier == RelationQuantifier.Some ? any : Expression.Not(any);
    }

    /// <summary>
    /// The value of <paramref name="field"/> on the row reached from <paramref name="x"/> through the to-one
    /// <paramref name="path"/>: <c>(SELECT r.field FROM related r WHERE join(x, r) LIMIT 1)</c>, typed nullable for
    /// value types because a missing related row reads as NULL.
    /// </summary>
    internal static Expression Related(Expression x, IReadOnlyList<RelationDescriptor> path, FieldDescriptor field, Func<Type, IQueryable>? sources, string name)
    {
        var relation = path[0];
        var type = relation.Target.EntityType;
        var source = sources?.Invoke(type)
            ?? throw new QueryException(QueryErrorCodes.InvalidOrderBy, $"orderBy.{name}: ordering by related fields is not available here");
        var r = Expression.Parameter(type, "r");
        var join = new Replacer(relation.Join.Parameters[1], r).Visit(relation.Join.Body);
        join = new Replacer(relation.Join.Parameters[0], x).Visit(join);
        var value = path.Count == 1 ? new Replacer(field.Property.Parameters[0], r).Visit(field.Property.Body) : Related(r, path.Skip(1).ToList(), field, sources, name);
        var resultType = value.Type.IsValueType && Nullable.GetUnderlyingType(value.Type) is null ? typeof(Nullable<>).MakeGenericType(value.Type) : value.Type;
        if (resultType != value.Type)
        {
            value = Expression.Convert(value, resultType);
        }

        var queryableType = typeof(IQueryable<>).MakeGenericType(type);
        var box = Activator.CreateInstance(typeof(Box<>).MakeGenericType(queryableType), source)!;
        var where = Expression.Call(typeof(Queryable), nameof(Queryable.Where), [type],
            Expression.Property(Expression.Constant(box), "Value"), Expression.Quote(Expression.Lambda(join, r)));
        var select = Expression.Call(typeof(Queryable), nameof(Queryable.Select), [type, resultType], where, Expression.Quote(Expression.Lambda(value, r)));
        return Expression.Call(typeof(Queryable), nameof(Queryable.FirstOrDefault), [resultType], select);
    }

    private sealed class Replacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }

    private static Expression Field(FieldFilter f, Expression p)
    {
        var field = f.Field;
        var notNull = NotNull(p);
        switch (f.Operator)
        {
            case FilterOperator.IsNull:
                return (bool)f.Value ? Expression.Not(notNull) : notNull;
            case FilterOperator.Eq:
                return Expression.Equal(p, Value(f.Value, p.Type));
            case FilterOperator.Neq:
                return Expression.NotEqual(p, Value(f.Value, p.Type));
            case FilterOperator.In:
                return Guard(notNull, InList(p, (IReadOnlyList<object>)f.Value));
            case FilterOperator.Nin:
                return Expression.Not(Guard(notNull, InList(p, (IReadOnlyList<object>)f.Value)));
            case FilterOperator.Gt:
            case FilterOperator.Gte:
            case FilterOperator.Lt:
            case FilterOperator.Lte:
                return Guard(notNull, Compare(p, Value(f.Value, p.Type), f.Operator switch
                {
                    FilterOperator.Gt => ExpressionType.GreaterThan,
                    FilterOperator.Gte => ExpressionType.GreaterThanOrEqual,
                    FilterOperator.Lt => ExpressionType.LessThan,
                    _ => ExpressionType.LessThanOrEqual,
                }));
            default:
                return Text(f.Operator, p, notNull, (string)f.Value, field);
        }
    }

    private static Expression Text(FilterOperator op, Expression p, Expression notNull, string value, FieldDescriptor field)
    {
        var insensitive = op is >= FilterOperator.EqInsensitive;
        var subject = insensitive ? Expression.Call(p, StringToLower) : p;
        var v = t_binder?.Invoke(value, typeof(string), insensitive) ?? Value(insensitive ? value.ToLowerInvariant() : value, typeof(string));
        Expression positive = op switch
        {
            FilterOperator.Contains or FilterOperator.NotContains or FilterOperator.ContainsInsensitive or FilterOperator.NotContainsInsensitive =>
                Expression.Call(subject, StringContains, v),
            FilterOperator.StartsWith or FilterOperator.NotStartsWith or FilterOperator.StartsWithInsensitive or FilterOperator.NotStartsWithInsensitive =>
                Expression.Call(subject, StringStartsWith, v),
            FilterOperator.EndsWith or FilterOperator.NotEndsWith or FilterOperator.EndsWithInsensitive or FilterOperator.NotEndsWithInsensitive =>
                Expression.Call(subject, StringEndsWith, v),
            FilterOperator.EqInsensitive or FilterOperator.NeqInsensitive => Expression.Equal(subject, v),
            _ => throw new InvalidOperationException($"Operator {op} is not a text operator (field {field.Name})"),
        };
        var guarded = Guard(notNull, positive);
        var negated = op is FilterOperator.NotContains or FilterOperator.NotStartsWith or FilterOperator.NotEndsWith
            or FilterOperator.NeqInsensitive or FilterOperator.NotContainsInsensitive or FilterOperator.NotStartsWithInsensitive
            or FilterOperator.NotEndsWithInsensitive;
        return negated ? Expression.Not(guarded) : guarded;
    }

    /// <summary><c>p != null &amp;&amp; e</c> for nullable properties, so NULL never reaches a method call.</summary>
    private static Expression Guard(Expression notNull, Expression e) =>
        notNull is ConstantExpression { Value: true } ? e : Expression.AndAlso(notNull, e);

    internal static Expression NotNull(Expression p) =>
        p.Type.IsValueType && Nullable.GetUnderlyingType(p.Type) is null
            ? Expression.Constant(true)
            : Expression.NotEqual(p, Expression.Constant(null, p.Type));

    internal static Expression IsNull(Expression p) =>
        p.Type.IsValueType && Nullable.GetUnderlyingType(p.Type) is null
            ? Expression.Constant(false)
            : Expression.Equal(p, Expression.Constant(null, p.Type));

    /// <summary>A parameterised value of exactly <paramref name="type"/> (int/long widened or narrowed as needed).</summary>
    internal static Expression Value(object value, Type type)
    {
        if (t_binder?.Invoke(value, type, false) is { } bound)
        {
            return bound;
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var converted = underlying == typeof(int) && value is long l ? checked((int)l) : value;
        var box = Activator.CreateInstance(typeof(Box<>).MakeGenericType(type), converted)!;
        return Expression.Property(Expression.Constant(box), "Value");
    }

    private static Expression InList(Expression p, IReadOnlyList<object> values)
    {
        var underlying = Nullable.GetUnderlyingType(p.Type) ?? p.Type;
        var listType = typeof(List<>).MakeGenericType(underlying);
        var item = p.Type == underlying ? p : Expression.Convert(p, underlying);
        if (t_binder?.Invoke(values, listType, false) is { } bound)
        {
            return Expression.Call(EnumerableContains.MakeGenericMethod(underlying), bound, item);
        }

        var list = (System.Collections.IList)Activator.CreateInstance(listType)!;
        foreach (var value in values)
        {
            list.Add(underlying == typeof(int) && value is long l ? checked((int)l) : value);
        }

        var box = Activator.CreateInstance(typeof(Box<>).MakeGenericType(listType), list)!;
        return Expression.Call(EnumerableContains.MakeGenericMethod(underlying), Expression.Property(Expression.Constant(box), "Value"), item);
    }

    /// <summary>Ordering comparison; strings use <c>string.Compare</c> (EF translates it to <c>&lt;</c>/<c>&gt;</c>).</summary>
    internal static Expression Compare(Expression p, Expression v, ExpressionType type)
    {
        if (p.Type == typeof(string))
        {
            return Expression.MakeBinary(type, Expression.Call(StringCompare, p, v), Expression.Constant(0));
        }

        if ((Nullable.GetUnderlyingType(p.Type) ?? p.Type) == typeof(bool))
        {
            // false < true; written with equality because bool has no ordering operators.
            var t = Expression.Constant(true, p.Type);
            var f = Expression.Constant(false, p.Type);
            var vIsTrue = Expression.Equal(v, t);
            return type switch
            {
                ExpressionType.GreaterThan => Expression.AndAlso(Expression.Equal(v, f), Expression.Equal(p, t)),
                ExpressionType.LessThan => Expression.AndAlso(vIsTrue, Expression.Equal(p, f)),
                _ => throw new InvalidOperationException("Only strict comparisons are used for booleans"),
            };
        }

        return Expression.MakeBinary(type, p, v);
    }
}
