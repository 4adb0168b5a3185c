using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation;

/// <summary>Type helpers with graphql-js semantics (typeFromAST, isTypeSubTypeOf, doTypesOverlap) used by the rules.</summary>
internal static class ValidationTypes
{
    /// <summary>graphql-js <c>typeFromAST</c>: null when the named type is unknown.</summary>
    public static GraphQLType? FromTypeNode(Schema schema, ITypeNode node)
    {
        switch (node)
        {
            case NamedTypeNode named:
                return schema.GetType(named.Name.Value);
            case ListTypeNode list:
                {
                    var inner = FromTypeNode(schema, list.Type);
                    return inner is null ? null : new ListType(inner);
                }

            case NonNullTypeNode nonNull:
                {
                    var inner = FromTypeNode(schema, nonNull.Type);
                    return inner is null or NonNullType ? null : new NonNullType(inner);
                }

            default:
                return null;
        }
    }

    /// <summary>Structural type equality.</summary>
    public static bool IsEqualType(GraphQLType a, GraphQLType b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        return a switch
        {
            NonNullType na => b is NonNullType nb && IsEqualType(na.OfType, nb.OfType),
            ListType la => b is ListType lb && IsEqualType(la.OfType, lb.OfType),
            _ => false,
        };
    }

    /// <summary>graphql-js <c>isTypeSubTypeOf</c>.</summary>
    public static bool IsTypeSubTypeOf(Schema schema, GraphQLType maybeSubType, GraphQLType superType)
    {
        if (ReferenceEquals(maybeSubType, superType))
        {
            return true;
        }

        if (superType is NonNullType superNonNull)
        {
            return maybeSubType is NonNullType subNonNull && IsTypeSubTypeOf(schema, subNonNull.OfType, superNonNull.OfType);
        }

        if (maybeSubType is NonNullType nonNull)
        {
            return IsTypeSubTypeOf(schema, nonNull.OfType, superType);
        }

        if (superType is ListType superList)
        {
            return maybeSubType is ListType subList && IsTypeSubTypeOf(schema, subList.OfType, superList.OfType);
        }

        if (maybeSubType is ListType)
        {
            return false;
        }

        return superType is NamedType { IsAbstract: true } abstractType
            && maybeSubType is ObjectType or InterfaceType
            && schema.IsSubType(abstractType, (NamedType)maybeSubType);
    }

    /// <summary>graphql-js <c>doTypesOverlap</c> for composite types.</summary>
    public static bool DoTypesOverlap(Schema schema, NamedType typeA, NamedType typeB)
    {
        if (ReferenceEquals(typeA, typeB))
        {
            return true;
        }

        if (typeA.IsAbstract)
        {
            if (typeB.IsAbstract)
            {
                foreach (var type in schema.GetPossibleTypes(typeA))
                {
                    if (schema.IsPossibleType(typeB, type))
                    {
                        return true;
                    }
                }

                return false;
            }

            return schema.IsSubType(typeA, typeB);
        }

        return typeB.IsAbstract && schema.IsSubType(typeB, typeA);
    }

    /// <summary>True for a non-null argument or input field without a default value.</summary>
    public static bool IsRequired(InputValue value) => value.Type is NonNullType && value.DefaultValue is null;

    /// <summary>Prints a type reference as written (<c>[Int!]</c>).</summary>
    public static string Print(ITypeNode node) => node switch
    {
        NamedTypeNode named => named.Name.Value,
        ListTypeNode list => "[" + Print(list.Type) + "]",
        NonNullTypeNode nonNull => Print(nonNull.Type) + "!",
        _ => string.Empty,
    };

    /// <summary>Prints a value literal the way graphql-js <c>print</c> does.</summary>
    public static string Print(IValueNode node) => Printer.Print((SyntaxNode)node);

    /// <summary>True when the literal references a variable anywhere.</summary>
    public static bool ContainsVariable(IValueNode node) => node switch
    {
        VariableNode => true,
        ListValueNode list => AnyVariable(list.Values),
        ObjectValueNode obj => AnyFieldVariable(obj.Fields),
        _ => false,
    };

    private static bool AnyVariable(IReadOnlyList<IValueNode> values)
    {
        foreach (var v in values)
        {
            if (ContainsVariable(v))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyFieldVariable(IReadOnlyList<ObjectFieldNode> fields)
    {
        foreach (var f in fields)
        {
            if (ContainsVariable(f.Value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Copy of a literal with every variable replaced by <c>null</c> (graphql-js parses literals with no variable values).</summary>
    public static IValueNode WithoutVariables(IValueNode node) => node switch
    {
        VariableNode v => new NullValueNode { Location = v.Location },
        ListValueNode list => list with { Values = [.. list.Values.Select(WithoutVariables)] },
        ObjectValueNode obj => obj with { Fields = [.. obj.Fields.Select(f => f with { Value = WithoutVariables(f.Value) })] },
        _ => node,
    };
}
