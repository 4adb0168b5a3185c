namespace CrowNest.GraphQL.Types;

/// <summary>
/// An immutable, validated schema. Build one with the schema builder from SDL; the read surface here is what validation,
/// execution and introspection depend on.
/// </summary>
public sealed class Schema
{
    private readonly Dictionary<string, NamedType> _types;
    private readonly Dictionary<string, DirectiveDefinition> _directives;
    private readonly Dictionary<string, IReadOnlyList<ObjectType>> _possibleTypes = new(StringComparer.Ordinal);

    /// <summary>Creates a schema from already-linked types. Callers (the builder) guarantee the types are valid.</summary>
    public Schema(
        ObjectType queryType,
        ObjectType? mutationType,
        ObjectType? subscriptionType,
        IEnumerable<NamedType> types,
        IEnumerable<DirectiveDefinition> directives,
        MetaFields metaFields)
    {
        QueryType = queryType;
        MutationType = mutationType;
        SubscriptionType = subscriptionType;
        _types = types.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _directives = directives.ToDictionary(d => d.Name, StringComparer.Ordinal);
        Meta = metaFields;

        var implementations = new Dictionary<string, List<ObjectType>>(StringComparer.Ordinal);
        foreach (var type in _types.Values)
        {
            if (type is ObjectType obj)
            {
                foreach (var iface in obj.Interfaces)
                {
                    if (!implementations.TryGetValue(iface.Name, out var list))
                    {
                        implementations[iface.Name] = list = [];
                    }

                    list.Add(obj);
                }
            }
        }

        foreach (var type in _types.Values)
        {
            _possibleTypes[type.Name] = type switch
            {
                UnionType union => [.. union.Types],
                InterfaceType => implementations.TryGetValue(type.Name, out var impls) ? impls : [],
                ObjectType obj => [obj],
                _ => [],
            };
        }
    }

    /// <summary>The schema description, if any.</summary>
    public string? Description { get; init; }

    /// <summary>The query root.</summary>
    public ObjectType QueryType { get; }

    /// <summary>The mutation root, if any.</summary>
    public ObjectType? MutationType { get; }

    /// <summary>The subscription root, if any.</summary>
    public ObjectType? SubscriptionType { get; }

    /// <summary>Every named type including built-in scalars and introspection types.</summary>
    public IReadOnlyCollection<NamedType> Types => _types.Values;

    /// <summary>Every directive definition including built-in ones.</summary>
    public IReadOnlyCollection<DirectiveDefinition> Directives => _directives.Values;

    /// <summary>The introspection meta-fields (<c>__typename</c>, <c>__schema</c>, <c>__type</c>).</summary>
    public MetaFields Meta { get; }

    /// <summary>Directives applied to the schema definition.</summary>
    public IList<AppliedDirective> AppliedDirectives { get; init; } = [];

    /// <summary>Finds a named type.</summary>
    public NamedType? GetType(string name) => _types.GetValueOrDefault(name);

    /// <summary>Finds a directive definition.</summary>
    public DirectiveDefinition? GetDirective(string name) => _directives.GetValueOrDefault(name);

    /// <summary>The root type for an operation kind, or null when the schema has none.</summary>
    public ObjectType? GetRootType(Language.OperationType operation) => operation switch
    {
        Language.OperationType.Query => QueryType,
        Language.OperationType.Mutation => MutationType,
        _ => SubscriptionType,
    };

    /// <summary>
    /// Object types a value of <paramref name="type"/> can be: union members, interface implementations, or the object type itself.
    /// </summary>
    public IReadOnlyList<ObjectType> GetPossibleTypes(NamedType type) =>
        _possibleTypes.TryGetValue(type.Name, out var types) ? types : [];

    /// <summary>True when <paramref name="objectType"/> is a possible type of <paramref name="abstractType"/>.</summary>
    public bool IsPossibleType(NamedType abstractType, ObjectType objectType)
    {
        foreach (var t in GetPossibleTypes(abstractType))
        {
            if (ReferenceEquals(t, objectType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when <paramref name="maybeSubType"/> (an object or interface) is a member/implementation of
    /// <paramref name="abstractType"/> (a union or interface).
    /// </summary>
    public bool IsSubType(NamedType abstractType, NamedType maybeSubType) => maybeSubType switch
    {
        ObjectType obj => IsPossibleType(abstractType, obj),
        InterfaceType iface when abstractType is InterfaceType => iface.Interfaces.Any(i => ReferenceEquals(i, abstractType)),
        _ => false,
    };

    /// <summary>
    /// Finds a field on a composite type including the meta-fields: <c>__typename</c> on every composite type, and
    /// <c>__schema</c>/<c>__type</c> on the query root. Unions have only <c>__typename</c>.
    /// </summary>
    public OutputField? GetField(NamedType parentType, string fieldName)
    {
        if (fieldName.Length > 1 && fieldName[0] == '_' && fieldName[1] == '_')
        {
            if (fieldName == Meta.TypeName.Name && parentType.IsComposite)
            {
                return Meta.TypeName;
            }

            if (ReferenceEquals(parentType, QueryType))
            {
                if (fieldName == Meta.Schema.Name)
                {
                    return Meta.Schema;
                }

                if (fieldName == Meta.Type.Name)
                {
                    return Meta.Type;
                }
            }
        }

        return parentType is IComplexOutputType complex && complex.Fields.TryGetValue(fieldName, out var field) ? field : null;
    }
}

/// <summary>The three introspection meta-fields, built once per schema with their resolvers.</summary>
/// <param name="TypeName"><c>__typename: String!</c></param>
/// <param name="Schema"><c>__schema: __Schema!</c></param>
/// <param name="Type"><c>__type(name: String!): __Type</c></param>
public sealed record MetaFields(OutputField TypeName, OutputField Schema, OutputField Type);
