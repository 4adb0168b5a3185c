using System.Text;

namespace CrowNest.GraphQL.Types;

/// <summary>Prints a schema as SDL byte-identically to graphql-js 16 <c>printSchema</c>.</summary>
public static class SchemaPrinter
{
    /// <summary>
    /// Prints the schema without built-in scalars, specified directives and introspection types. The <c>schema {}</c> block
    /// appears only for non-default root names or a schema description. No trailing newline (as graphql-js).
    /// </summary>
    public static string Print(Schema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var parts = new List<string>();
        if (PrintSchemaDefinition(schema) is { } schemaDefinition)
        {
            parts.Add(schemaDefinition);
        }

        foreach (var directive in schema.Directives)
        {
            if (!BuiltInDirectives.IsSpecifiedName(directive.Name))
            {
                parts.Add(PrintDirective(directive));
            }
        }

        foreach (var type in schema.Types)
        {
            if (!BuiltInScalars.IsSpecified(type) && !Introspection.IsIntrospectionType(type))
            {
                parts.Add(PrintType(type));
            }
        }

        return string.Join("\n\n", parts);
    }

    /// <summary>Prints the SDL of one named type (graphql-js <c>printType</c>).</summary>
    public static string PrintType(NamedType type) => type switch
    {
        ScalarType scalar => PrintDescription(scalar.Description) + "scalar " + scalar.Name + PrintSpecifiedBy(scalar.SpecifiedByUrl),
        ObjectType obj => PrintDescription(obj.Description) + "type " + obj.Name + PrintImplements(obj.Interfaces) + PrintFields(obj.Fields),
        InterfaceType iface => PrintDescription(iface.Description) + "interface " + iface.Name + PrintImplements(iface.Interfaces) + PrintFields(iface.Fields),
        UnionType union => PrintDescription(union.Description) + "union " + union.Name
            + (union.Types.Count > 0 ? " = " + string.Join(" | ", union.Types.Select(t => t.Name)) : string.Empty),
        EnumType e => PrintDescription(e.Description) + "enum " + e.Name + PrintBlock(e.Values.Values.Select(
            (v, i) => PrintDescription(v.Description, "  ", i == 0) + "  " + v.Name + PrintDeprecated(v.DeprecationReason))),
        InputObjectType input => PrintDescription(input.Description) + "input " + input.Name + (input.IsOneOf ? " @oneOf" : string.Empty)
            + PrintBlock(input.Fields.Values.Select((f, i) => PrintDescription(f.Description, "  ", i == 0) + "  " + PrintInputValue(f))),
        _ => throw new ArgumentException($"Unexpected type {type.GetType().Name}.", nameof(type)),
    };

    /// <summary>Prints a directive definition (graphql-js <c>printDirective</c>).</summary>
    public static string PrintDirective(DirectiveDefinition directive) =>
        PrintDescription(directive.Description) + "directive @" + directive.Name + PrintArgs([.. directive.Arguments.Values])
        + PrintDeprecated(directive.DeprecationReason) + (directive.IsRepeatable ? " repeatable" : string.Empty)
        + " on " + string.Join(" | ", directive.Locations.Select(Introspection.LocationName));

    private static string? PrintSchemaDefinition(Schema schema)
    {
        var commonNames = schema.QueryType.Name == "Query"
            && (schema.MutationType is null || schema.MutationType.Name == "Mutation")
            && (schema.SubscriptionType is null || schema.SubscriptionType.Name == "Subscription");
        if (schema.Description is null && commonNames)
        {
            return null;
        }

        var sb = new StringBuilder(PrintDescription(schema.Description)).Append("schema {\n");
        sb.Append("  query: ").Append(schema.QueryType.Name);
        if (schema.MutationType is not null)
        {
            sb.Append("\n  mutation: ").Append(schema.MutationType.Name);
        }

        if (schema.SubscriptionType is not null)
        {
            sb.Append("\n  subscription: ").Append(schema.SubscriptionType.Name);
        }

        return sb.Append("\n}").ToString();
    }

    private static string PrintImplements(IList<InterfaceType> interfaces) =>
        interfaces.Count > 0 ? " implements " + string.Join(" & ", interfaces.Select(i => i.Name)) : string.Empty;

    private static string PrintFields(OrderedMap<OutputField> fields) => PrintBlock(fields.Values.Select(
        (f, i) => PrintDescription(f.Description, "  ", i == 0) + "  " + f.Name + PrintArgs([.. f.Arguments.Values], "  ")
            + ": " + f.Type + PrintDeprecated(f.DeprecationReason)));

    private static string PrintBlock(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count != 0 ? " {\n" + string.Join("\n", list) + "\n}" : string.Empty;
    }

    private static string PrintArgs(IReadOnlyList<InputValue> args, string indentation = "")
    {
        if (args.Count == 0)
        {
            return string.Empty;
        }

        if (args.All(a => string.IsNullOrEmpty(a.Description)))
        {
            return "(" + string.Join(", ", args.Select(PrintInputValue)) + ")";
        }

        return "(\n" + string.Join("\n", args.Select(
            (a, i) => PrintDescription(a.Description, "  " + indentation, i == 0) + "  " + indentation + PrintInputValue(a)))
            + "\n" + indentation + ")";
    }

    private static string PrintInputValue(InputValue value)
    {
        var declaration = value.Name + ": " + value.Type;
        if (DefaultValues.Print(value) is { } printed)
        {
            declaration += " = " + printed;
        }

        return declaration + PrintDeprecated(value.DeprecationReason);
    }

    private static string PrintDeprecated(string? reason) => reason switch
    {
        null => string.Empty,
        BuiltInDirectives.DefaultDeprecationReason => " @deprecated",
        _ => " @deprecated(reason: " + ValuePrinting.PrintString(reason) + ")",
    };

    private static string PrintSpecifiedBy(string? url) =>
        url is null ? string.Empty : " @specifiedBy(url: " + ValuePrinting.PrintString(url) + ")";

    private static string PrintDescription(string? description, string indentation = "", bool firstInBlock = true)
    {
        if (description is null)
        {
            return string.Empty;
        }

        var block = ValuePrinting.PrintDescriptionString(description);
        var prefix = indentation.Length > 0 && !firstInBlock ? "\n" + indentation : indentation;
        return prefix + block.Replace("\n", "\n" + indentation, StringComparison.Ordinal) + "\n";
    }
}
