namespace CrowNest.GraphQL.Types;

/// <summary>
/// Type-system validation (spec section 3 "Type Validation", graphql-js <c>validateSchema</c>) over the linked model, plus
/// default-value validity. Root-type kinds, duplicate names, self/duplicate implementations and union member kinds are
/// reported by the builder while linking, because the model cannot represent them.
/// </summary>
internal sealed class SchemaValidator(
    List<string> errors,
    ObjectType? query,
    ObjectType? mutation,
    ObjectType? subscription,
    IReadOnlyList<NamedType> types,
    IEnumerable<DirectiveDefinition> directives)
{
    public void Validate()
    {
        _ = (query, mutation, subscription);
        ValidateDirectives();
        ValidateTypes();
    }

    private void ValidateName(string name)
    {
        if (name.StartsWith("__", StringComparison.Ordinal))
        {
            errors.Add($"Name \"{name}\" must not begin with \"__\", which is reserved by GraphQL introspection.");
        }
    }

    private void ValidateDirectives()
    {
        foreach (var directive in directives)
        {
            if (directive.Definition is null)
            {
                continue;
            }

            ValidateName(directive.Name);
            if (directive.Locations.Count == 0)
            {
                errors.Add($"Directive @{directive.Name} must include 1 or more locations.");
            }

            foreach (var arg in directive.Arguments.Values)
            {
                ValidateName(arg.Name);
                if (!arg.Type.IsInputType)
                {
                    errors.Add($"The type of @{directive.Name}({arg.Name}:) must be Input Type but got: {arg.Type}.");
                }

                if (IsRequired(arg) && arg.DeprecationReason is not null)
                {
                    errors.Add($"Required argument @{directive.Name}({arg.Name}:) cannot be deprecated.");
                }

                ValidateDefault(arg, $"Argument \"@{directive.Name}({arg.Name}:)\"");
            }
        }
    }

    private static bool IsRequired(InputValue value) => value.Type.IsNonNull && value.DefaultValue is null;

    private void ValidateDefault(InputValue value, string label)
    {
        if (value.DefaultValue is { } literal && value.Type.IsInputType && LiteralValidator.Validate(literal, value.Type) is { } problem)
        {
            errors.Add($"{label} has invalid default value: {problem}");
        }
    }

    private void ValidateTypes()
    {
        var cycles = new InputCycleDetector(errors);
        foreach (var type in types)
        {
            if (Introspection.IsIntrospectionType(type) || BuiltInScalars.IsSpecified(type))
            {
                continue;
            }

            ValidateName(type.Name);
            switch (type)
            {
                case ObjectType obj:
                    ValidateFields(obj);
                    ValidateInterfaces(obj);
                    break;
                case InterfaceType iface:
                    ValidateFields(iface);
                    ValidateInterfaces(iface);
                    break;
                case UnionType union:
                    if (union.Types.Count == 0 && DeclaredMemberCount(union) == 0)
                    {
                        errors.Add($"Union type {union.Name} must define one or more member types.");
                    }

                    break;
                case EnumType enumType:
                    if (enumType.Values.Count == 0)
                    {
                        errors.Add($"Enum type {enumType.Name} must define one or more values.");
                    }

                    foreach (var value in enumType.Values.Values)
                    {
                        ValidateName(value.Name);
                        if (value.Name is "true" or "false" or "null")
                        {
                            errors.Add($"Enum type {enumType.Name} cannot include value: {value.Name}.");
                        }
                    }

                    break;
                case InputObjectType input:
                    ValidateInputFields(input);
                    cycles.Detect(input);
                    break;
            }
        }
    }

    private static int DeclaredMemberCount(UnionType union)
    {
        var count = (union.Definition as Language.UnionTypeDefinitionNode)?.Types.Count ?? 0;
        foreach (var ext in union.ExtensionNodes)
        {
            count += (ext as Language.UnionTypeExtensionNode)?.Types.Count ?? 0;
        }

        return count;
    }

    private void ValidateFields(IComplexOutputType type)
    {
        if (type.Fields.Count == 0)
        {
            errors.Add($"Type {type.Name} must define one or more fields.");
        }

        foreach (var field in type.Fields.Values)
        {
            ValidateName(field.Name);
            if (!field.Type.IsOutputType)
            {
                errors.Add($"The type of {type.Name}.{field.Name} must be Output Type but got: {field.Type}.");
            }

            foreach (var arg in field.Arguments.Values)
            {
                ValidateName(arg.Name);
                if (!arg.Type.IsInputType)
                {
                    errors.Add($"The type of {type.Name}.{field.Name}({arg.Name}:) must be Input Type but got: {arg.Type}.");
                }

                if (IsRequired(arg) && arg.DeprecationReason is not null)
                {
                    errors.Add($"Required argument {type.Name}.{field.Name}({arg.Name}:) cannot be deprecated.");
                }

                ValidateDefault(arg, $"Argument \"{type.Name}.{field.Name}({arg.Name}:)\"");
            }
        }
    }

    private void ValidateInterfaces(IComplexOutputType type)
    {
        foreach (var iface in type.Interfaces)
        {
            ValidateImplementsAncestors(type, iface);
            ValidateImplementsInterface(type, iface);
        }
    }

    private void ValidateImplementsAncestors(IComplexOutputType type, InterfaceType iface)
    {
        foreach (var transitive in iface.Interfaces)
        {
            if (!type.Interfaces.Contains(transitive))
            {
                errors.Add(ReferenceEquals(transitive, type)
                    ? $"Type {type.Name} cannot implement {iface.Name} because it would create a circular reference."
                    : $"Type {type.Name} must implement {transitive.Name} because it is implemented by {iface.Name}.");
            }
        }
    }

    private void ValidateImplementsInterface(IComplexOutputType type, InterfaceType iface)
    {
        foreach (var ifaceField in iface.Fields.Values)
        {
            var fieldName = ifaceField.Name;
            if (!type.Fields.TryGetValue(fieldName, out var typeField))
            {
                errors.Add($"Interface field {iface.Name}.{fieldName} expected but {type.Name} does not provide it.");
                continue;
            }

            if (!TypeHelpers.IsTypeSubTypeOf(typeField.Type, ifaceField.Type))
            {
                errors.Add($"Interface field {iface.Name}.{fieldName} expects type {ifaceField.Type} but {type.Name}.{fieldName} is type {typeField.Type}.");
            }

            foreach (var ifaceArg in ifaceField.Arguments.Values)
            {
                if (!typeField.Arguments.TryGetValue(ifaceArg.Name, out var typeArg))
                {
                    errors.Add($"Interface field argument {iface.Name}.{fieldName}({ifaceArg.Name}:) expected but {type.Name}.{fieldName} does not provide it.");
                    continue;
                }

                if (!TypeHelpers.IsEqualType(ifaceArg.Type, typeArg.Type))
                {
                    errors.Add($"Interface field argument {iface.Name}.{fieldName}({ifaceArg.Name}:) expects type {ifaceArg.Type} but {type.Name}.{fieldName}({ifaceArg.Name}:) is type {typeArg.Type}.");
                }
            }

            foreach (var typeArg in typeField.Arguments.Values)
            {
                if (!ifaceField.Arguments.ContainsKey(typeArg.Name) && IsRequired(typeArg))
                {
                    errors.Add($"Object field {type.Name}.{fieldName} includes required argument {typeArg.Name} that is missing from the Interface field {iface.Name}.{fieldName}.");
                }
            }
        }
    }

    private void ValidateInputFields(InputObjectType input)
    {
        if (input.Fields.Count == 0)
        {
            errors.Add($"Input Object type {input.Name} must define one or more fields.");
        }

        foreach (var field in input.Fields.Values)
        {
            ValidateName(field.Name);
            if (!field.Type.IsInputType)
            {
                errors.Add($"The type of {input.Name}.{field.Name} must be Input Type but got: {field.Type}.");
            }

            if (IsRequired(field) && field.DeprecationReason is not null)
            {
                errors.Add($"Required input field {input.Name}.{field.Name} cannot be deprecated.");
            }

            if (input.IsOneOf)
            {
                if (field.Type.IsNonNull)
                {
                    errors.Add($"OneOf input field {input.Name}.{field.Name} must be nullable.");
                }

                if (field.DefaultValue is not null)
                {
                    errors.Add($"OneOf input field {input.Name}.{field.Name} cannot have a default value.");
                }
            }

            ValidateDefault(field, $"Input field \"{input.Name}.{field.Name}\"");
        }
    }

    /// <summary>graphql-js <c>createInputObjectCircularRefsValidator</c>: cycles through non-null input-object fields.</summary>
    private sealed class InputCycleDetector(List<string> errors)
    {
        private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
        private readonly List<InputValue> _fieldPath = [];
        private readonly Dictionary<string, int> _pathIndexByType = new(StringComparer.Ordinal);

        public void Detect(InputObjectType input)
        {
            if (!_visited.Add(input.Name))
            {
                return;
            }

            _pathIndexByType[input.Name] = _fieldPath.Count;
            foreach (var field in input.Fields.Values)
            {
                if (field.Type is NonNullType { OfType: InputObjectType fieldType })
                {
                    _fieldPath.Add(field);
                    if (!_pathIndexByType.TryGetValue(fieldType.Name, out var cycleIndex))
                    {
                        Detect(fieldType);
                    }
                    else
                    {
                        var path = string.Join(".", _fieldPath.Skip(cycleIndex).Select(f => f.Name));
                        errors.Add($"Cannot reference Input Object \"{fieldType.Name}\" within itself through a series of non-null fields: \"{path}\".");
                    }

                    _fieldPath.RemoveAt(_fieldPath.Count - 1);
                }
            }

            _pathIndexByType.Remove(input.Name);
        }
    }
}
