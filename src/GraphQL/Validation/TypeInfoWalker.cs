using System.Collections.Concurrent;
using System.Reflection;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation;

/// <summary>A hook of <see cref="ValidationRule"/> that the walker dispatches.</summary>
internal enum Hook
{
    EnterDocument,
    LeaveDocument,
    EnterOperationDefinition,
    LeaveOperationDefinition,
    EnterVariableDefinition,
    EnterSelectionSet,
    LeaveSelectionSet,
    EnterField,
    LeaveField,
    EnterFragmentSpread,
    EnterInlineFragment,
    LeaveInlineFragment,
    EnterFragmentDefinition,
    LeaveFragmentDefinition,
    EnterDirective,
    LeaveDirective,
    EnterArgument,
    EnterListValue,
    LeaveListValue,
    EnterObjectValue,
    LeaveObjectValue,
    EnterObjectField,
    EnterLeafValue,
    EnterNullValue,
    EnterVariable,
    EnterNamedType,
    EnterTypeSystemNode,
}

/// <summary>
/// One depth-first traversal of a document keeping graphql-js <c>TypeInfo</c> state (parent type, field definition,
/// input type, argument, default value) and calling the rules that override each hook.
/// </summary>
internal sealed class TypeInfoWalker
{
    private static readonly int HookCount = Enum.GetValues<Hook>().Length;
    private static readonly ConcurrentDictionary<Type, bool[]> OverridesByType = new();

    private readonly Schema _schema;
    private readonly ValidationContext _context;
    private readonly ValidationRule[][] _hooks;
    private readonly List<VariableUsage>? _usageSink;

    private readonly WalkStack<GraphQLType?> _typeStack = new();
    private readonly WalkStack<NamedType?> _parentTypeStack = new();
    private readonly WalkStack<GraphQLType?> _inputTypeStack = new();
    private readonly WalkStack<OutputField?> _fieldDefStack = new();
    private readonly WalkStack<IValueNode?> _defaultValueStack = new();

    public TypeInfoWalker(ValidationContext context, IReadOnlyList<ValidationRule> rules, List<VariableUsage>? usageSink = null)
    {
        _context = context;
        _schema = context.Schema;
        _usageSink = usageSink;
        var lists = new List<ValidationRule>?[HookCount];
        foreach (var rule in rules)
        {
            var overrides = OverridesByType.GetOrAdd(rule.GetType(), FindOverrides);
            for (var i = 0; i < overrides.Length; i++)
            {
                if (overrides[i])
                {
                    (lists[i] ??= []).Add(rule);
                }
            }
        }

        _hooks = new ValidationRule[HookCount][];
        for (var i = 0; i < HookCount; i++)
        {
            _hooks[i] = lists[i] is { } list ? [.. list] : [];
        }
    }

    public GraphQLType? Type => _typeStack.Peek();

    public NamedType? ParentType => _parentTypeStack.Peek();

    public GraphQLType? InputType => _inputTypeStack.Peek();

    public GraphQLType? ParentInputType => _inputTypeStack.PeekParent();

    public OutputField? FieldDef => _fieldDefStack.Peek();

    public IValueNode? DefaultValue => _defaultValueStack.Peek();

    public DirectiveDefinition? Directive { get; private set; }

    public InputValue? Argument { get; private set; }

    public DirectiveNode? CurrentDirective { get; private set; }

    public bool InTypeSystemDefinition { get; private set; }

    private static bool[] FindOverrides(Type type)
    {
        var result = new bool[HookCount];
        var baseType = typeof(ValidationRule);
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.IsVirtual && method.DeclaringType != baseType && method.GetBaseDefinition().DeclaringType == baseType
                && Enum.TryParse<Hook>(method.Name, out var hook))
            {
                result[(int)hook] = true;
            }
        }

        return result;
    }

    public void WalkDocument(DocumentNode document)
    {
        _context.CountWork(1);
        foreach (var rule in _hooks[(int)Hook.EnterDocument])
        {
            rule.EnterDocument(document);
        }

        foreach (var definition in document.Definitions)
        {
            switch (definition)
            {
                case OperationDefinitionNode operation:
                    WalkOperation(operation);
                    break;
                case FragmentDefinitionNode fragment:
                    WalkFragmentDefinition(fragment);
                    break;
                default:
                    InTypeSystemDefinition = true;
                    WalkTypeSystemDefinition(definition);
                    InTypeSystemDefinition = false;
                    break;
            }
        }

        foreach (var rule in _hooks[(int)Hook.LeaveDocument])
        {
            rule.LeaveDocument(document);
        }
    }

    public void WalkOperation(OperationDefinitionNode node)
    {
        _context.CountWork(1);
        _typeStack.Push(_schema.GetRootType(node.Operation));
        foreach (var rule in _hooks[(int)Hook.EnterOperationDefinition])
        {
            rule.EnterOperationDefinition(node);
        }

        if (_usageSink is null)
        {
            foreach (var variable in node.VariableDefinitions)
            {
                WalkVariableDefinition(variable);
            }
        }

        WalkDirectives(
            node.Directives,
            node.Operation switch
            {
                OperationType.Query => DirectiveLocation.Query,
                OperationType.Mutation => DirectiveLocation.Mutation,
                _ => DirectiveLocation.Subscription,
            });
        WalkSelectionSet(node.SelectionSet, node);
        foreach (var rule in _hooks[(int)Hook.LeaveOperationDefinition])
        {
            rule.LeaveOperationDefinition(node);
        }

        _typeStack.Pop();
    }

    private void WalkVariableDefinition(VariableDefinitionNode node)
    {
        _context.CountWork(1);
        var type = ValidationTypes.FromTypeNode(_schema, node.Type);
        _inputTypeStack.Push(type is { IsInputType: true } ? type : null);
        foreach (var rule in _hooks[(int)Hook.EnterVariableDefinition])
        {
            rule.EnterVariableDefinition(node);
        }

        WalkVariable(node.Variable);
        WalkTypeReference(node.Type);
        if (node.DefaultValue is { } defaultValue)
        {
            WalkValue(defaultValue);
        }

        WalkDirectives(node.Directives, DirectiveLocation.VariableDefinition);
        _inputTypeStack.Pop();
    }

    private void WalkSelectionSet(SelectionSetNode node, SyntaxNode parent)
    {
        _context.CountWork(1);
        var named = _typeStack.Peek()?.Named;
        _parentTypeStack.Push(named is { IsComposite: true } ? named : null);
        foreach (var rule in _hooks[(int)Hook.EnterSelectionSet])
        {
            rule.EnterSelectionSet(node, parent);
        }

        foreach (var selection in node.Selections)
        {
            switch (selection)
            {
                case FieldNode field:
                    WalkField(field);
                    break;
                case FragmentSpreadNode spread:
                    WalkFragmentSpread(spread);
                    break;
                case InlineFragmentNode inline:
                    WalkInlineFragment(inline);
                    break;
                default:
                    break;
            }
        }

        foreach (var rule in _hooks[(int)Hook.LeaveSelectionSet])
        {
            rule.LeaveSelectionSet(node, parent);
        }

        _parentTypeStack.Pop();
    }

    private void WalkField(FieldNode node)
    {
        _context.CountWork(1);
        var parentType = _parentTypeStack.Peek();
        var fieldDef = parentType is null ? null : _schema.GetField(parentType, node.Name.Value);
        _fieldDefStack.Push(fieldDef);
        _typeStack.Push(fieldDef?.Type is { IsOutputType: true } t ? t : null);
        foreach (var rule in _hooks[(int)Hook.EnterField])
        {
            rule.EnterField(node);
        }

        foreach (var argument in node.Arguments)
        {
            WalkArgument(argument);
        }

        WalkDirectives(node.Directives, DirectiveLocation.Field);
        if (node.SelectionSet is { } selectionSet)
        {
            WalkSelectionSet(selectionSet, node);
        }

        foreach (var rule in _hooks[(int)Hook.LeaveField])
        {
            rule.LeaveField(node);
        }

        _typeStack.Pop();
        _fieldDefStack.Pop();
    }

    private void WalkFragmentSpread(FragmentSpreadNode node)
    {
        _context.CountWork(1);
        foreach (var rule in _hooks[(int)Hook.EnterFragmentSpread])
        {
            rule.EnterFragmentSpread(node);
        }

        WalkDirectives(node.Directives, DirectiveLocation.FragmentSpread);
    }

    private void WalkInlineFragment(InlineFragmentNode node)
    {
        _context.CountWork(1);
        var type = node.TypeCondition is { } condition ? _schema.GetType(condition.Name.Value) : _typeStack.Peek()?.Named;
        _typeStack.Push(type is { IsOutputType: true } ? type : null);
        foreach (var rule in _hooks[(int)Hook.EnterInlineFragment])
        {
            rule.EnterInlineFragment(node);
        }

        if (node.TypeCondition is { } typeCondition)
        {
            WalkNamedType(typeCondition);
        }

        WalkDirectives(node.Directives, DirectiveLocation.InlineFragment);
        WalkSelectionSet(node.SelectionSet, node);
        foreach (var rule in _hooks[(int)Hook.LeaveInlineFragment])
        {
            rule.LeaveInlineFragment(node);
        }

        _typeStack.Pop();
    }

    public void WalkFragmentDefinition(FragmentDefinitionNode node)
    {
        _context.CountWork(1);
        var type = _schema.GetType(node.TypeCondition.Name.Value);
        _typeStack.Push(type is { IsOutputType: true } ? type : null);
        foreach (var rule in _hooks[(int)Hook.EnterFragmentDefinition])
        {
            rule.EnterFragmentDefinition(node);
        }

        WalkNamedType(node.TypeCondition);
        WalkDirectives(node.Directives, DirectiveLocation.FragmentDefinition);
        WalkSelectionSet(node.SelectionSet, node);
        foreach (var rule in _hooks[(int)Hook.LeaveFragmentDefinition])
        {
            rule.LeaveFragmentDefinition(node);
        }

        _typeStack.Pop();
    }

    private void WalkDirectives(IReadOnlyList<DirectiveNode> directives, DirectiveLocation? location)
    {
        foreach (var directive in directives)
        {
            _context.CountWork(1);
            Directive = _schema.GetDirective(directive.Name.Value);
            CurrentDirective = directive;
            foreach (var rule in _hooks[(int)Hook.EnterDirective])
            {
                rule.EnterDirective(directive, location);
            }

            foreach (var argument in directive.Arguments)
            {
                WalkArgument(argument);
            }

            foreach (var rule in _hooks[(int)Hook.LeaveDirective])
            {
                rule.LeaveDirective(directive);
            }

            Directive = null;
            CurrentDirective = null;
        }
    }

    private void WalkArgument(ArgumentNode node)
    {
        _context.CountWork(1);
        // graphql-js: `getDirective() ?? getFieldDef()`, so arguments of an unknown directive resolve against the field.
        InputValue? argDef = null;
        (Directive?.Arguments ?? _fieldDefStack.Peek()?.Arguments)?.TryGetValue(node.Name.Value, out argDef);

        Argument = argDef;
        _defaultValueStack.Push(argDef?.DefaultValue);
        _inputTypeStack.Push(argDef?.Type is { IsInputType: true } t ? t : null);
        foreach (var rule in _hooks[(int)Hook.EnterArgument])
        {
            rule.EnterArgument(node);
        }

        WalkValue(node.Value);
        Argument = null;
        _defaultValueStack.Pop();
        _inputTypeStack.Pop();
    }

    private void WalkValue(IValueNode node)
    {
        _context.CountWork(1);
        switch (node)
        {
            case VariableNode variable:
                WalkVariable(variable);
                break;
            case ListValueNode list:
                {
                    var listType = _inputTypeStack.Peek()?.Nullable;
                    var itemType = listType is ListType l ? l.OfType : listType;
                    _defaultValueStack.Push(null);
                    _inputTypeStack.Push(itemType is { IsInputType: true } ? itemType : null);
                    foreach (var rule in _hooks[(int)Hook.EnterListValue])
                    {
                        rule.EnterListValue(list);
                    }

                    foreach (var item in list.Values)
                    {
                        WalkValue(item);
                    }

                    foreach (var rule in _hooks[(int)Hook.LeaveListValue])
                    {
                        rule.LeaveListValue(list);
                    }

                    _defaultValueStack.Pop();
                    _inputTypeStack.Pop();
                    break;
                }

            case ObjectValueNode obj:
                foreach (var rule in _hooks[(int)Hook.EnterObjectValue])
                {
                    rule.EnterObjectValue(obj);
                }

                foreach (var field in obj.Fields)
                {
                    WalkObjectField(field);
                }

                foreach (var rule in _hooks[(int)Hook.LeaveObjectValue])
                {
                    rule.LeaveObjectValue(obj);
                }

                break;
            case NullValueNode nullValue:
                foreach (var rule in _hooks[(int)Hook.EnterNullValue])
                {
                    rule.EnterNullValue(nullValue);
                }

                break;
            default:
                foreach (var rule in _hooks[(int)Hook.EnterLeafValue])
                {
                    rule.EnterLeafValue(node);
                }

                break;
        }
    }

    private void WalkObjectField(ObjectFieldNode node)
    {
        _context.CountWork(1);
        InputValue? inputField = null;
        if (_inputTypeStack.Peek()?.Named is InputObjectType objectType)
        {
            objectType.Fields.TryGetValue(node.Name.Value, out inputField);
        }

        _defaultValueStack.Push(inputField?.DefaultValue);
        _inputTypeStack.Push(inputField?.Type is { IsInputType: true } t ? t : null);
        foreach (var rule in _hooks[(int)Hook.EnterObjectField])
        {
            rule.EnterObjectField(node);
        }

        WalkValue(node.Value);
        _defaultValueStack.Pop();
        _inputTypeStack.Pop();
    }

    private void WalkVariable(VariableNode node)
    {
        _usageSink?.Add(new VariableUsage(node, _inputTypeStack.Peek(), _defaultValueStack.Peek(), _inputTypeStack.PeekParent()));
        foreach (var rule in _hooks[(int)Hook.EnterVariable])
        {
            rule.EnterVariable(node);
        }
    }

    private void WalkTypeReference(ITypeNode node)
    {
        while (true)
        {
            _context.CountWork(1);
            switch (node)
            {
                case NamedTypeNode named:
                    WalkNamedType(named);
                    return;
                case ListTypeNode list:
                    node = list.Type;
                    break;
                case NonNullTypeNode nonNull:
                    node = nonNull.Type;
                    break;
                default:
                    return;
            }
        }
    }

    private void WalkNamedType(NamedTypeNode node)
    {
        foreach (var rule in _hooks[(int)Hook.EnterNamedType])
        {
            rule.EnterNamedType(node);
        }
    }

    private void EnterTypeSystemNode(SyntaxNode node, IReadOnlyList<DirectiveNode> directives)
    {
        _context.CountWork(1);
        foreach (var rule in _hooks[(int)Hook.EnterTypeSystemNode])
        {
            rule.EnterTypeSystemNode(node, directives);
        }
    }

    // Type-system definitions are not executable (ExecutableDefinitions reports them) but graphql-js still visits them
    // with every rule, so directives and type references inside them are checked the same way.
    private void WalkTypeSystemDefinition(IDefinitionNode definition)
    {
        switch (definition)
        {
            case SchemaDefinitionNode schemaDef:
                EnterTypeSystemNode(schemaDef, schemaDef.Directives);
                WalkDirectives(schemaDef.Directives, DirectiveLocation.Schema);
                foreach (var op in schemaDef.OperationTypes)
                {
                    WalkNamedType(op.Type);
                }

                break;
            case SchemaExtensionNode schemaExt:
                EnterTypeSystemNode(schemaExt, schemaExt.Directives);
                WalkDirectives(schemaExt.Directives, DirectiveLocation.Schema);
                foreach (var op in schemaExt.OperationTypes)
                {
                    WalkNamedType(op.Type);
                }

                break;
            case ScalarTypeDefinitionNode scalar:
                EnterTypeSystemNode(scalar, scalar.Directives);
                WalkDirectives(scalar.Directives, DirectiveLocation.Scalar);
                break;
            case ScalarTypeExtensionNode scalarExt:
                EnterTypeSystemNode(scalarExt, scalarExt.Directives);
                WalkDirectives(scalarExt.Directives, DirectiveLocation.Scalar);
                break;
            case ObjectTypeDefinitionNode obj:
                WalkComplexType(obj, obj.Interfaces, obj.Directives, obj.Fields, DirectiveLocation.Object);
                break;
            case ObjectTypeExtensionNode objExt:
                WalkComplexType(objExt, objExt.Interfaces, objExt.Directives, objExt.Fields, DirectiveLocation.Object);
                break;
            case InterfaceTypeDefinitionNode iface:
                WalkComplexType(iface, iface.Interfaces, iface.Directives, iface.Fields, DirectiveLocation.Interface);
                break;
            case InterfaceTypeExtensionNode ifaceExt:
                WalkComplexType(ifaceExt, ifaceExt.Interfaces, ifaceExt.Directives, ifaceExt.Fields, DirectiveLocation.Interface);
                break;
            case UnionTypeDefinitionNode union:
                WalkUnion(union, union.Directives, union.Types);
                break;
            case UnionTypeExtensionNode unionExt:
                WalkUnion(unionExt, unionExt.Directives, unionExt.Types);
                break;
            case EnumTypeDefinitionNode enumDef:
                WalkEnum(enumDef, enumDef.Directives, enumDef.Values);
                break;
            case EnumTypeExtensionNode enumExt:
                WalkEnum(enumExt, enumExt.Directives, enumExt.Values);
                break;
            case InputObjectTypeDefinitionNode input:
                EnterTypeSystemNode(input, input.Directives);
                WalkDirectives(input.Directives, DirectiveLocation.InputObject);
                foreach (var field in input.Fields)
                {
                    WalkInputValueDefinition(field, DirectiveLocation.InputFieldDefinition);
                }

                break;
            case InputObjectTypeExtensionNode inputExt:
                EnterTypeSystemNode(inputExt, inputExt.Directives);
                WalkDirectives(inputExt.Directives, DirectiveLocation.InputObject);
                foreach (var field in inputExt.Fields)
                {
                    // graphql-js derives the location from the grandparent kind and only recognises definitions.
                    WalkInputValueDefinition(field, DirectiveLocation.ArgumentDefinition);
                }

                break;
            case DirectiveDefinitionNode directive:
                _context.CountWork(1);
                foreach (var argument in directive.Arguments)
                {
                    WalkInputValueDefinition(argument, DirectiveLocation.ArgumentDefinition);
                }

                break;
            default:
                break;
        }
    }

    private void WalkComplexType(
        SyntaxNode node,
        IReadOnlyList<NamedTypeNode> interfaces,
        IReadOnlyList<DirectiveNode> directives,
        IReadOnlyList<FieldDefinitionNode> fields,
        DirectiveLocation location)
    {
        EnterTypeSystemNode(node, directives);
        foreach (var iface in interfaces)
        {
            WalkNamedType(iface);
        }

        WalkDirectives(directives, location);
        foreach (var field in fields)
        {
            EnterTypeSystemNode(field, field.Directives);
            foreach (var argument in field.Arguments)
            {
                WalkInputValueDefinition(argument, DirectiveLocation.ArgumentDefinition);
            }

            WalkTypeReference(field.Type);
            WalkDirectives(field.Directives, DirectiveLocation.FieldDefinition);
        }
    }

    private void WalkUnion(SyntaxNode node, IReadOnlyList<DirectiveNode> directives, IReadOnlyList<NamedTypeNode> types)
    {
        EnterTypeSystemNode(node, directives);
        WalkDirectives(directives, DirectiveLocation.Union);
        foreach (var type in types)
        {
            WalkNamedType(type);
        }
    }

    private void WalkEnum(SyntaxNode node, IReadOnlyList<DirectiveNode> directives, IReadOnlyList<EnumValueDefinitionNode> values)
    {
        EnterTypeSystemNode(node, directives);
        WalkDirectives(directives, DirectiveLocation.Enum);
        foreach (var value in values)
        {
            EnterTypeSystemNode(value, value.Directives);
            WalkDirectives(value.Directives, DirectiveLocation.EnumValue);
        }
    }

    private void WalkInputValueDefinition(InputValueDefinitionNode node, DirectiveLocation location)
    {
        EnterTypeSystemNode(node, node.Directives);
        WalkTypeReference(node.Type);
        if (node.DefaultValue is { } defaultValue)
        {
            WalkValue(defaultValue);
        }

        WalkDirectives(node.Directives, location);
    }
}

/// <summary>A minimal array-backed stack whose <c>Peek</c> returns default when empty (graphql-js reads past the ends).</summary>
internal sealed class WalkStack<T>
{
    private T[] _items = new T[16];
    private int _count;

    public void Push(T item)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _count * 2);
        }

        _items[_count++] = item;
    }

    public void Pop() => _items[--_count] = default!;

    public T? Peek() => _count > 0 ? _items[_count - 1] : default;

    public T? PeekParent() => _count > 1 ? _items[_count - 2] : default;
}
