namespace CrowNest.Platform.Querying;

/// <summary>
/// Field operators. Case-insensitive forms carry the suffix <c>Insensitive</c> (e.g. <c>containsInsensitive</c>);
/// they compare lower-cased text. Negated forms (<c>neq</c>, <c>nin</c>, <c>not…</c>) are true for NULL values,
/// i.e. filters follow two-valued C# semantics, never SQL's three-valued logic.
/// </summary>
public enum FilterOperator
{
    Eq,
    Neq,
    In,
    Nin,
    IsNull,
    Gt,
    Gte,
    Lt,
    Lte,
    Contains,
    StartsWith,
    EndsWith,
    NotContains,
    NotStartsWith,
    NotEndsWith,
    EqInsensitive,
    NeqInsensitive,
    ContainsInsensitive,
    StartsWithInsensitive,
    EndsWithInsensitive,
    NotContainsInsensitive,
    NotStartsWithInsensitive,
    NotEndsWithInsensitive,
}

/// <summary>Typed filter tree parsed from JSON by <see cref="FilterParser"/>.</summary>
public abstract record FilterNode;

public sealed record AndFilter(IReadOnlyList<FilterNode> Items) : FilterNode;

public sealed record OrFilter(IReadOnlyList<FilterNode> Items) : FilterNode;

public sealed record NotFilter(FilterNode Inner) : FilterNode;

/// <summary>
/// One comparison. <see cref="Value"/> is typed by the field kind (string, bool, <see cref="DateTimeOffset"/>, long);
/// for <c>in</c>/<c>nin</c> it is an <c>IReadOnlyList&lt;object&gt;</c>; for <c>isNull</c> a bool.
/// </summary>
public sealed record FieldFilter(FieldDescriptor Field, FilterOperator Operator, object Value) : FilterNode;

/// <summary>How a relation filter quantifies over related rows (to-one relations use <see cref="Some"/>).</summary>
public enum RelationQuantifier
{
    Some,
    Every,
    None,
}

/// <summary>A filter on related rows; translated to an EXISTS subquery.</summary>
public sealed record RelationFilter(RelationDescriptor Relation, RelationQuantifier Quantifier, FilterNode Inner) : FilterNode;
