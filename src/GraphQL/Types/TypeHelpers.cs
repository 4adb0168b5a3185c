using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Types;

/// <summary>Type comparisons and type-reference resolution (graphql-js <c>typeComparators</c> and <c>typeFromAST</c>).</summary>
public static class TypeHelpers
{
    /// <summary>Resolves a type reference against the schema; null when a named type is unknown.</summary>
    public static GraphQLType? FromTypeNode(Schema schema, ITypeNode typeNode)
    {
        switch (typeNode)
        {
            case NamedTypeNode named:
                return schema.GetType(named.Name.Value);
            case ListTypeNode list:
                return FromTypeNode(schema, list.Type) is { } item ? new ListType(item) : null;
            case NonNullTypeNode nonNull:
                var inner = FromTypeNode(schema, nonNull.Type);
                return inner switch
                {
                    null => null,
                    NonNullType => inner,
                    _ => new NonNullType(inner),
                };
            default:
                return null;
        }
    }

    /// <summary>True when both types are the same (structurally for wrappers, by identity for named types).</summary>
    public static bool IsEqualType(GraphQLType a, GraphQLType b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        return (a, b) switch
        {
            (NonNullType x, NonNullType y) => IsEqualType(x.OfType, y.OfType),
            (ListType x, ListType y) => IsEqualType(x.OfType, y.OfType),
            _ => false,
        };
    }

    /// <summary>True when <paramref name="maybeSubType"/> can be used where <paramref name="superType"/> is expected (covariance).</summary>
    public static bool IsTypeSubTypeOf(Schema schema, GraphQLType maybeSubType, GraphQLType superType) =>
        IsTypeSubTypeOf(maybeSubType, superType, schema);

    /// <summary>Schema-free form: abstract membership is read from union members and declared interfaces.</summary>
    public static bool IsTypeSubTypeOf(GraphQLType maybeSubType, GraphQLType superType) => IsTypeSubTypeOf(maybeSubType, superType, null);

    private static bool IsTypeSubTypeOf(GraphQLType maybeSubType, GraphQLType superType, Schema? schema)
    {
        if (ReferenceEquals(maybeSubType, superType))
        {
            return true;
        }

        if (superType is NonNullType superNonNull)
        {
            return maybeSubType is NonNullType subNonNull && IsTypeSubTypeOf(subNonNull.OfType, superNonNull.OfType, schema);
        }

        if (maybeSubType is NonNullType nonNull)
        {
            return IsTypeSubTypeOf(nonNull.OfType, superType, schema);
        }

        if (superType is ListType superList)
        {
            return maybeSubType is ListType subList && IsTypeSubTypeOf(subList.OfType, superList.OfType, schema);
        }

        if (maybeSubType is ListType)
        {
            return false;
        }

        if (superType is NamedType { IsAbstract: true } abstractType && maybeSubType is NamedType named
            && (named.Kind is TypeKind.Object or TypeKind.Interface))
        {
            return schema is not null ? schema.IsSubType(abstractType, named) : IsDeclaredSubType(abstractType, named);
        }

        return false;
    }

    private static bool IsDeclaredSubType(NamedType abstractType, NamedType maybeSubType) => (abstractType, maybeSubType) switch
    {
        (UnionType union, ObjectType obj) => union.Types.Contains(obj),
        (InterfaceType iface, IComplexOutputType complex) => complex.Interfaces.Contains(iface),
        _ => false,
    };

    /// <summary>True when some object type could be both <paramref name="a"/> and <paramref name="b"/> (fragment spreading).</summary>
    public static bool DoTypesOverlap(Schema schema, NamedType a, NamedType b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.IsAbstract)
        {
            if (b.IsAbstract)
            {
                foreach (var type in schema.GetPossibleTypes(a))
                {
                    if (schema.IsSubType(b, type))
                    {
                        return true;
                    }
                }

                return false;
            }

            return schema.IsSubType(a, b);
        }

        return b.IsAbstract && schema.IsSubType(b, a);
    }
}
