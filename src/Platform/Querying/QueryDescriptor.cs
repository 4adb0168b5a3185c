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

/// <summary>The entity-independent view of a <see cref="QueryDescriptor{T}"/> (filter parsing, SDL generation).</summary>
public interface IQueryDescriptor
{
    /// <summary>Public entity name; GraphQL input types are <c>{EntityName}Filter</c> / <c>{EntityName}OrderBy</c>.</summary>
    string EntityName { get; }

    Type EntityType { get; }

    FrozenDictionary<string, FieldDescriptor> Fields { get; }

    FrozenDictionary<string, RelationDescriptor> Relations { get; }
}

/// <summary>
/// A relation filters can traverse: to-one (the related filter applies to the single related row) or to-many
/// (<c>some</c>/<c>every</c>/<c>none</c>). <see cref="Join"/> is <c>(entity, related) =&gt; bool</c>; the related
/// rows come from a source supplied at query time (the DbContext set), so entities need no navigation properties.
/// To-one relations also order: <c>{ workspace: { name: asc } }</c> sorts by the related row's field.
/// </summary>
public sealed class RelationDescriptor(string name, bool isCollection, IQueryDescriptor target, LambdaExpression join, bool required = false)
{
    public string Name { get; } = name;

    public bool IsCollection { get; } = isCollection;

    public IQueryDescriptor Target { get; } = target;

    public LambdaExpression Join { get; } = join;

    /// <summary>To-one only: a related row always exists (NOT NULL foreign key), so related sort keys are never NULL for it.</summary>
    public bool Required { get; } = required;
}

/// <summary>
/// What callers may filter and sort an entity by: the fields (by public name), the unique id field appended to
/// every ordering as the final tiebreaker, and the default ordering.
/// </summary>
public sealed class QueryDescriptor<T> : IQueryDescriptor
    where T : class
{
    public QueryDescriptor(string entityName, IEnumerable<FieldDescriptor> fields, string idField, IReadOnlyList<(string Field, OrderDirection Direction)> defaultOrder,
        IEnumerable<RelationDescriptor>? relations = null)
    {
        EntityName = entityName;
        Fields = fields.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
        Relations = (relations ?? []).ToFrozenDictionary(r => r.Name, StringComparer.Ordinal);
        if (Relations.Keys.Any(Fields.ContainsKey))
        {
            throw new ArgumentException("A relation and a field share a name", nameof(relations));
        }

        Id = Fields[idField];
        if (Id.Nullable || Id.Kind != FieldKind.String)
        {
            throw new ArgumentException("The id field must be a non-nullable string", nameof(idField));
        }

        DefaultOrder = defaultOrder;
    }

    public string EntityName { get; }

    public Type EntityType => typeof(T);

    public FrozenDictionary<string, FieldDescriptor> Fields { get; }

    public FrozenDictionary<string, RelationDescriptor> Relations { get; }

    public FieldDescriptor Id { get; }

    public IReadOnlyList<(string Field, OrderDirection Direction)> DefaultOrder { get; }

    public static FieldDescriptor Field<TProp>(string name, Expression<Func<T, TProp>> property, FieldKind kind, bool nullable, params string[] enumValues) =>
        new(name, property, kind, nullable, enumValues.Length == 0 ? null : enumValues);

    /// <summary>
    /// A to-one relation: at most one related row matches <paramref name="join"/> (exactly one when
    /// <paramref name="required"/>).
    /// </summary>
    public static RelationDescriptor One<TRel>(string name, QueryDescriptor<TRel> target, Expression<Func<T, TRel, bool>> join, bool required = false)
        where TRel : class => new(name, false, target, join, required);

    /// <summary>A to-many relation (<c>some</c>/<c>every</c>/<c>none</c>).</summary>
    public static RelationDescriptor Many<TRel>(string name, QueryDescriptor<TRel> target, Expression<Func<T, TRel, bool>> join)
        where TRel : class => new(name, true, target, join);
}
