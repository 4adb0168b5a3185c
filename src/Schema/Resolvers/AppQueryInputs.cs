using System.Buffers;
using System.Collections;
using System.Text;
using System.Text.Json;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.Platform.Querying;

namespace CrowNest.Schema.Resolvers;

/// <summary>
/// GraphQL <c>&lt;Entity&gt;Filter</c> / <c>&lt;Entity&gt;OrderBy</c> input types generated from a
/// <see cref="IQueryDescriptor"/>, and the conversion of their coerced values back to the JSON the REST
/// <c>filter</c>/<c>orderBy</c> parameters take, so both front ends share one parser and cannot accept different
/// structures.
/// </summary>
internal static class QueryInputs
{
    /// <summary>Operator input types per field kind and the direction enum (added once per schema).</summary>
    public static string CommonSdl()
    {
        var sdl = new StringBuilder();
        sdl.AppendLine("\"Sort direction; `asc` = `asc_nulls_last`, `desc` = `desc_nulls_first` (PostgreSQL's defaults).\"");
        sdl.AppendLine("enum OrderDirection {");
        foreach (var name in OrderByParser.Directions.Keys)
        {
            sdl.Append("  ").AppendLine(name);
        }

        sdl.AppendLine("}");
        foreach (var kind in Enum.GetValues<FieldKind>())
        {
            sdl.Append('"').Append("Operations on ").Append(KindLabel(kind)).AppendLine(" field; negations are true for null values.\"");
            sdl.Append("input ").Append(OperationTypeName(kind)).AppendLine(" {");
            foreach (var (name, op) in FilterParser.OperatorNames)
            {
                if (!FilterParser.Supports(kind, op))
                {
                    continue;
                }

                var scalar = ScalarOf(kind);
                var type = op switch
                {
                    FilterOperator.IsNull => "Boolean",
                    FilterOperator.In or FilterOperator.Nin => $"[{scalar}!]",
                    _ => scalar,
                };
                sdl.Append("  ").Append(name).Append(": ").AppendLine(type);
            }

            sdl.AppendLine("}");
        }

        return sdl.ToString();
    }

    /// <summary><c>XFilter</c> and <c>XOrderBy</c> of the descriptor plus the filters of its relation targets.</summary>
    public static string EntitySdl(IQueryDescriptor descriptor)
    {
        var sdl = new StringBuilder();
        var done = new HashSet<string>(StringComparer.Ordinal);
        AppendFilter(sdl, descriptor, done);
        AppendOrderBy(sdl, descriptor, done);
        return sdl.ToString();
    }

    /// <summary><c>XOrderBy</c>: one field per element, or a to-one relation nesting the related <c>YOrderBy</c>.</summary>
    private static void AppendOrderBy(StringBuilder sdl, IQueryDescriptor descriptor, HashSet<string> done)
    {
        if (!done.Add(descriptor.EntityName + "OrderBy"))
        {
            return;
        }

        var toOne = descriptor.Relations.Values.Where(r => !r.IsCollection).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        sdl.Append('"').Append("Sort by one ").Append(descriptor.EntityName)
            .Append(toOne.Count > 0 ? " field (or a to-one relation's field, nested)" : " field")
            .AppendLine(" per element (exactly one set); the id is always the final tiebreaker.\"");
        sdl.Append("input ").Append(descriptor.EntityName).AppendLine("OrderBy @oneOf {");
        foreach (var name in descriptor.Fields.Keys.Concat(toOne.Select(r => r.Name)).Order(StringComparer.Ordinal))
        {
            sdl.Append("  ").Append(name).Append(": ")
                .AppendLine(descriptor.Relations.TryGetValue(name, out var relation) ? relation.Target.EntityName + "OrderBy" : "OrderDirection");
        }

        sdl.AppendLine("}");
        foreach (var relation in toOne)
        {
            AppendOrderBy(sdl, relation.Target, done);
        }
    }

    private static void AppendFilter(StringBuilder sdl, IQueryDescriptor descriptor, HashSet<string> done)
    {
        var name = descriptor.EntityName + "Filter";
        if (!done.Add(name))
        {
            return;
        }

        sdl.Append('"').Append("Filter on ").Append(descriptor.EntityName).AppendLine("; several fields in one object combine with AND.\"");
        sdl.Append("input ").Append(name).AppendLine(" {");
        sdl.Append("  and: [").Append(name).AppendLine("!]");
        sdl.Append("  or: [").Append(name).AppendLine("!]");
        sdl.Append("  not: ").AppendLine(name);
        foreach (var field in descriptor.Fields.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            sdl.Append("  ").Append(field.Name).Append(": ").AppendLine(OperationTypeName(field.Kind));
        }

        foreach (var relation in descriptor.Relations.Values.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            sdl.Append("  ").Append(relation.Name).Append(": ").Append(relation.Target.EntityName).AppendLine(relation.IsCollection ? "ListFilter" : "Filter");
        }

        sdl.AppendLine("}");
        foreach (var relation in descriptor.Relations.Values.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            AppendFilter(sdl, relation.Target, done);
            if (relation.IsCollection && done.Add(relation.Target.EntityName + "ListFilter"))
            {
                var target = relation.Target.EntityName;
                sdl.Append('"').Append("Quantifiers over related ").Append(target).AppendLine(" rows.\"");
                sdl.Append("input ").Append(target).AppendLine("ListFilter {");
                sdl.Append("  some: ").Append(target).AppendLine("Filter");
                sdl.Append("  every: ").Append(target).AppendLine("Filter");
                sdl.Append("  none: ").Append(target).AppendLine("Filter");
                sdl.AppendLine("}");
            }
        }
    }

    public static string OperationTypeName(FieldKind kind) => kind switch
    {
        FieldKind.String => "StringFilter",
        FieldKind.Enum => "EnumValueFilter",
        FieldKind.Boolean => "BooleanFilter",
        FieldKind.Timestamp => "DateTimeFilter",
        _ => "IntFilter",
    };

    private static string ScalarOf(FieldKind kind) => kind switch
    {
        FieldKind.String or FieldKind.Enum => "String",
        FieldKind.Boolean => "Boolean",
        FieldKind.Timestamp => "DateTime",
        _ => "Int",
    };

    private static string KindLabel(FieldKind kind) => kind switch
    {
        FieldKind.String => "a text",
        FieldKind.Enum => "an enumerated text",
        FieldKind.Boolean => "a boolean",
        FieldKind.Timestamp => "a timestamp",
        _ => "an integer",
    };

    /// <summary>A coerced input value (dictionaries, lists, scalars) as JSON; null object members are dropped.</summary>
    public static JsonElement ToJson(object? value)
    {
        // Written straight to UTF-8 and read back once (no intermediate JsonNode tree): this runs for every listing.
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (name, member) in map)
                {
                    if (member is not null)
                    {
                        writer.WritePropertyName(name);
                        Write(writer, member);
                    }
                }

                writer.WriteEndObject();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int n:
                writer.WriteNumberValue(n);
                break;
            case long n:
                writer.WriteNumberValue(n);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case DateTimeOffset ts:
                writer.WriteStringValue(ts.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                break;
            case JsonElement e:
                e.WriteTo(writer);
                break;
            case IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }

    /// <summary>Whether the current field's selection includes <paramref name="name"/> (fragments count as yes).</summary>
    public static bool Selects(IResolverContext ctx, string name)
    {
        foreach (var node in ctx.FieldNodes)
        {
            if (node.SelectionSet is { } set && Selects(set, name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Selects(SelectionSetNode set, string name)
    {
        foreach (var selection in set.Selections)
        {
            switch (selection)
            {
                case FieldNode field when field.Name.Value == name:
                    return true;
                case InlineFragmentNode inline when Selects(inline.SelectionSet, name):
                    return true;
                case FragmentSpreadNode:
                    // Resolving the fragment here is not worth it: counting is only a cost, never a wrong answer.
                    return true;
            }
        }

        return false;
    }
}
