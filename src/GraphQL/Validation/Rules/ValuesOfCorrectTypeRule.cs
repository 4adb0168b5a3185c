using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>
/// Spec 5.6.1 Values of Correct Type, 5.6.2 Input Object Field Names, 5.6.4 Input Object Required Fields, and the
/// OneOf Input Object literal rules. Scalars decide validity through <see cref="ScalarType.TryParseLiteral"/>.
/// </summary>
public sealed class ValuesOfCorrectTypeRule(ValidationContext context) : ValidationRule(context)
{
    private static readonly HashSet<string> BuiltInScalars = new(StringComparer.Ordinal) { "Int", "Float", "String", "Boolean", "ID" };

    // graphql-js stops visiting below a list/object literal that does not match its type (the literal is reported once).
    private IValueNode? _skipped;

    /// <inheritdoc />
    public override void EnterListValue(ListValueNode node)
    {
        if (_skipped is not null)
        {
            return;
        }

        // The walker already moved to the item type; the list type is the parent input type.
        if (Context.ParentInputType?.Nullable is not ListType)
        {
            IsValidValueNode(node);
            _skipped = node;
        }
    }

    /// <inheritdoc />
    public override void LeaveListValue(ListValueNode node)
    {
        if (ReferenceEquals(_skipped, node))
        {
            _skipped = null;
        }
    }

    /// <inheritdoc />
    public override void EnterObjectValue(ObjectValueNode node)
    {
        if (_skipped is not null)
        {
            return;
        }

        if (Context.InputType?.Named is not InputObjectType type)
        {
            IsValidValueNode(node);
            _skipped = node;
            return;
        }

        foreach (var (name, fieldDef) in type.Fields)
        {
            if (ValidationTypes.IsRequired(fieldDef) && FindField(node, name) is null)
            {
                Context.ReportError($"Field \"{type.Name}.{name}\" of required type \"{fieldDef.Type}\" was not provided.", node);
            }
        }

        if (type.IsOneOf)
        {
            ValidateOneOf(node, type);
        }
    }

    /// <inheritdoc />
    public override void LeaveObjectValue(ObjectValueNode node)
    {
        if (ReferenceEquals(_skipped, node))
        {
            _skipped = null;
        }
    }

    /// <inheritdoc />
    public override void EnterObjectField(ObjectFieldNode node)
    {
        if (_skipped is not null)
        {
            return;
        }

        if (Context.InputType is null && Context.ParentInputType?.Named is InputObjectType parentType)
        {
            var suggestions = Context.HideSuggestions ? string.Empty : Suggestions.DidYouMean(Suggestions.List(node.Name.Value, parentType.Fields.Keys));
            Context.ReportError($"Field \"{node.Name.Value}\" is not defined by type \"{parentType.Name}\".{suggestions}", node);
        }
    }

    /// <inheritdoc />
    public override void EnterNullValue(NullValueNode node)
    {
        if (_skipped is null && Context.InputType is NonNullType type)
        {
            Context.ReportError($"Expected value of type \"{type}\", found null.", node);
        }
    }

    /// <inheritdoc />
    public override void EnterLeafValue(IValueNode node)
    {
        if (_skipped is null)
        {
            IsValidValueNode(node);
        }
    }

    private void IsValidValueNode(IValueNode node)
    {
        if (Context.InputType is not { } locationType)
        {
            return;
        }

        var type = locationType.Named;
        switch (type)
        {
            case EnumType enumType:
                ValidateEnum(node, enumType);
                return;
            case ScalarType scalar:
                {
                    // graphql-js parses literals without variable values; custom scalars get variables as null.
                    // Built-in scalars reject every list/object anyway and print the literal as written.
                    var builtIn = BuiltInScalars.Contains(scalar.Name);
                    var literal = !builtIn && ValidationTypes.ContainsVariable(node) ? ValidationTypes.WithoutVariables(node) : node;
                    if (scalar.TryParseLiteral(literal, out _, out var error))
                    {
                        return;
                    }

                    // Built-in scalars throw located GraphQLErrors in graphql-js, reported with their own message.
                    Context.ReportError(
                        builtIn
                            ? error
                            : $"Expected value of type \"{locationType}\", found {ValidationTypes.Print(node)}; {error}",
                        (SyntaxNode)node);
                    return;
                }

            default:
                Context.ReportError($"Expected value of type \"{locationType}\", found {ValidationTypes.Print(node)}.", (SyntaxNode)node);
                return;
        }
    }

    private void ValidateEnum(IValueNode node, EnumType enumType)
    {
        var valueStr = ValidationTypes.Print(node);
        if (node is not EnumValueNode enumValue)
        {
            Context.ReportError(
                $"Enum \"{enumType.Name}\" cannot represent non-enum value: {valueStr}." + SuggestEnumValue(enumType, valueStr),
                (SyntaxNode)node);
            return;
        }

        if (!enumType.Values.ContainsKey(enumValue.Value))
        {
            Context.ReportError(
                $"Value \"{valueStr}\" does not exist in \"{enumType.Name}\" enum." + SuggestEnumValue(enumType, valueStr),
                (SyntaxNode)node);
        }
    }

    private string SuggestEnumValue(EnumType enumType, string valueStr) =>
        Context.HideSuggestions ? string.Empty : Suggestions.DidYouMean(Suggestions.List(valueStr, enumType.Values.Keys), "the enum value");

    private void ValidateOneOf(ObjectValueNode node, InputObjectType type)
    {
        // graphql-js keys the fields by name, so duplicates count once.
        string? firstName = null;
        ObjectFieldNode? firstField = null;
        var distinct = 0;
        for (var i = 0; i < node.Fields.Count; i++)
        {
            var field = node.Fields[i];
            var seen = false;
            for (var j = 0; j < i; j++)
            {
                if (node.Fields[j].Name.Value == field.Name.Value)
                {
                    seen = true;
                    break;
                }
            }

            if (!seen)
            {
                distinct++;
                if (firstName is null)
                {
                    firstName = field.Name.Value;
                }
            }

            if (field.Name.Value == firstName)
            {
                // keyMap keeps the last node for a name.
                firstField = field;
            }
        }

        if (distinct != 1)
        {
            Context.ReportError($"OneOf Input Object \"{type.Name}\" must specify exactly one key.", node);
            return;
        }

        if (firstField!.Value is NullValueNode)
        {
            Context.ReportError($"Field \"{type.Name}.{firstName}\" must be non-null.", node);
        }
    }

    private static ObjectFieldNode? FindField(ObjectValueNode node, string name)
    {
        foreach (var field in node.Fields)
        {
            if (field.Name.Value == name)
            {
                return field;
            }
        }

        return null;
    }
}
