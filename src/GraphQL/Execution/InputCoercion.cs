using System.Collections;
using System.Runtime.CompilerServices;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Execution;

/// <summary>Reports one input coercion failure: the path inside the value, the offending value and the reason.</summary>
/// <param name="path">Keys and list indexes from the coerced value's root to the invalid part.</param>
/// <param name="invalidValue">The offending value.</param>
/// <param name="message">The reason, e.g. <c>Expected type "Int".</c></param>
public delegate void InputErrorHandler(IReadOnlyList<object> path, object? invalidValue, string message);

/// <summary>
/// Input coercion per GraphQL spec sections 5.6/6.1.2/6.4.1 with graphql-js v16 semantics and messages
/// (<c>coerceInputValue</c>, <c>valueFromAST</c>, <c>getVariableValues</c>, <c>getArgumentValues</c>).
/// Coerced input objects are <see cref="IReadOnlyDictionary{TKey,TValue}"/> (or <see cref="InputObjectType.RuntimeType"/>
/// instances), lists are <see cref="IReadOnlyList{T}"/>, enums are <see cref="EnumValue.RuntimeValue"/>.
/// </summary>
public static class InputCoercion
{
    private const int MaxVariableErrors = 50;

    private static readonly IReadOnlyDictionary<string, object?> Empty = new Dictionary<string, object?>();

    private static readonly ConditionalWeakTable<InputValue, StrongBox<object?>> Defaults = new();

    /// <summary>
    /// Coerces raw variable values against the operation's variable definitions. Returns the coerced values (absent
    /// variables without default are absent) and sets <paramref name="errors"/> (code <c>BAD_USER_INPUT</c>, located at the
    /// variable definition) when any variable is invalid; then the operation must not run.
    /// </summary>
    public static IReadOnlyDictionary<string, object?> CoerceVariableValues(
        Schema schema,
        IReadOnlyList<VariableDefinitionNode> definitions,
        IReadOnlyDictionary<string, object?>? inputs,
        out IReadOnlyList<GraphQLError>? errors)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(definitions);
        errors = null;
        if (definitions.Count == 0)
        {
            return Empty;
        }

        inputs ??= Empty;
        var coerced = new Dictionary<string, object?>(definitions.Count, StringComparer.Ordinal);
        List<GraphQLError>? list = null;

        bool Report(GraphQLError error)
        {
            list ??= [];
            if (list.Count >= MaxVariableErrors)
            {
                list.Add(new GraphQLError(
                    "Too many errors processing variables, error limit reached. Execution aborted.",
                    ErrorCodes.BadUserInput));
                return false;
            }

            list.Add(error);
            return true;
        }

        foreach (var definition in definitions)
        {
            var name = definition.Variable.Name.Value;
            var type = Messages.TypeFromAst(schema, definition.Type);
            if (type is null || !type.IsInputType)
            {
                if (!Report(BadInput(
                    $"Variable \"${name}\" expected value of type \"{Messages.PrintType(definition.Type)}\" which cannot be used as an input type.",
                    definition.Type as SyntaxNode)))
                {
                    break;
                }

                continue;
            }

            if (!inputs.TryGetValue(name, out var value))
            {
                if (definition.DefaultValue is not null)
                {
                    coerced[name] = TryValueFromAst(definition.DefaultValue, type, null, out var defaultValue) ? defaultValue : null;
                }
                else if (type is NonNullType)
                {
                    if (!Report(BadInput($"Variable \"${name}\" of required type \"{type}\" was not provided.", definition)))
                    {
                        break;
                    }
                }

                continue;
            }

            value = JsonInput.Normalize(value);
            if (value is null && type is NonNullType)
            {
                if (!Report(BadInput($"Variable \"${name}\" of non-null type \"{type}\" must not be null.", definition)))
                {
                    break;
                }

                continue;
            }

            var aborted = false;
            coerced[name] = CoerceInputValue(value, type, (path, invalid, message) =>
            {
                if (aborted)
                {
                    return;
                }

                var prefix = $"Variable \"${name}\" got invalid value {Messages.Inspect(invalid)}";
                if (path.Count > 0)
                {
                    prefix += $" at \"{name}{Messages.PrintPath(path)}\"";
                }

                aborted = !Report(BadInput(prefix + "; " + message, definition));
            });
            if (aborted)
            {
                break;
            }
        }

        if (list is not null)
        {
            errors = list;
        }

        return coerced;
    }

    /// <summary>
    /// Coerces a field's or directive's argument literals (spec CoerceArgumentValues). Absent arguments without default
    /// are absent from the result; an explicit <c>null</c> is present. Throws <see cref="GraphQLException"/> on an
    /// invalid argument (cannot happen for validated documents with valid variables).
    /// </summary>
    public static IReadOnlyDictionary<string, object?> CoerceArgumentValues(
        IReadOnlyDictionary<string, InputValue> definitions,
        IReadOnlyList<ArgumentNode> arguments,
        IReadOnlyDictionary<string, object?>? variables,
        SyntaxNode? node = null)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(arguments);
        if (definitions.Count == 0)
        {
            return Empty;
        }

        var coerced = new Dictionary<string, object?>(definitions.Count, StringComparer.Ordinal);
        foreach (var (name, definition) in definitions)
        {
            var type = definition.Type;
            ArgumentNode? argument = null;
            foreach (var a in arguments)
            {
                if (a.Name.Value == name)
                {
                    argument = a;
                }
            }

            if (argument is null)
            {
                if (definition.HasDefaultValue)
                {
                    coerced[name] = GetDefaultValue(definition);
                }
                else if (type is NonNullType)
                {
                    throw new GraphQLException(new GraphQLError(
                        $"Argument \"{name}\" of required type \"{type}\" was not provided.",
                        ErrorCodes.ExecutionError).WithLocations(node));
                }

                continue;
            }

            var valueNode = argument.Value;
            var isNull = valueNode is NullValueNode;
            if (valueNode is VariableNode variable)
            {
                var variableName = variable.Name.Value;
                if (variables is null || !variables.TryGetValue(variableName, out var variableValue))
                {
                    if (definition.HasDefaultValue)
                    {
                        coerced[name] = GetDefaultValue(definition);
                    }
                    else if (type is NonNullType)
                    {
                        throw new GraphQLException(new GraphQLError(
                            $"Argument \"{name}\" of required type \"{type}\" was provided the variable \"${variableName}\" which was not provided a runtime value.",
                            ErrorCodes.ExecutionError).WithLocations(variable));
                    }

                    continue;
                }

                isNull = variableValue is null;
            }

            if (isNull && type is NonNullType)
            {
                throw new GraphQLException(new GraphQLError(
                    $"Argument \"{name}\" of non-null type \"{type}\" must not be null.",
                    ErrorCodes.ExecutionError).WithLocations(valueNode as SyntaxNode));
            }

            if (!TryValueFromAst(valueNode, type, variables, out var value))
            {
                throw new GraphQLException(new GraphQLError(
                    $"Argument \"{name}\" has invalid value {Messages.PrintValue(valueNode)}.",
                    ErrorCodes.ExecutionError).WithLocations(valueNode as SyntaxNode));
            }

            coerced[name] = value;
        }

        return coerced;
    }

    /// <summary>
    /// Produces the coerced value of a literal (graphql-js <c>valueFromAST</c>); throws <see cref="GraphQLException"/>
    /// when the literal is invalid for <paramref name="type"/>.
    /// </summary>
    public static object? ValueFromAst(IValueNode node, GraphQLType type, IReadOnlyDictionary<string, object?>? variables = null) =>
        TryValueFromAst(node, type, variables, out var value)
            ? value
            : throw new GraphQLException(new GraphQLError(
                $"Expected value of type \"{type}\", found {Messages.PrintValue(node)}.",
                ErrorCodes.BadUserInput).WithLocations(node as SyntaxNode));

    /// <summary>
    /// graphql-js <c>valueFromAST</c>: false ("undefined") when the literal is invalid or references a variable that is
    /// missing where a value is required. Variables are the already-coerced values.
    /// </summary>
    public static bool TryValueFromAst(IValueNode? node, GraphQLType type, IReadOnlyDictionary<string, object?>? variables, out object? value)
    {
        ArgumentNullException.ThrowIfNull(type);
        value = null;
        if (node is null)
        {
            return false;
        }

        if (node is VariableNode variable)
        {
            if (variables is null || !variables.TryGetValue(variable.Name.Value, out var variableValue))
            {
                return false;
            }

            if (variableValue is null && type is NonNullType)
            {
                return false;
            }

            value = variableValue;
            return true;
        }

        if (type is NonNullType nonNull)
        {
            return node is not NullValueNode && TryValueFromAst(node, nonNull.OfType, variables, out value);
        }

        if (node is NullValueNode)
        {
            return true;
        }

        switch (type)
        {
            case ListType list:
                {
                    var itemType = list.OfType;
                    if (node is ListValueNode listNode)
                    {
                        var items = new object?[listNode.Values.Count];
                        for (var i = 0; i < items.Length; i++)
                        {
                            var itemNode = listNode.Values[i];
                            if (IsMissingVariable(itemNode, variables))
                            {
                                if (itemType is NonNullType)
                                {
                                    return false;
                                }

                                items[i] = null;
                            }
                            else if (TryValueFromAst(itemNode, itemType, variables, out var item))
                            {
                                items[i] = item;
                            }
                            else
                            {
                                return false;
                            }
                        }

                        value = items;
                        return true;
                    }

                    if (!TryValueFromAst(node, itemType, variables, out var single))
                    {
                        return false;
                    }

                    value = new[] { single };
                    return true;
                }

            case InputObjectType inputObject:
                {
                    if (node is not ObjectValueNode objectNode)
                    {
                        return false;
                    }

                    var result = new Dictionary<string, object?>(inputObject.Fields.Count, StringComparer.Ordinal);
                    foreach (var (fieldName, field) in inputObject.Fields)
                    {
                        ObjectFieldNode? fieldNode = null;
                        foreach (var f in objectNode.Fields)
                        {
                            if (f.Name.Value == fieldName)
                            {
                                fieldNode = f;
                            }
                        }

                        if (fieldNode is null || IsMissingVariable(fieldNode.Value, variables))
                        {
                            if (field.HasDefaultValue)
                            {
                                result[fieldName] = GetDefaultValue(field);
                            }
                            else if (field.Type is NonNullType)
                            {
                                return false;
                            }

                            continue;
                        }

                        if (!TryValueFromAst(fieldNode.Value, field.Type, variables, out var fieldValue))
                        {
                            return false;
                        }

                        result[fieldName] = fieldValue;
                    }

                    if (inputObject.IsOneOf && (result.Count != 1 || result.Values.First() is null))
                    {
                        return false;
                    }

                    return TryFinishInputObject(inputObject, result, out value, out _);
                }

            case EnumType enumType:
                {
                    if (node is not EnumValueNode enumNode || !enumType.Values.TryGetValue(enumNode.Value, out var enumValue))
                    {
                        return false;
                    }

                    value = enumValue.RuntimeValue;
                    return true;
                }

            case ScalarType scalar:
                {
                    try
                    {
                        return scalar.TryParseLiteral(SubstituteVariables(node, variables), out value, out _);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        return false;
                    }
                }

            default:
                return false;
        }
    }

    /// <summary>
    /// graphql-js <c>coerceInputValue</c>: coerces an external (JSON-derived) value to <paramref name="type"/>, calling
    /// <paramref name="onError"/> for every problem (or throwing <see cref="GraphQLException"/> on the first one when null).
    /// </summary>
    public static object? CoerceInputValue(object? inputValue, GraphQLType type, InputErrorHandler? onError = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        onError ??= static (path, invalid, message) =>
        {
            var at = path.Count > 0 ? $" at \"value{Messages.PrintPath(path)}\"" : string.Empty;
            throw new GraphQLException($"Invalid value {Messages.Inspect(invalid)}{at}: {message}", ErrorCodes.BadUserInput);
        };
        var path = new List<object>();
        return Coerce(JsonInput.Normalize(inputValue), type, onError, path);
    }

    private static object? Coerce(object? inputValue, GraphQLType type, InputErrorHandler onError, List<object> path)
    {
        if (type is NonNullType nonNull)
        {
            if (inputValue is not null)
            {
                return Coerce(inputValue, nonNull.OfType, onError, path);
            }

            onError(path.ToArray(), inputValue, $"Expected non-nullable type \"{type}\" not to be null.");
            return null;
        }

        if (inputValue is null)
        {
            return null;
        }

        switch (type)
        {
            case ListType list:
                {
                    if (inputValue is IEnumerable sequence and not string && !IsMap(inputValue))
                    {
                        var items = new List<object?>();
                        var index = 0;
                        foreach (var item in sequence)
                        {
                            path.Add(index);
                            items.Add(Coerce(JsonInput.Normalize(item), list.OfType, onError, path));
                            path.RemoveAt(path.Count - 1);
                            index++;
                        }

                        return items.ToArray();
                    }

                    // A single value is accepted as a list of one.
                    return new[] { Coerce(inputValue, list.OfType, onError, path) };
                }

            case InputObjectType inputObject:
                {
                    var map = AsMap(inputValue);
                    if (map is null)
                    {
                        onError(path.ToArray(), inputValue, $"Expected type \"{inputObject.Name}\" to be an object.");
                        return null;
                    }

                    var result = new Dictionary<string, object?>(inputObject.Fields.Count, StringComparer.Ordinal);
                    foreach (var (fieldName, field) in inputObject.Fields)
                    {
                        if (!map.TryGetValue(fieldName, out var fieldValue))
                        {
                            if (field.HasDefaultValue)
                            {
                                result[fieldName] = GetDefaultValue(field);
                            }
                            else if (field.Type is NonNullType)
                            {
                                onError(path.ToArray(), inputValue, $"Field \"{fieldName}\" of required type \"{field.Type}\" was not provided.");
                            }

                            continue;
                        }

                        path.Add(fieldName);
                        result[fieldName] = Coerce(JsonInput.Normalize(fieldValue), field.Type, onError, path);
                        path.RemoveAt(path.Count - 1);
                    }

                    foreach (var key in map.Keys)
                    {
                        if (!inputObject.Fields.ContainsKey(key))
                        {
                            var suggestions = Messages.SuggestionList(key, inputObject.Fields.Keys);
                            onError(path.ToArray(), inputValue, $"Field \"{key}\" is not defined by type \"{inputObject.Name}\"." + Messages.DidYouMean(null, suggestions));
                        }
                    }

                    if (inputObject.IsOneOf)
                    {
                        if (result.Count != 1)
                        {
                            onError(path.ToArray(), inputValue, $"Exactly one key must be specified for OneOf type \"{inputObject.Name}\".");
                        }

                        if (result.Count > 0)
                        {
                            var (key, value) = result.First();
                            if (value is null)
                            {
                                onError([.. path, key], value, $"Field \"{key}\" must be non-null.");
                            }
                        }
                    }

                    if (!TryFinishInputObject(inputObject, result, out var finished, out var conversionError))
                    {
                        onError(path.ToArray(), inputValue, $"Expected type \"{inputObject.Name}\". {conversionError}");
                        return null;
                    }

                    return finished;
                }

            case EnumType enumType:
                {
                    if (inputValue is not string name)
                    {
                        var text = Messages.Inspect(inputValue);
                        onError(path.ToArray(), inputValue, $"Enum \"{enumType.Name}\" cannot represent non-string value: {text}." + DidYouMeanEnumValue(enumType, text));
                        return null;
                    }

                    if (!enumType.Values.TryGetValue(name, out var enumValue))
                    {
                        onError(path.ToArray(), inputValue, $"Value \"{name}\" does not exist in \"{enumType.Name}\" enum." + DidYouMeanEnumValue(enumType, name));
                        return null;
                    }

                    return enumValue.RuntimeValue;
                }

            case ScalarType scalar:
                {
                    try
                    {
                        if (scalar.TryParseValue(inputValue, out var parsed, out var error))
                        {
                            return parsed;
                        }

                        onError(path.ToArray(), inputValue, error);
                    }
                    catch (GraphQLException ex)
                    {
                        onError(path.ToArray(), inputValue, ex.Error.Message);
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        onError(path.ToArray(), inputValue, $"Expected type \"{scalar.Name}\". {ex.Message}");
                    }

                    return null;
                }

            default:
                onError(path.ToArray(), inputValue, $"Expected an input type but got \"{type}\".");
                return null;
        }
    }

    /// <summary>The coerced default value of an argument or input field (cached per definition).</summary>
    public static object? GetDefaultValue(InputValue definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.DefaultValue is null)
        {
            return null;
        }

        return Defaults.GetValue(definition, static d =>
            new StrongBox<object?>(TryValueFromAst(d.DefaultValue, d.Type, null, out var value) ? value : null)).Value;
    }

    private static string DidYouMeanEnumValue(EnumType type, string unknown) =>
        Messages.DidYouMean("the enum value", Messages.SuggestionList(unknown, type.Values.Keys));

    private static bool TryFinishInputObject(InputObjectType type, Dictionary<string, object?> result, out object? value, out string? error)
    {
        error = null;
        if (type.RuntimeType is null)
        {
            value = result;
            return true;
        }

        try
        {
            value = ValueConverter.Convert(result, type.RuntimeType);
            return true;
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or ArgumentException or System.Reflection.TargetInvocationException)
        {
            value = null;
            error = (ex.InnerException ?? ex).Message;
            return false;
        }
    }

    private static bool IsMap(object value) => value is IReadOnlyDictionary<string, object?> or IDictionary<string, object?> or IDictionary;

    private static IReadOnlyDictionary<string, object?>? AsMap(object value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> map:
                return map;
            case IDictionary<string, object?> dictionary:
                return new Dictionary<string, object?>(dictionary, StringComparer.Ordinal);
            case IDictionary legacy:
                {
                    var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (DictionaryEntry entry in legacy)
                    {
                        copy[entry.Key.ToString() ?? string.Empty] = entry.Value;
                    }

                    return copy;
                }

            default:
                return null;
        }
    }

    private static bool IsMissingVariable(IValueNode node, IReadOnlyDictionary<string, object?>? variables) =>
        node is VariableNode variable && (variables is null || !variables.ContainsKey(variable.Name.Value));

    private static GraphQLError BadInput(string message, SyntaxNode? node) =>
        new GraphQLError(message, ErrorCodes.BadUserInput).WithLocations(node);

    /// <summary>Replaces variables nested in a list/object literal by literals of their values (custom scalars parse literals only).</summary>
    private static IValueNode SubstituteVariables(IValueNode node, IReadOnlyDictionary<string, object?>? variables)
    {
        switch (node)
        {
            case VariableNode variable:
                return variables is not null && variables.TryGetValue(variable.Name.Value, out var value) ? ValueToLiteral(value) : new NullValueNode();
            case ListValueNode list when ContainsVariable(list):
                return list with { Values = list.Values.Select(v => SubstituteVariables(v, variables)).ToArray() };
            case ObjectValueNode obj when ContainsVariable(obj):
                return obj with
                {
                    Fields = obj.Fields
                        .Where(f => f.Value is not VariableNode v || (variables?.ContainsKey(v.Name.Value) ?? false))
                        .Select(f => f with { Value = SubstituteVariables(f.Value, variables) })
                        .ToArray(),
                };
            default:
                return node;
        }
    }

    private static bool ContainsVariable(IValueNode node) => node switch
    {
        VariableNode => true,
        ListValueNode list => list.Values.Any(ContainsVariable),
        ObjectValueNode obj => obj.Fields.Any(f => ContainsVariable(f.Value)),
        _ => false,
    };

    private static IValueNode ValueToLiteral(object? value)
    {
        value = JsonInput.Normalize(value);
        return value switch
        {
            null => new NullValueNode(),
            string s => new StringValueNode(s),
            bool b => new BooleanValueNode(b),
            sbyte or byte or short or ushort or int or uint or long or ulong =>
                new IntValueNode(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!),
            double or float or decimal =>
                new FloatValueNode(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!),
            Enum e => new EnumValueNode(e.ToString()),
            IEnumerable<KeyValuePair<string, object?>> map =>
                new ObjectValueNode(map.Select(kv => new ObjectFieldNode(new NameNode(kv.Key), ValueToLiteral(kv.Value))).ToArray()),
            IEnumerable sequence => new ListValueNode(sequence.Cast<object?>().Select(ValueToLiteral).ToArray()),
            _ => new StringValueNode(value.ToString() ?? string.Empty),
        };
    }
}
