using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Types;

/// <summary>Checks a constant literal against an input type with graphql-js <c>ValuesOfCorrectType</c> messages.</summary>
public static class LiteralValidator
{
    /// <summary>The first problem, or null when the literal is a valid value of <paramref name="type"/>.</summary>
    public static string? Validate(IValueNode literal, GraphQLType type)
    {
        if (literal is VariableNode variable)
        {
            return $"Variable \"${variable.Name.Value}\" is not allowed in a constant value.";
        }

        if (type is NonNullType nonNull)
        {
            return literal is NullValueNode
                ? $"Expected value of type \"{type}\", found {ValuePrinting.PrintValue(literal)}."
                : Validate(literal, nonNull.OfType);
        }

        if (literal is NullValueNode)
        {
            return null;
        }

        switch (type)
        {
            case ListType list:
                if (literal is ListValueNode items)
                {
                    foreach (var item in items.Values)
                    {
                        if (Validate(item, list.OfType) is { } problem)
                        {
                            return problem;
                        }
                    }

                    return null;
                }

                return Validate(literal, list.OfType);
            case InputObjectType input:
                {
                    if (literal is not ObjectValueNode obj)
                    {
                        return $"Expected value of type \"{input.Name}\", found {ValuePrinting.PrintValue(literal)}.";
                    }

                    var given = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var field in obj.Fields)
                    {
                        if (!given.Add(field.Name.Value))
                        {
                            return $"There can be only one input field named \"{field.Name.Value}\".";
                        }

                        if (!input.Fields.TryGetValue(field.Name.Value, out var fieldDef))
                        {
                            return $"Field \"{field.Name.Value}\" is not defined by type \"{input.Name}\"."
                                + SchemaBuilder.DidYouMean(field.Name.Value, input.Fields.Keys);
                        }

                        if (Validate(field.Value, fieldDef.Type) is { } problem)
                        {
                            return problem;
                        }
                    }

                    foreach (var fieldDef in input.Fields.Values)
                    {
                        if (fieldDef.Type.IsNonNull && fieldDef.DefaultValue is null && !given.Contains(fieldDef.Name))
                        {
                            return $"Field \"{input.Name}.{fieldDef.Name}\" of required type \"{fieldDef.Type}\" was not provided.";
                        }
                    }

                    if (input.IsOneOf)
                    {
                        if (obj.Fields.Count != 1)
                        {
                            return $"OneOf Input Object \"{input.Name}\" must specify exactly one key.";
                        }

                        if (obj.Fields[0].Value is NullValueNode)
                        {
                            return $"Field \"{input.Name}.{obj.Fields[0].Name.Value}\" must be non-null.";
                        }
                    }

                    return null;
                }

            case EnumType enumType:
                if (literal is not EnumValueNode e)
                {
                    return $"Enum \"{enumType.Name}\" cannot represent non-enum value: {ValuePrinting.PrintValue(literal)}."
                        + (literal is StringValueNode s && enumType.Values.ContainsKey(s.Value) ? $" Did you mean the enum value \"{s.Value}\"?" : string.Empty);
                }

                return enumType.Values.ContainsKey(e.Value)
                    ? null
                    : $"Value \"{e.Value}\" does not exist in \"{enumType.Name}\" enum." + SchemaBuilder.DidYouMean(e.Value, enumType.Values.Keys, "the enum value");
            case ScalarType scalar:
                if (ContainsVariable(literal))
                {
                    return "Unexpected variable in constant value.";
                }

                return scalar.TryParseLiteral(literal, out _, out var error)
                    ? null
                    : $"Expected value of type \"{scalar.Name}\", found {ValuePrinting.PrintValue(literal)}; {error}";
            default:
                return $"Expected value of type \"{type}\", found {ValuePrinting.PrintValue(literal)}.";
        }
    }

    private static bool ContainsVariable(IValueNode node) => node switch
    {
        VariableNode => true,
        ListValueNode l => l.Values.Any(ContainsVariable),
        ObjectValueNode o => o.Fields.Any(f => ContainsVariable(f.Value)),
        _ => false,
    };
}
