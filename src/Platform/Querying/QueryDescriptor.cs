using System.Collections.Frozen;
using System.Linq.Expressions;

namespace CrowNest.Platform.Querying;

/// <summary>How a field is compared, which operators it accepts and how its values are written in cursors.</summary>
public enum FieldKind
{
    /// <summary>Text: equality, ordering (byte order under the C collation), substring operators.</summary>
    String,

    /// <summary>Text restricted to <see cref="FieldDescriptor.EnumValues"/>: equality and sets only.</summary>
    Enum,

    /// <summary>Equality only.</summary>
    Boolean,

    /// <summary>timestamptz as <see cref="DateTimeOffset"/>; ISO-8601 in JSON.</summary>
    Timestamp,

    /// <summary>64-bit or 32-bit integer.</summary>
    Integer,
}

/// <summary>One filterable/sortable field: its public (camelCase) name and the entity property behind it.</summary>
public sealed class FieldDescriptor
{
    private Func<object, object?>? _getter;

    public FieldDescriptor(string name, LambdaExpression property, FieldKind kind, bool nullable, IReadOnlyList<string>? enumValues = null)
    {
        Name = name;
        Property = property;
        Kind = kind;
        Nullable = nullable;
        EnumValues = enumValues ?? [];
        PropertyType = property.Body.Type;
    }

    public string Name { get; }

    /// <summary>Single-parameter lambda selecting the property from the entity.</summary>
    public LambdaExpression Property { get; }

    public Type PropertyType { get; }

    public FieldKind Kind { get; }

    public bool Nullable { get; }

    public IReadOnlyList<string> EnumValues { get; }

    /// <summary>The property expression rebound to <paramref name="parameter"/>.</summary>
    public Expression Access(ParameterExpression parameter) =>
        new ParameterReplacer(Property.Parameters[0], parameter).Visit(Property.Body);

    /// <summary>Reads the value from a materialized entity (used to write cursors).</summary>
    public object? Read(object entity)
    {
        _getter ??= Compile();
        return _getter(entity);
    }

    private Func<object, object?> Compile()
    {
        var obj = Expression.Parameter(typeof(object), "o");
        var typed = Expression.Convert(obj, Property.Parameters[0].Type);
        var body = new ParameterReplacer(Property.Parameters[0], typed).Visit(Property.Body);
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(body, typeof(object)), obj).Compile();
    }

    private sealed class ParameterReplacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}

/// <summary>
/// What callers may filter and sort an entity by: the fields (by public name), the unique id field appended to
/// every ordering as the final tiebreaker, and the default ordering.
/// </summary>
public sealed class QueryDescriptor<T>
    where T : class
{
    public QueryDescriptor(string entityName, IEnumerable<FieldDescriptor> fields, string idField, IReadOnlyList<(string Field, OrderDirection Direction)> defaultOrder)
    {
        EntityName = entityName;
        Fields = fields.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
        Id = Fields[idField];
        if (Id.Nullable || Id.Kind != FieldKind.String)
        {
            throw new ArgumentException("The id field must be a non-nullable string", nameof(idField));
        }

        DefaultOrder = defaultOrder;
    }

    public string EntityName { get; }

    public FrozenDictionary<string, FieldDescriptor> Fields { get; }

    public FieldDescriptor Id { get; }

    public IReadOnlyList<(string Field, OrderDirection Direction)> DefaultOrder { get; }

    public static FieldDescriptor Field<TProp>(string name, Expression<Func<T, TProp>> property, FieldKind kind, bool nullable, params string[] enumValues) =>
        new(name, property, kind, nullable, enumValues.Length == 0 ? null : enumValues);
}
