using System.Globalization;
using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Types;

/// <summary>
/// Normalizes default-value literals the way graphql-js prints them: <c>print(astFromValue(valueFromAST(literal, type), type))</c>.
/// E.g. <c>[Int] = 1</c> prints <c>[1]</c>, <c>Float = 1.0</c> prints <c>1</c>, <c>ID = "12"</c> prints <c>12</c>, and input
/// objects list fields in type order with field defaults filled in.
/// </summary>
public static class DefaultValues
{
    /// <summary>The printed default value, or null when there is none (or it is invalid for the type).</summary>
    public static string? Print(InputValue value) =>
        value.DefaultValue is { } literal && ToAst(literal, value.Type) is { } ast ? ValuePrinting.PrintValue(ast) : null;

    /// <summary>The normalized literal, or null when the literal is not a valid value of the type.</summary>
    public static IValueNode? ToAst(IValueNode literal, GraphQLType type)
    {
        if (type is NonNullType nonNull)
        {
            if (literal is NullValueNode)
            {
                return null;
            }

            var inner = ToAst(literal, nonNull.OfType);
            return inner is NullValueNode ? null : inner;
        }

        if (literal is NullValueNode)
        {
            return literal;
        }

        switch (type)
        {
            case ListType list:
                {
                    if (literal is ListValueNode items)
                    {
                        var result = new List<IValueNode>(items.Values.Count);
                        foreach (var item in items.Values)
                        {
                            var converted = ToAst(item, list.OfType);
                            if (converted is null)
                            {
                                return null;
                            }

                            result.Add(converted);
                        }

                        return new ListValueNode(result);
                    }

                    var single = ToAst(literal, list.OfType);
                    return single is null ? null : new ListValueNode([single]);
                }

            case InputObjectType input:
                {
                    if (literal is not ObjectValueNode obj)
                    {
                        return null;
                    }

                    var fields = new List<ObjectFieldNode>();
                    foreach (var field in input.Fields.Values)
                    {
                        var node = FindField(obj, field.Name);
                        IValueNode? converted;
                        if (node is null)
                        {
                            if (field.DefaultValue is not null)
                            {
                                converted = ToAst(field.DefaultValue, field.Type);
                            }
                            else if (field.Type.IsNonNull)
                            {
                                return null;
                            }
                            else
                            {
                                continue;
                            }
                        }
                        else
                        {
                            converted = ToAst(node.Value, field.Type);
                            if (converted is null)
                            {
                                return null;
                            }
                        }

                        if (converted is not null)
                        {
                            fields.Add(new ObjectFieldNode(new NameNode(field.Name), converted));
                        }
                    }

                    if (input.IsOneOf && (fields.Count != 1 || fields[0].Value is NullValueNode))
                    {
                        return null;
                    }

                    return new ObjectValueNode(fields);
                }

            case EnumType enumType:
                return literal is EnumValueNode e && enumType.Values.ContainsKey(e.Value) ? new EnumValueNode(e.Value) : null;

            case ScalarType scalar:
                {
                    if (!scalar.TryParseLiteral(literal, out var runtime, out _) || !scalar.TrySerialize(runtime, out var serialized, out _))
                    {
                        return null;
                    }

                    return FromSerialized(serialized, scalar, literal);
                }

            default:
                return null;
        }
    }

    /// <summary>graphql-js <c>astFromValue</c> for an already-serialized leaf value.</summary>
    internal static IValueNode? FromSerialized(object? serialized, ScalarType scalar, IValueNode fallback)
    {
        switch (serialized)
        {
            case null:
                return null;
            case bool b:
                return new BooleanValueNode(b);
            case string s:
                return ReferenceEquals(scalar, BuiltInScalars.ID) && IsIntegerString(s) ? new IntValueNode(s) : new StringValueNode(s);
        }

        if (JsValue.TryGetNumber(serialized, out var number) && double.IsFinite(number))
        {
            var text = serialized is int or long
                ? Convert.ToString(serialized, CultureInfo.InvariantCulture)!
                : JsValue.FormatNumber(number);
            return IsIntegerString(text) ? new IntValueNode(text) : new FloatValueNode(text);
        }

        // graphql-js throws "Cannot convert value to AST" here (objects from custom scalars); keep the literal instead.
        return fallback;
    }

    private static ObjectFieldNode? FindField(ObjectValueNode obj, string name)
    {
        foreach (var field in obj.Fields)
        {
            if (field.Name.Value == name)
            {
                return field;
            }
        }

        return null;
    }

    private static bool IsIntegerString(string s)
    {
        var i = 0;
        if (s.Length > 0 && s[0] == '-')
        {
            i = 1;
        }

        if (i >= s.Length)
        {
            return false;
        }

        if (s[i] == '0')
        {
            return s.Length == i + 1;
        }

        for (; i < s.Length; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }
        }

        return true;
    }
}
