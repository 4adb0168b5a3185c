using System.Text;

namespace CrowNest.GraphQL.Language;

/// <summary>Prints syntax trees exactly as graphql-js 16 <c>print()</c> does (two-space indentation, block-string descriptions, argument wrapping past 80 columns).</summary>
public static class Printer
{
    private const int MaxLineLength = 80;

    /// <summary>Prints any node; a <see cref="DocumentNode"/> prints its definitions separated by blank lines (no trailing newline).</summary>
    public static string Print(SyntaxNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return P(node);
    }

    /// <summary>graphql-js <c>printString</c>: a double-quoted string with control characters, quote and backslash escaped.</summary>
    public static string PrintString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case < '\u0020' or (>= '\u007F' and <= '\u009F'):
                    builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    private static string P(SyntaxNode? node) => node switch
    {
        null => string.Empty,
        NameNode n => n.Value,
        VariableNode n => "$" + n.Name.Value,
        DocumentNode n => Join(n.Definitions, "\n\n"),
        OperationDefinitionNode n => PrintOperation(n),
        VariableDefinitionNode n => Concat(
            Wrap(string.Empty, P(n.Description), "\n"),
            P(n.Variable),
            ": ",
            P(n.Type as SyntaxNode),
            Wrap(" = ", P(n.DefaultValue as SyntaxNode)),
            Wrap(" ", Join(n.Directives, " "))),
        SelectionSetNode n => Block(n.Selections),
        FieldNode n => Concat(
            WrappedLineAndArgs(n.Alias is null ? n.Name.Value : n.Alias.Value + ": " + n.Name.Value, n.Arguments),
            Wrap(" ", Join(n.Directives, " ")),
            Wrap(" ", P(n.SelectionSet))),
        ArgumentNode n => n.Name.Value + ": " + P(n.Value as SyntaxNode),
        FragmentSpreadNode n => "..." + n.Name.Value + Wrap(" ", Join(n.Directives, " ")),
        InlineFragmentNode n => JoinParts(" ", "...", Wrap("on ", P(n.TypeCondition)), Join(n.Directives, " "), P(n.SelectionSet)),
        FragmentDefinitionNode n => Concat(
            Wrap(string.Empty, P(n.Description), "\n"),
            "fragment ",
            n.Name.Value,
            " on ",
            P(n.TypeCondition),
            " ",
            Wrap(string.Empty, Join(n.Directives, " "), " "),
            P(n.SelectionSet)),
        IntValueNode n => n.Value,
        FloatValueNode n => n.Value,
        StringValueNode n => n.Block ? BlockString.Print(n.Value) : PrintString(n.Value),
        BooleanValueNode n => n.Value ? "true" : "false",
        NullValueNode => "null",
        EnumValueNode n => n.Value,
        ListValueNode n => "[" + Join(n.Values, ", ") + "]",
        ObjectValueNode n => "{" + Join(n.Fields, ", ") + "}",
        ObjectFieldNode n => n.Name.Value + ": " + P(n.Value as SyntaxNode),
        DirectiveNode n => "@" + n.Name.Value + Wrap("(", Join(n.Arguments, ", "), ")"),
        NamedTypeNode n => n.Name.Value,
        ListTypeNode n => "[" + P(n.Type as SyntaxNode) + "]",
        NonNullTypeNode n => P(n.Type as SyntaxNode) + "!",
        SchemaDefinitionNode n => Described(n.Description, JoinParts(" ", "schema", Join(n.Directives, " "), Block(n.OperationTypes))),
        OperationTypeDefinitionNode n => OperationName(n.Operation) + ": " + P(n.Type),
        ScalarTypeDefinitionNode n => Described(n.Description, JoinParts(" ", "scalar", n.Name.Value, Join(n.Directives, " "))),
        ObjectTypeDefinitionNode n => Described(n.Description, JoinParts(
            " ", "type", n.Name.Value, Wrap("implements ", Join(n.Interfaces, " & ")), Join(n.Directives, " "), Block(n.Fields))),
        FieldDefinitionNode n => Concat(
            Wrap(string.Empty, P(n.Description), "\n"),
            n.Name.Value,
            ArgumentDefinitions(n.Arguments),
            ": ",
            P(n.Type as SyntaxNode),
            Wrap(" ", Join(n.Directives, " "))),
        InputValueDefinitionNode n => Concat(
            Wrap(string.Empty, P(n.Description), "\n"),
            n.Name.Value,
            ": ",
            P(n.Type as SyntaxNode),
            Wrap(" = ", P(n.DefaultValue as SyntaxNode)),
            Wrap(" ", Join(n.Directives, " "))),
        InterfaceTypeDefinitionNode n => Described(n.Description, JoinParts(
            " ", "interface", n.Name.Value, Wrap("implements ", Join(n.Interfaces, " & ")), Join(n.Directives, " "), Block(n.Fields))),
        UnionTypeDefinitionNode n => Described(n.Description, JoinParts(
            " ", "union", n.Name.Value, Join(n.Directives, " "), Wrap("= ", Join(n.Types, " | ")))),
        EnumTypeDefinitionNode n => Described(n.Description, JoinParts(" ", "enum", n.Name.Value, Join(n.Directives, " "), Block(n.Values))),
        EnumValueDefinitionNode n => Described(n.Description, JoinParts(" ", n.Name.Value, Join(n.Directives, " "))),
        InputObjectTypeDefinitionNode n => Described(n.Description, JoinParts(
            " ", "input", n.Name.Value, Join(n.Directives, " "), Block(n.Fields))),
        DirectiveDefinitionNode n => Concat(
            Wrap(string.Empty, P(n.Description), "\n"),
            "directive @",
            n.Name.Value,
            ArgumentDefinitions(n.Arguments),
            n.IsRepeatable ? " repeatable" : string.Empty,
            " on ",
            Join(n.Locations, " | ")),
        SchemaExtensionNode n => JoinParts(" ", "extend schema", Join(n.Directives, " "), Block(n.OperationTypes)),
        ScalarTypeExtensionNode n => JoinParts(" ", "extend scalar", n.Name.Value, Join(n.Directives, " ")),
        ObjectTypeExtensionNode n => JoinParts(
            " ", "extend type", n.Name.Value, Wrap("implements ", Join(n.Interfaces, " & ")), Join(n.Directives, " "), Block(n.Fields)),
        InterfaceTypeExtensionNode n => JoinParts(
            " ", "extend interface", n.Name.Value, Wrap("implements ", Join(n.Interfaces, " & ")), Join(n.Directives, " "), Block(n.Fields)),
        UnionTypeExtensionNode n => JoinParts(" ", "extend union", n.Name.Value, Join(n.Directives, " "), Wrap("= ", Join(n.Types, " | "))),
        EnumTypeExtensionNode n => JoinParts(" ", "extend enum", n.Name.Value, Join(n.Directives, " "), Block(n.Values)),
        InputObjectTypeExtensionNode n => JoinParts(" ", "extend input", n.Name.Value, Join(n.Directives, " "), Block(n.Fields)),
        _ => throw new ArgumentException("Unknown syntax node " + node.GetType().Name + ".", nameof(node)),
    };

    private static string PrintOperation(OperationDefinitionNode n)
    {
        var operation = OperationName(n.Operation);
        var variableDefinitions = HasMultilineItems(n.VariableDefinitions, out var printed)
            ? Wrap("(\n", string.Join('\n', printed), "\n)")
            : Wrap("(", JoinStrings(printed, ", "), ")");
        var prefix = Concat(
            Wrap(string.Empty, P(n.Description), "\n"),
            JoinParts(" ", operation, Concat(n.Name?.Value ?? string.Empty, variableDefinitions), Join(n.Directives, " ")));

        // An anonymous query with no variables, directives or description prints in the shorthand form.
        return n.Operation == OperationType.Query && prefix.Length == operation.Length
            ? P(n.SelectionSet)
            : Concat(prefix, " ", P(n.SelectionSet));
    }

    private static string ArgumentDefinitions(IReadOnlyList<InputValueDefinitionNode> arguments) =>
        HasMultilineItems(arguments, out var printed)
            ? Wrap("(\n", Indent(string.Join('\n', printed)), "\n)")
            : Wrap("(", JoinStrings(printed, ", "), ")");

    private static string WrappedLineAndArgs(string prefix, IReadOnlyList<ArgumentNode> arguments)
    {
        if (arguments.Count == 0)
        {
            return prefix;
        }

        var joined = Join(arguments, ", ");
        return prefix.Length + joined.Length + 2 > MaxLineLength
            ? prefix + Wrap("(\n", Indent(Join(arguments, "\n")), "\n)")
            : prefix + Wrap("(", joined, ")");
    }

    private static string OperationName(OperationType operation) => operation switch
    {
        OperationType.Mutation => "mutation",
        OperationType.Subscription => "subscription",
        _ => "query",
    };

    private static string Described(StringValueNode? description, string rest) =>
        description is null ? rest : Concat(P(description), "\n", rest);

    private static bool HasMultilineItems<T>(IReadOnlyList<T> items, out List<string> printed)
    {
        printed = new List<string>(items.Count);
        var multiline = false;
        foreach (var item in items)
        {
            var text = P(item as SyntaxNode);
            multiline |= text.Contains('\n', StringComparison.Ordinal);
            printed.Add(text);
        }

        return multiline;
    }

    private static string Block<T>(IReadOnlyList<T> items) => Wrap("{\n", Indent(Join(items, "\n")), "\n}");

    private static string Indent(string text) => text.Length == 0 ? text : "  " + text.Replace("\n", "\n  ", StringComparison.Ordinal);

    private static string Wrap(string start, string text, string end = "") => text.Length == 0 ? string.Empty : start + text + end;

    private static string Concat(params ReadOnlySpan<string> parts) => string.Concat(parts);

    private static string Join<T>(IReadOnlyList<T> items, string separator)
    {
        if (items.Count == 0)
        {
            return string.Empty;
        }

        if (items.Count == 1)
        {
            return P(items[0] as SyntaxNode);
        }

        var builder = new StringBuilder();
        foreach (var item in items)
        {
            var text = P(item as SyntaxNode);
            if (text.Length == 0)
            {
                continue;
            }

            if (builder.Length != 0)
            {
                builder.Append(separator);
            }

            builder.Append(text);
        }

        return builder.ToString();
    }

    private static string JoinStrings(List<string> items, string separator)
    {
        var builder = new StringBuilder();
        foreach (var text in items)
        {
            if (text.Length == 0)
            {
                continue;
            }

            if (builder.Length != 0)
            {
                builder.Append(separator);
            }

            builder.Append(text);
        }

        return builder.ToString();
    }

    private static string JoinParts(string separator, params ReadOnlySpan<string> parts)
    {
        var builder = new StringBuilder();
        foreach (var text in parts)
        {
            if (text.Length == 0)
            {
                continue;
            }

            if (builder.Length != 0)
            {
                builder.Append(separator);
            }

            builder.Append(text);
        }

        return builder.ToString();
    }
}
