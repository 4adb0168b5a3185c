using System.Diagnostics.CodeAnalysis;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Types;

/// <summary>The kinds reported by introspection's <c>__TypeKind</c>.</summary>
public enum TypeKind
{
    /// <summary>SCALAR</summary>
    Scalar,

    /// <summary>OBJECT</summary>
    Object,

    /// <summary>INTERFACE</summary>
    Interface,

    /// <summary>UNION</summary>
    Union,

    /// <summary>ENUM</summary>
    Enum,

    /// <summary>INPUT_OBJECT</summary>
    InputObject,

    /// <summary>LIST</summary>
    List,

    /// <summary>NON_NULL</summary>
    NonNull,
}

/// <summary>Any type: a named type or a list/non-null wrapper.</summary>
public abstract class GraphQLType
{
    /// <summary>The introspection kind.</summary>
    public abstract TypeKind Kind { get; }

    /// <summary>The innermost named type.</summary>
    public abstract NamedType Named { get; }

    /// <summary>True for scalars, enums and input objects (and wrappers of them).</summary>
    public bool IsInputType => Named.Kind is TypeKind.Scalar or TypeKind.Enum or TypeKind.InputObject;

    /// <summary>True for everything but input objects (and wrappers of them).</summary>
    public bool IsOutputType => Named.Kind is not TypeKind.InputObject;

    /// <summary>True for a non-null wrapper.</summary>
    public bool IsNonNull => Kind == TypeKind.NonNull;

    /// <summary>Strips one non-null wrapper if present.</summary>
    public GraphQLType Nullable => this is NonNullType nonNull ? nonNull.OfType : this;

    /// <summary>The SDL type reference, e.g. <c>[String!]!</c>.</summary>
    public abstract override string ToString();
}

/// <summary><c>[T]</c></summary>
public sealed class ListType(GraphQLType ofType) : GraphQLType
{
    /// <summary>The item type.</summary>
    public GraphQLType OfType { get; } = ofType;

    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.List;

    /// <inheritdoc />
    public override NamedType Named => OfType.Named;

    /// <inheritdoc />
    public override string ToString() => $"[{OfType}]";
}

/// <summary><c>T!</c>; <see cref="OfType"/> is never itself non-null.</summary>
public sealed class NonNullType : GraphQLType
{
    /// <summary>Wraps a nullable type.</summary>
    public NonNullType(GraphQLType ofType)
    {
        if (ofType is NonNullType)
        {
            throw new ArgumentException("A non-null type cannot wrap a non-null type.", nameof(ofType));
        }

        OfType = ofType;
    }

    /// <summary>The wrapped nullable type.</summary>
    public GraphQLType OfType { get; }

    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.NonNull;

    /// <inheritdoc />
    public override NamedType Named => OfType.Named;

    /// <inheritdoc />
    public override string ToString() => $"{OfType}!";
}

/// <summary>A directive applied in the schema (SDL), kept as syntax.</summary>
/// <param name="Syntax">The directive as written.</param>
public sealed record AppliedDirective(DirectiveNode Syntax)
{
    /// <summary>The directive's name without <c>@</c>.</summary>
    public string Name => Syntax.Name.Value;
}

/// <summary>A scalar, object, interface, union, enum or input object type.</summary>
public abstract class NamedType : GraphQLType
{
    /// <summary>Creates a named type.</summary>
    protected NamedType(string name) => Name = name;

    /// <summary>The type's name.</summary>
    public string Name { get; }

    /// <summary>The description, if any.</summary>
    public string? Description { get; set; }

    /// <summary>Directives applied to the type (definition and extensions).</summary>
    public IList<AppliedDirective> Directives { get; } = [];

    /// <summary>The definition node this type was built from, if any.</summary>
    public ITypeDefinitionNode? Definition { get; set; }

    /// <summary>Extension nodes applied to this type, in order.</summary>
    public IList<ITypeExtensionNode> ExtensionNodes { get; } = [];

    /// <inheritdoc />
    public override NamedType Named => this;

    /// <summary>True for scalars and enums.</summary>
    public bool IsLeaf => Kind is TypeKind.Scalar or TypeKind.Enum;

    /// <summary>True for objects, interfaces and unions.</summary>
    public bool IsComposite => Kind is TypeKind.Object or TypeKind.Interface or TypeKind.Union;

    /// <summary>True for interfaces and unions.</summary>
    public bool IsAbstract => Kind is TypeKind.Interface or TypeKind.Union;

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// A scalar type with the spec's three coercions. Implementations return false with a message instead of throwing:
/// coercion failure is user input, not a programming error.
/// </summary>
public abstract class ScalarType(string name) : NamedType(name)
{
    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.Scalar;

    /// <summary>The <c>@specifiedBy(url:)</c> value, if any.</summary>
    public string? SpecifiedByUrl { get; set; }

    /// <summary>Result coercion: a resolver's value to a response value.</summary>
    public abstract bool TrySerialize(object? runtimeValue, out object? resultValue, [NotNullWhen(false)] out string? error);

    /// <summary>Input coercion of a variable value (already converted from JSON to .NET primitives, lists and dictionaries).</summary>
    public abstract bool TryParseValue(object? inputValue, out object? runtimeValue, [NotNullWhen(false)] out string? error);

    /// <summary>Input coercion of a literal; the literal contains no variables (callers substitute them first).</summary>
    public abstract bool TryParseLiteral(IValueNode literal, out object? runtimeValue, [NotNullWhen(false)] out string? error);
}

/// <summary>Resolves the concrete object type of a value of an abstract type; returns null when it cannot.</summary>
public delegate ObjectType? TypeResolver(object value, IResolverContext context, NamedType abstractType);

/// <summary>An object or interface type: something with fields.</summary>
public interface IComplexOutputType
{
    /// <summary>The type's name.</summary>
    string Name { get; }

    /// <summary>Fields in definition order.</summary>
    IReadOnlyDictionary<string, OutputField> Fields { get; }

    /// <summary>Interfaces this type implements, in definition order.</summary>
    IReadOnlyList<InterfaceType> Interfaces { get; }
}

/// <summary>An ordered name → item map used for fields, arguments and input fields.</summary>
public sealed class OrderedMap<T> : IReadOnlyDictionary<string, T>
    where T : class
{
    private readonly List<KeyValuePair<string, T>> _items = [];
    private readonly Dictionary<string, T> _index = new(StringComparer.Ordinal);

    /// <summary>Adds an item; returns false (leaving the map unchanged) when the name exists.</summary>
    public bool TryAdd(string name, T item)
    {
        if (!_index.TryAdd(name, item))
        {
            return false;
        }

        _items.Add(new(name, item));
        return true;
    }

    /// <inheritdoc />
    public T this[string key] => _index[key];

    /// <inheritdoc />
    public IEnumerable<string> Keys => _items.Select(i => i.Key);

    /// <inheritdoc />
    public IEnumerable<T> Values => _items.Select(i => i.Value);

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _index.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out T value) => _index.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, T>> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>An object type.</summary>
public sealed class ObjectType(string name) : NamedType(name), IComplexOutputType
{
    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.Object;

    /// <summary>Fields in definition order.</summary>
    public OrderedMap<OutputField> Fields { get; } = new();

    IReadOnlyDictionary<string, OutputField> IComplexOutputType.Fields => Fields;

    /// <summary>Implemented interfaces.</summary>
    public IList<InterfaceType> Interfaces { get; } = [];

    IReadOnlyList<InterfaceType> IComplexOutputType.Interfaces => (IReadOnlyList<InterfaceType>)Interfaces;

    /// <summary>Optional runtime CLR type whose instances are of this GraphQL type (used for abstract type resolution).</summary>
    public Type? RuntimeType { get; set; }
}

/// <summary>An interface type.</summary>
public sealed class InterfaceType(string name) : NamedType(name), IComplexOutputType
{
    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.Interface;

    /// <summary>Fields in definition order.</summary>
    public OrderedMap<OutputField> Fields { get; } = new();

    IReadOnlyDictionary<string, OutputField> IComplexOutputType.Fields => Fields;

    /// <summary>Implemented interfaces.</summary>
    public IList<InterfaceType> Interfaces { get; } = [];

    IReadOnlyList<InterfaceType> IComplexOutputType.Interfaces => (IReadOnlyList<InterfaceType>)Interfaces;

    /// <summary>Custom type resolution; when null the executor uses the default (a <c>__typename</c> member or <see cref="ObjectType.RuntimeType"/>).</summary>
    public TypeResolver? ResolveType { get; set; }
}

/// <summary>A union type.</summary>
public sealed class UnionType(string name) : NamedType(name)
{
    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.Union;

    /// <summary>Member types in definition order.</summary>
    public IList<ObjectType> Types { get; } = [];

    /// <summary>Custom type resolution; when null the executor uses the default.</summary>
    public TypeResolver? ResolveType { get; set; }
}

/// <summary>An enum type.</summary>
public sealed class EnumType(string name) : NamedType(name)
{
    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.Enum;

    /// <summary>Values in definition order.</summary>
    public OrderedMap<EnumValue> Values { get; } = new();

    /// <summary>Optional CLR enum the values map to (by name, case-insensitively ignoring underscores); values are strings otherwise.</summary>
    public Type? RuntimeType { get; set; }
}

/// <summary>One enum value.</summary>
public sealed class EnumValue(string name)
{
    /// <summary>The value's name.</summary>
    public string Name { get; } = name;

    /// <summary>The description, if any.</summary>
    public string? Description { get; set; }

    /// <summary>The deprecation reason; non-null means deprecated.</summary>
    public string? DeprecationReason { get; set; }

    /// <summary>True when deprecated.</summary>
    public bool IsDeprecated => DeprecationReason is not null;

    /// <summary>The runtime value (the CLR enum member, or the name).</summary>
    public object RuntimeValue { get; set; } = name;

    /// <summary>Applied directives.</summary>
    public IList<AppliedDirective> Directives { get; } = [];

    /// <summary>The definition node, if any.</summary>
    public EnumValueDefinitionNode? Definition { get; set; }
}

/// <summary>An input object type.</summary>
public sealed class InputObjectType(string name) : NamedType(name)
{
    /// <inheritdoc />
    public override TypeKind Kind => TypeKind.InputObject;

    /// <summary>Input fields in definition order.</summary>
    public OrderedMap<InputValue> Fields { get; } = new();

    /// <summary>True when marked <c>@oneOf</c>.</summary>
    public bool IsOneOf { get; set; }

    /// <summary>Optional CLR type (record or class) coerced values are converted to; dictionaries otherwise.</summary>
    public Type? RuntimeType { get; set; }
}

/// <summary>An argument or an input field.</summary>
public sealed class InputValue(string name, GraphQLType type)
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;

    /// <summary>The input type.</summary>
    public GraphQLType Type { get; set; } = type;

    /// <summary>The description, if any.</summary>
    public string? Description { get; set; }

    /// <summary>The default value literal; null when there is none (a default of <c>null</c> is a <see cref="NullValueNode"/>).</summary>
    public IValueNode? DefaultValue { get; set; }

    /// <summary>True when a default value is defined.</summary>
    public bool HasDefaultValue => DefaultValue is not null;

    /// <summary>The deprecation reason; non-null means deprecated.</summary>
    public string? DeprecationReason { get; set; }

    /// <summary>True when deprecated.</summary>
    public bool IsDeprecated => DeprecationReason is not null;

    /// <summary>Applied directives.</summary>
    public IList<AppliedDirective> Directives { get; } = [];

    /// <summary>The definition node, if any.</summary>
    public InputValueDefinitionNode? Definition { get; set; }
}

/// <summary>A field of an object or interface type.</summary>
public sealed class OutputField(string name, GraphQLType type)
{
    /// <summary>The name.</summary>
    public string Name { get; } = name;

    /// <summary>The output type.</summary>
    public GraphQLType Type { get; set; } = type;

    /// <summary>The description, if any.</summary>
    public string? Description { get; set; }

    /// <summary>Arguments in definition order.</summary>
    public OrderedMap<InputValue> Arguments { get; } = new();

    /// <summary>The deprecation reason; non-null means deprecated.</summary>
    public string? DeprecationReason { get; set; }

    /// <summary>True when deprecated.</summary>
    public bool IsDeprecated => DeprecationReason is not null;

    /// <summary>Applied directives (e.g. <c>@cost</c>, <c>@listSize</c>).</summary>
    public IList<AppliedDirective> Directives { get; } = [];

    /// <summary>The resolver; on object types this is always set once the schema is built.</summary>
    public FieldResolver? Resolver { get; set; }

    /// <summary>The definition node, if any.</summary>
    public FieldDefinitionNode? Definition { get; set; }
}

/// <summary>Where a directive may appear.</summary>
public enum DirectiveLocation
{
    /// <summary>QUERY</summary>
    Query,

    /// <summary>MUTATION</summary>
    Mutation,

    /// <summary>SUBSCRIPTION</summary>
    Subscription,

    /// <summary>FIELD</summary>
    Field,

    /// <summary>FRAGMENT_DEFINITION</summary>
    FragmentDefinition,

    /// <summary>FRAGMENT_SPREAD</summary>
    FragmentSpread,

    /// <summary>INLINE_FRAGMENT</summary>
    InlineFragment,

    /// <summary>VARIABLE_DEFINITION</summary>
    VariableDefinition,

    /// <summary>SCHEMA</summary>
    Schema,

    /// <summary>SCALAR</summary>
    Scalar,

    /// <summary>OBJECT</summary>
    Object,

    /// <summary>FIELD_DEFINITION</summary>
    FieldDefinition,

    /// <summary>ARGUMENT_DEFINITION</summary>
    ArgumentDefinition,

    /// <summary>INTERFACE</summary>
    Interface,

    /// <summary>UNION</summary>
    Union,

    /// <summary>ENUM</summary>
    Enum,

    /// <summary>ENUM_VALUE</summary>
    EnumValue,

    /// <summary>INPUT_OBJECT</summary>
    InputObject,

    /// <summary>INPUT_FIELD_DEFINITION</summary>
    InputFieldDefinition,

    /// <summary>DIRECTIVE_DEFINITION (graphql-js 16.12+: <c>@deprecated</c> may mark directive definitions).</summary>
    DirectiveDefinition,
}

/// <summary>A directive definition.</summary>
public sealed class DirectiveDefinition(string name)
{
    /// <summary>The name without <c>@</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The description, if any.</summary>
    public string? Description { get; set; }

    /// <summary>Arguments in definition order.</summary>
    public OrderedMap<InputValue> Arguments { get; } = new();

    /// <summary>Valid locations.</summary>
    public IList<DirectiveLocation> Locations { get; } = [];

    /// <summary>True when <c>repeatable</c>.</summary>
    public bool IsRepeatable { get; set; }

    /// <summary>The deprecation reason (graphql-js 16.12+ directive deprecation); non-null means deprecated.</summary>
    public string? DeprecationReason { get; set; }

    /// <summary>The definition node, if any (null for built-in directives).</summary>
    public DirectiveDefinitionNode? Definition { get; set; }
}
