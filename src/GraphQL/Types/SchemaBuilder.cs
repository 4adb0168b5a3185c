using System.Reflection;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Types;

/// <summary>
/// Builds a validated <see cref="Schema"/> from SDL (schema-first) plus resolver and CLR registrations.
/// <see cref="Build"/> reports every problem at once in a <see cref="SchemaException"/>.
/// </summary>
public sealed class SchemaBuilder
{
    private readonly List<DocumentNode> _documents = [];
    private readonly List<(string Coordinate, FieldResolver Resolver)> _resolvers = [];
    private readonly List<ScalarType> _scalars = [];
    private readonly List<(string TypeName, Type ClrType, BindingKind Kind)> _bindings = [];
    private readonly List<(string TypeName, TypeResolver Resolver)> _typeResolvers = [];
    private bool _useDefaultResolvers;

    private enum BindingKind
    {
        Object,
        Enum,
        InputObject,
    }

    /// <summary>Adds SDL type definitions (repeatable; later documents may <c>extend</c> earlier types).</summary>
    public SchemaBuilder AddTypeDefinitions(string sdl)
    {
        ArgumentNullException.ThrowIfNull(sdl);
        return AddTypeDefinitions(Parser.Parse(sdl));
    }

    /// <summary>Adds an already-parsed SDL document.</summary>
    public SchemaBuilder AddTypeDefinitions(DocumentNode document)
    {
        ArgumentNullException.ThrowIfNull(document);
        _documents.Add(document);
        return this;
    }

    /// <summary>Registers the resolver of an object type's field by coordinate <c>"Type.field"</c>.</summary>
    public SchemaBuilder AddResolver(string coordinate, FieldResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(coordinate);
        ArgumentNullException.ThrowIfNull(resolver);
        _resolvers.Add((coordinate, resolver));
        return this;
    }

    /// <summary>Registers a synchronous resolver by coordinate <c>"Type.field"</c>.</summary>
    public SchemaBuilder AddResolver(string coordinate, Func<IResolverContext, object?> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return AddResolver(coordinate, ctx => new ValueTask<object?>(resolver(ctx)));
    }

    /// <summary>
    /// Registers a scalar implementation. It implements the SDL's <c>scalar Name</c> of the same name; when the SDL does not
    /// declare it, the scalar is added to the schema as if declared.
    /// </summary>
    public SchemaBuilder AddScalar(ScalarType scalar)
    {
        ArgumentNullException.ThrowIfNull(scalar);
        _scalars.Add(scalar);
        return this;
    }

    /// <summary>Maps an SDL enum to a CLR enum: <c>IN_PROGRESS</c> ↔ <c>InProgress</c> (underscores and case ignored).</summary>
    public SchemaBuilder BindEnum<TEnum>(string typeName)
        where TEnum : struct, Enum
    {
        _bindings.Add((typeName, typeof(TEnum), BindingKind.Enum));
        return this;
    }

    /// <summary>Coerced values of the SDL input object become instances of <typeparamref name="T"/> (record or class).</summary>
    public SchemaBuilder BindInputObject<T>(string typeName)
    {
        _bindings.Add((typeName, typeof(T), BindingKind.InputObject));
        return this;
    }

    /// <summary>
    /// Binds an SDL object type to <typeparamref name="T"/>: sets <see cref="ObjectType.RuntimeType"/> and makes its public
    /// properties (matched by name, case-insensitively) the resolvers of fields without an explicit resolver.
    /// </summary>
    public SchemaBuilder BindObject<T>(string typeName)
    {
        _bindings.Add((typeName, typeof(T), BindingKind.Object));
        return this;
    }

    /// <summary>Registers how values of an interface or union resolve to their object type.</summary>
    public SchemaBuilder AddTypeResolver(string abstractTypeName, TypeResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _typeResolvers.Add((abstractTypeName, resolver));
        return this;
    }

    /// <summary>
    /// Every object field without an explicit or bound resolver reads the same-named property, dictionary key or
    /// <see cref="System.Text.Json.JsonElement"/> property of its parent (missing → null).
    /// </summary>
    public SchemaBuilder UseDefaultResolvers()
    {
        _useDefaultResolvers = true;
        return this;
    }

    /// <summary>Builds and validates the schema; throws <see cref="SchemaException"/> listing every problem.</summary>
    public Schema Build()
    {
        var state = new BuildState(this);
        return state.Run();
    }

    private sealed class BuildState(SchemaBuilder builder)
    {
        private readonly List<string> _errors = [];
        private readonly Dictionary<string, NamedType> _types = new(StringComparer.Ordinal);
        private readonly List<NamedType> _configTypes = [];
        private readonly Dictionary<string, ITypeDefinitionNode> _typeDefs = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<ITypeExtensionNode>> _typeExts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, DirectiveDefinition> _directives = new(StringComparer.Ordinal);
        private readonly List<DirectiveDefinitionNode> _directiveDefs = [];
        private readonly Dictionary<string, ScalarType> _unknownPlaceholders = new(StringComparer.Ordinal);
        private readonly List<SchemaDefinitionNode> _schemaDefs = [];
        private readonly List<SchemaExtensionNode> _schemaExts = [];

        public Schema Run()
        {
            Collect();
            CreateTypes();
            CreateDirectives();
            FillTypes();
            var (query, mutation, subscription) = ResolveRootTypes();
            ValidateAllAppliedDirectives();
            new SchemaValidator(_errors, query, mutation, subscription, _configTypes, _directives.Values).Validate();
            ApplyBindings();
            ApplyResolvers();
            if (_errors.Count > 0 || query is null)
            {
                throw new SchemaException(_errors.Count > 0 ? [.. _errors] : ["Query root type must be provided."]);
            }

            var directives = new List<DirectiveDefinition>();
            foreach (var node in _directiveDefs)
            {
                directives.Add(_directives[node.Name.Value]);
            }

            foreach (var std in BuiltInDirectives.Specified)
            {
                if (directives.TrueForAll(d => d.Name != std.Name))
                {
                    directives.Add(std);
                }
            }

            var ordered = TypeOrder.Collect(_configTypes, query, mutation, subscription, directives);
            var schemaDef = _schemaDefs.Count > 0 ? _schemaDefs[0] : null;
            var applied = new List<AppliedDirective>();
            foreach (var node in (schemaDef?.Directives ?? []).Concat(_schemaExts.SelectMany(e => e.Directives)))
            {
                applied.Add(new AppliedDirective(node));
            }

            return new Schema(query, mutation, subscription, ordered, directives, Introspection.MetaFields)
            {
                Description = schemaDef?.Description?.Value,
                AppliedDirectives = applied,
            };
        }

        // ---- collection -------------------------------------------------------------------------------------------

        private void Collect()
        {
            foreach (var document in builder._documents)
            {
                foreach (var definition in document.Definitions)
                {
                    switch (definition)
                    {
                        case SchemaDefinitionNode schemaDef:
                            if (_schemaDefs.Count > 0)
                            {
                                _errors.Add("Must provide only one schema definition.");
                            }

                            _schemaDefs.Add(schemaDef);
                            break;
                        case SchemaExtensionNode schemaExt:
                            _schemaExts.Add(schemaExt);
                            break;
                        case ITypeDefinitionNode typeDef:
                            if (!_typeDefs.TryAdd(typeDef.Name.Value, typeDef))
                            {
                                _errors.Add($"There can be only one type named \"{typeDef.Name.Value}\".");
                            }

                            break;
                        case ITypeExtensionNode typeExt:
                            if (!_typeExts.TryGetValue(typeExt.Name.Value, out var list))
                            {
                                _typeExts[typeExt.Name.Value] = list = [];
                            }

                            list.Add(typeExt);
                            break;
                        case DirectiveDefinitionNode directiveDef:
                            if (_directiveDefs.Exists(d => d.Name.Value == directiveDef.Name.Value))
                            {
                                _errors.Add($"There can be only one directive named \"@{directiveDef.Name.Value}\".");
                            }
                            else
                            {
                                _directiveDefs.Add(directiveDef);
                            }

                            break;
                        case OperationDefinitionNode or FragmentDefinitionNode:
                            _errors.Add("Type definitions must not contain operations or fragments.");
                            break;
                    }
                }
            }
        }

        // ---- named types ---------------------------------------------------------------------------------------------

        private void CreateTypes()
        {
            var registeredScalars = new Dictionary<string, ScalarType>(StringComparer.Ordinal);
            foreach (var scalar in builder._scalars)
            {
                registeredScalars[scalar.Name] = scalar;
            }

            foreach (var def in _typeDefs.Values)
            {
                var name = def.Name.Value;
                NamedType type = def switch
                {
                    ScalarTypeDefinitionNode when BuiltInScalars.IsSpecifiedName(name) => BuiltInScalars.Specified.First(s => s.Name == name),
                    ScalarTypeDefinitionNode => registeredScalars.GetValueOrDefault(name) ?? name switch
                    {
                        "DateTime" => BuiltInScalars.CreateDateTime(),
                        "JSON" => BuiltInScalars.CreateJson(),
                        _ => BuiltInScalars.CreatePassThrough(name),
                    },
                    ObjectTypeDefinitionNode => new ObjectType(name),
                    InterfaceTypeDefinitionNode => new InterfaceType(name),
                    UnionTypeDefinitionNode => new UnionType(name),
                    EnumTypeDefinitionNode => new EnumType(name),
                    InputObjectTypeDefinitionNode => new InputObjectType(name),
                    _ => throw new InvalidOperationException($"Unexpected definition {def.GetType().Name}."),
                };
                _types[name] = type;
                _configTypes.Add(type);
                if (BuiltInScalars.IsSpecified(type))
                {
                    // graphql-js keeps its standard scalar objects when SDL re-declares them.
                    continue;
                }

                type.Definition = def;
                if (def.Description is { } description)
                {
                    type.Description = description.Value;
                }
            }

            foreach (var scalar in builder._scalars)
            {
                if (!_types.ContainsKey(scalar.Name))
                {
                    _types[scalar.Name] = scalar;
                    _configTypes.Add(scalar);
                }
            }

            foreach (var (name, exts) in _typeExts)
            {
                if (!_typeDefs.TryGetValue(name, out var def))
                {
                    _errors.Add($"Cannot extend type \"{name}\" because it is not defined." + DidYouMean(name, _typeDefs.Keys));
                    continue;
                }

                foreach (var ext in exts)
                {
                    var matches = (def, ext) switch
                    {
                        (ScalarTypeDefinitionNode, ScalarTypeExtensionNode) => true,
                        (ObjectTypeDefinitionNode, ObjectTypeExtensionNode) => true,
                        (InterfaceTypeDefinitionNode, InterfaceTypeExtensionNode) => true,
                        (UnionTypeDefinitionNode, UnionTypeExtensionNode) => true,
                        (EnumTypeDefinitionNode, EnumTypeExtensionNode) => true,
                        (InputObjectTypeDefinitionNode, InputObjectTypeExtensionNode) => true,
                        _ => false,
                    };
                    if (!matches)
                    {
                        var kind = ext switch
                        {
                            ScalarTypeExtensionNode => "scalar",
                            ObjectTypeExtensionNode => "object",
                            InterfaceTypeExtensionNode => "interface",
                            UnionTypeExtensionNode => "union",
                            EnumTypeExtensionNode => "enum",
                            _ => "input object",
                        };
                        _errors.Add($"Cannot extend non-{kind} type \"{name}\".");
                        continue;
                    }

                    if (!BuiltInScalars.IsSpecifiedName(name))
                    {
                        _types[name].ExtensionNodes.Add(ext);
                    }
                }
            }
        }

        private GraphQLType ResolveTypeRef(ITypeNode node)
        {
            switch (node)
            {
                case NonNullTypeNode nonNull:
                    var inner = ResolveTypeRef(nonNull.Type);
                    return inner is NonNullType ? inner : new NonNullType(inner);
                case ListTypeNode list:
                    return new ListType(ResolveTypeRef(list.Type));
                case NamedTypeNode named:
                    return LookupNamed(named.Name.Value);
                default:
                    throw new InvalidOperationException($"Unexpected type node {node.GetType().Name}.");
            }
        }

        private NamedType LookupNamed(string name)
        {
            if (_types.TryGetValue(name, out var type))
            {
                return type;
            }

            if (BuiltInScalars.IsSpecifiedName(name))
            {
                return BuiltInScalars.Specified.First(s => s.Name == name);
            }

            if (Introspection.IsIntrospectionTypeName(name))
            {
                // graphql-js resolves introspection type names from its standard map too.
                return Introspection.Types.First(t => t.Name == name);
            }

            _errors.Add($"Unknown type \"{name}\"." + DidYouMean(name, _types.Keys.Concat(BuiltInScalars.Specified.Select(s => s.Name))));

            // A placeholder keeps building (and reporting) without cascading errors.
            if (!_unknownPlaceholders.TryGetValue(name, out var placeholder))
            {
                _unknownPlaceholders[name] = placeholder = BuiltInScalars.CreatePassThrough(name);
            }

            return placeholder;
        }

        private void CreateDirectives()
        {
            foreach (var std in BuiltInDirectives.Specified)
            {
                _directives[std.Name] = std;
            }

            foreach (var node in _directiveDefs)
            {
                var directive = new DirectiveDefinition(node.Name.Value)
                {
                    Description = node.Description?.Value,
                    IsRepeatable = node.IsRepeatable,
                    Definition = node,
                };
                foreach (var location in node.Locations)
                {
                    if (Introspection.TryParseLocation(location.Value, out var parsed))
                    {
                        directive.Locations.Add(parsed);
                    }
                    else
                    {
                        _errors.Add($"Unknown directive location \"{location.Value}\".");
                    }
                }

                _directives[directive.Name] = directive;
            }

            // Arguments after all directives exist (argument types are named types only, but keep the phases simple).
            foreach (var node in _directiveDefs)
            {
                var directive = _directives[node.Name.Value];
                AddArguments(directive.Arguments, node.Arguments, $"@{directive.Name}");
            }
        }

        private void AddArguments(OrderedMap<InputValue> target, IReadOnlyList<InputValueDefinitionNode> nodes, string parentName)
        {
            foreach (var node in nodes)
            {
                var arg = CreateInputValue(node);
                if (!target.TryAdd(arg.Name, arg))
                {
                    _errors.Add($"Argument \"{parentName}({arg.Name}:)\" can only be defined once.");
                }
            }
        }

        private InputValue CreateInputValue(InputValueDefinitionNode node) => new InputValue(node.Name.Value, ResolveTypeRef(node.Type))
        {
            Description = node.Description?.Value,
            DefaultValue = node.DefaultValue,
            DeprecationReason = DeprecationReason(node.Directives),
            Definition = node,
        }.WithDirectives(node.Directives);

        private void FillTypes()
        {
            foreach (var type in _configTypes)
            {
                if (type.Definition is null)
                {
                    continue;
                }

                var exts = type.ExtensionNodes;
                foreach (var directive in type.Definition.Directives.Concat(exts.SelectMany(e => e.Directives)))
                {
                    type.Directives.Add(new AppliedDirective(directive));
                }

                switch (type)
                {
                    case ScalarType scalar:
                        if (FindDirective(type.Directives, "specifiedBy") is { } specifiedBy
                            && ArgumentValue(specifiedBy, "url") is StringValueNode url)
                        {
                            scalar.SpecifiedByUrl = url.Value;
                        }

                        break;
                    case ObjectType obj:
                        {
                            var def = (ObjectTypeDefinitionNode)type.Definition;
                            AddInterfaces(obj, obj.Interfaces, def.Interfaces.Concat(exts.OfType<ObjectTypeExtensionNode>().SelectMany(e => e.Interfaces)));
                            AddFields(obj.Name, obj.Fields, def.Fields.Concat(exts.OfType<ObjectTypeExtensionNode>().SelectMany(e => e.Fields)));
                            break;
                        }

                    case InterfaceType iface:
                        {
                            var def = (InterfaceTypeDefinitionNode)type.Definition;
                            AddInterfaces(iface, iface.Interfaces, def.Interfaces.Concat(exts.OfType<InterfaceTypeExtensionNode>().SelectMany(e => e.Interfaces)));
                            AddFields(iface.Name, iface.Fields, def.Fields.Concat(exts.OfType<InterfaceTypeExtensionNode>().SelectMany(e => e.Fields)));
                            break;
                        }

                    case UnionType union:
                        {
                            var def = (UnionTypeDefinitionNode)type.Definition;
                            var seen = new HashSet<string>(StringComparer.Ordinal);
                            foreach (var member in def.Types.Concat(exts.OfType<UnionTypeExtensionNode>().SelectMany(e => e.Types)))
                            {
                                var memberType = LookupNamed(member.Name.Value);
                                if (!seen.Add(memberType.Name))
                                {
                                    _errors.Add($"Union type {union.Name} can only include type {memberType.Name} once.");
                                    continue;
                                }

                                if (memberType is ObjectType memberObject)
                                {
                                    union.Types.Add(memberObject);
                                }
                                else if (!_unknownPlaceholders.ContainsKey(memberType.Name))
                                {
                                    _errors.Add($"Union type {union.Name} can only include Object types, it cannot include {memberType.Name}.");
                                }
                            }

                            break;
                        }

                    case EnumType enumType:
                        {
                            var def = (EnumTypeDefinitionNode)type.Definition;
                            foreach (var node in def.Values.Concat(exts.OfType<EnumTypeExtensionNode>().SelectMany(e => e.Values)))
                            {
                                var value = new EnumValue(node.Name.Value)
                                {
                                    Description = node.Description?.Value,
                                    DeprecationReason = DeprecationReason(node.Directives),
                                    Definition = node,
                                };
                                foreach (var d in node.Directives)
                                {
                                    value.Directives.Add(new AppliedDirective(d));
                                }

                                if (!enumType.Values.TryAdd(value.Name, value))
                                {
                                    _errors.Add($"Enum value \"{enumType.Name}.{value.Name}\" can only be defined once.");
                                }
                            }

                            break;
                        }

                    case InputObjectType input:
                        {
                            var def = (InputObjectTypeDefinitionNode)type.Definition;
                            input.IsOneOf = FindDirective(type.Directives, "oneOf") is not null;
                            foreach (var node in def.Fields.Concat(exts.OfType<InputObjectTypeExtensionNode>().SelectMany(e => e.Fields)))
                            {
                                var field = CreateInputValue(node);
                                if (!input.Fields.TryAdd(field.Name, field))
                                {
                                    _errors.Add($"Field \"{input.Name}.{field.Name}\" can only be defined once.");
                                }
                            }

                            break;
                        }
                }
            }
        }

        private void AddInterfaces(NamedType type, IList<InterfaceType> target, IEnumerable<NamedTypeNode> nodes)
        {
            foreach (var node in nodes)
            {
                var iface = LookupNamed(node.Name.Value);
                if (iface is InterfaceType interfaceType)
                {
                    if (ReferenceEquals(interfaceType, type))
                    {
                        _errors.Add($"Type {type.Name} cannot implement itself because it would create a circular reference.");
                    }
                    else if (target.Contains(interfaceType))
                    {
                        _errors.Add($"Type {type.Name} can only implement {interfaceType.Name} once.");
                    }
                    else
                    {
                        target.Add(interfaceType);
                    }
                }
                else if (!_unknownPlaceholders.ContainsKey(iface.Name))
                {
                    _errors.Add($"Type {type.Name} must only implement Interface types, it cannot implement {iface.Name}.");
                }
            }
        }

        private void AddFields(string typeName, OrderedMap<OutputField> target, IEnumerable<FieldDefinitionNode> nodes)
        {
            foreach (var node in nodes)
            {
                var field = new OutputField(node.Name.Value, ResolveTypeRef(node.Type))
                {
                    Description = node.Description?.Value,
                    DeprecationReason = DeprecationReason(node.Directives),
                    Definition = node,
                };
                foreach (var d in node.Directives)
                {
                    field.Directives.Add(new AppliedDirective(d));
                }

                AddArguments(field.Arguments, node.Arguments, $"{typeName}.{field.Name}");
                if (!target.TryAdd(field.Name, field))
                {
                    _errors.Add($"Field \"{typeName}.{field.Name}\" can only be defined once.");
                }
            }
        }

        private static string? DeprecationReason(IReadOnlyList<DirectiveNode> directives)
        {
            foreach (var directive in directives)
            {
                if (directive.Name.Value == "deprecated")
                {
                    var reason = ArgumentValue(directive, "reason");
                    return reason switch
                    {
                        null => BuiltInDirectives.DefaultDeprecationReason,
                        StringValueNode s => s.Value,
                        _ => null,
                    };
                }
            }

            return null;
        }

        private static AppliedDirective? FindDirective(IList<AppliedDirective> directives, string name)
        {
            foreach (var d in directives)
            {
                if (d.Name == name)
                {
                    return d;
                }
            }

            return null;
        }

        private static IValueNode? ArgumentValue(AppliedDirective directive, string name) => ArgumentValue(directive.Syntax, name);

        private static IValueNode? ArgumentValue(DirectiveNode directive, string name)
        {
            foreach (var arg in directive.Arguments)
            {
                if (arg.Name.Value == name)
                {
                    return arg.Value;
                }
            }

            return null;
        }

        // ---- root types ------------------------------------------------------------------------------------------------

        private (ObjectType? Query, ObjectType? Mutation, ObjectType? Subscription) ResolveRootTypes()
        {
            var operationNodes = _schemaDefs.SelectMany(s => s.OperationTypes)
                .Concat(_schemaExts.SelectMany(s => s.OperationTypes))
                .ToList();
            var roots = new NamedType?[3];
            var defined = new bool[3];
            foreach (var node in operationNodes)
            {
                var index = (int)node.Operation;
                if (defined[index])
                {
                    _errors.Add($"There can be only one {OperationName(node.Operation)} type in schema.");
                    continue;
                }

                defined[index] = true;
                roots[index] = LookupNamed(node.Type.Name.Value);
            }

            if (_schemaDefs.Count == 0)
            {
                // graphql-js buildASTSchema: without a schema definition, types named Query/Mutation/Subscription are the
                // roots (overriding `extend schema` entries of the same operation).
                string[] defaultNames = ["Query", "Mutation", "Subscription"];
                for (var i = 0; i < 3; i++)
                {
                    if (_types.TryGetValue(defaultNames[i], out var byName))
                    {
                        roots[i] = byName;
                    }
                }
            }

            ObjectType? Root(int index, string label, string suffix)
            {
                switch (roots[index])
                {
                    case null:
                        return null;
                    case ObjectType obj:
                        return obj;
                    case var other when !_unknownPlaceholders.ContainsKey(other.Name):
                        _errors.Add($"{label} root type must be Object type{suffix}, it cannot be {other.Name}.");
                        return null;
                    default:
                        return null;
                }
            }

            var query = Root(0, "Query", string.Empty);
            if (roots[0] is null)
            {
                _errors.Add("Query root type must be provided.");
            }

            return (query, Root(1, "Mutation", " if provided"), Root(2, "Subscription", " if provided"));
        }

        private static string OperationName(OperationType operation) => operation switch
        {
            OperationType.Query => "query",
            OperationType.Mutation => "mutation",
            _ => "subscription",
        };

        // ---- applied directives ---------------------------------------------------------------------------------------

        private void ValidateAllAppliedDirectives()
        {
            foreach (var def in _schemaDefs)
            {
                ValidateApplied(def.Directives.Concat(_schemaExts.SelectMany(e => e.Directives)).ToList(), DirectiveLocation.Schema);
            }

            if (_schemaDefs.Count == 0)
            {
                ValidateApplied(_schemaExts.SelectMany(e => e.Directives).ToList(), DirectiveLocation.Schema);
            }

            foreach (var node in _directiveDefs)
            {
                foreach (var arg in node.Arguments)
                {
                    ValidateApplied(arg.Directives, DirectiveLocation.ArgumentDefinition);
                }
            }

            foreach (var type in _configTypes)
            {
                if (type.Definition is null)
                {
                    continue;
                }

                var location = type switch
                {
                    ScalarType => DirectiveLocation.Scalar,
                    ObjectType => DirectiveLocation.Object,
                    InterfaceType => DirectiveLocation.Interface,
                    UnionType => DirectiveLocation.Union,
                    EnumType => DirectiveLocation.Enum,
                    _ => DirectiveLocation.InputObject,
                };
                ValidateApplied([.. type.Directives.Select(d => d.Syntax)], location);
                switch (type)
                {
                    case IComplexOutputType complex:
                        foreach (var field in complex.Fields.Values)
                        {
                            ValidateApplied(field.Definition?.Directives ?? [], DirectiveLocation.FieldDefinition);
                            foreach (var arg in field.Arguments.Values)
                            {
                                ValidateApplied(arg.Definition?.Directives ?? [], DirectiveLocation.ArgumentDefinition);
                            }
                        }

                        break;
                    case EnumType e:
                        foreach (var value in e.Values.Values)
                        {
                            ValidateApplied(value.Definition?.Directives ?? [], DirectiveLocation.EnumValue);
                        }

                        break;
                    case InputObjectType input:
                        foreach (var field in input.Fields.Values)
                        {
                            ValidateApplied(field.Definition?.Directives ?? [], DirectiveLocation.InputFieldDefinition);
                        }

                        break;
                }
            }
        }

        private void ValidateApplied(IReadOnlyList<DirectiveNode> nodes, DirectiveLocation location)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in nodes)
            {
                var name = node.Name.Value;
                if (!_directives.TryGetValue(name, out var directive))
                {
                    _errors.Add($"Unknown directive \"@{name}\".");
                    continue;
                }

                if (!directive.Locations.Contains(location))
                {
                    _errors.Add($"Directive \"@{name}\" may not be used on {Introspection.LocationName(location)}.");
                }

                if (!directive.IsRepeatable && !seen.Add(name))
                {
                    _errors.Add($"The directive \"@{name}\" can only be used once at this location.");
                }

                var argNames = new HashSet<string>(StringComparer.Ordinal);
                foreach (var arg in node.Arguments)
                {
                    if (!argNames.Add(arg.Name.Value))
                    {
                        _errors.Add($"There can be only one argument named \"{arg.Name.Value}\".");
                        continue;
                    }

                    if (!directive.Arguments.TryGetValue(arg.Name.Value, out var argDef))
                    {
                        _errors.Add($"Unknown argument \"{arg.Name.Value}\" on directive \"@{name}\"."
                            + DidYouMean(arg.Name.Value, directive.Arguments.Keys));
                        continue;
                    }

                    if (LiteralValidator.Validate(arg.Value, argDef.Type) is { } problem)
                    {
                        _errors.Add($"Argument \"@{name}({arg.Name.Value}:)\" has invalid value: {problem}");
                    }
                }

                foreach (var argDef in directive.Arguments.Values)
                {
                    if (argDef.Type.IsNonNull && argDef.DefaultValue is null && !argNames.Contains(argDef.Name))
                    {
                        _errors.Add($"Directive \"@{name}\" argument \"{argDef.Name}\" of type \"{argDef.Type}\" is required, but it was not provided.");
                    }
                }
            }
        }

        // ---- bindings and resolvers -----------------------------------------------------------------------------------

        private void ApplyBindings()
        {
            foreach (var (typeName, clrType, kind) in builder._bindings)
            {
                var label = kind switch
                {
                    BindingKind.Object => "BindObject",
                    BindingKind.Enum => "BindEnum",
                    _ => "BindInputObject",
                } + $"<{clrType.Name}>";
                if (!_types.TryGetValue(typeName, out var type))
                {
                    _errors.Add($"{label} names unknown type \"{typeName}\"." + DidYouMean(typeName, _types.Keys));
                    continue;
                }

                switch (kind, type)
                {
                    case (BindingKind.Object, ObjectType obj):
                        obj.RuntimeType = clrType;
                        foreach (var field in obj.Fields.Values)
                        {
                            if (field.Resolver is null && ClrBinding.FindProperty(clrType, field.Name) is { } property)
                            {
                                field.Resolver = ClrBinding.CreatePropertyResolver(clrType, property, field.Name);
                            }
                        }

                        break;
                    case (BindingKind.Enum, EnumType enumType):
                        enumType.RuntimeType = clrType;
                        var members = Enum.GetNames(clrType).ToDictionary(ClrBinding.NormalizeEnumName, n => n, StringComparer.Ordinal);
                        foreach (var value in enumType.Values.Values)
                        {
                            if (members.TryGetValue(ClrBinding.NormalizeEnumName(value.Name), out var member))
                            {
                                value.RuntimeValue = Enum.Parse(clrType, member);
                            }
                            else
                            {
                                _errors.Add($"{label}: enum value \"{enumType.Name}.{value.Name}\" has no matching member of {clrType.Name}.");
                            }
                        }

                        break;
                    case (BindingKind.InputObject, InputObjectType input):
                        input.RuntimeType = clrType;
                        foreach (var field in input.Fields.Values)
                        {
                            var hasProperty = clrType.GetProperty(field.Name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is not null;
                            var hasParameter = clrType.GetConstructors().Any(c => c.GetParameters().Any(p => string.Equals(p.Name, field.Name, StringComparison.OrdinalIgnoreCase)));
                            if (!hasProperty && !hasParameter)
                            {
                                _errors.Add($"{label}: input field \"{input.Name}.{field.Name}\" has no matching property or constructor parameter on {clrType.Name}.");
                            }
                        }

                        break;
                    default:
                        var expected = kind switch
                        {
                            BindingKind.Object => "an object type",
                            BindingKind.Enum => "an enum type",
                            _ => "an input object type",
                        };
                        _errors.Add($"{label} names \"{typeName}\", which is not {expected}.");
                        break;
                }
            }

            foreach (var (typeName, resolver) in builder._typeResolvers)
            {
                switch (_types.GetValueOrDefault(typeName))
                {
                    case InterfaceType iface:
                        iface.ResolveType = resolver;
                        break;
                    case UnionType union:
                        union.ResolveType = resolver;
                        break;
                    case null:
                        _errors.Add($"Type resolver registered for unknown type \"{typeName}\"." + DidYouMean(typeName, _types.Keys));
                        break;
                    default:
                        _errors.Add($"Type resolver registered for \"{typeName}\", which is not an interface or union type.");
                        break;
                }
            }
        }

        private void ApplyResolvers()
        {
            foreach (var (coordinate, resolver) in builder._resolvers)
            {
                var dot = coordinate.IndexOf('.', StringComparison.Ordinal);
                if (dot <= 0 || dot == coordinate.Length - 1 || coordinate.IndexOf('.', dot + 1) >= 0)
                {
                    _errors.Add($"Resolver coordinate \"{coordinate}\" is not of the form \"Type.field\".");
                    continue;
                }

                var typeName = coordinate[..dot];
                var fieldName = coordinate[(dot + 1)..];
                switch (_types.GetValueOrDefault(typeName))
                {
                    case null:
                        _errors.Add($"Resolver \"{coordinate}\" names unknown type \"{typeName}\"." + DidYouMean(typeName, _types.Keys));
                        break;
                    case ObjectType obj:
                        if (obj.Fields.TryGetValue(fieldName, out var field))
                        {
                            field.Resolver = resolver;
                        }
                        else
                        {
                            _errors.Add($"Resolver \"{coordinate}\" names unknown field \"{fieldName}\" of type \"{typeName}\"." + DidYouMean(fieldName, obj.Fields.Keys));
                        }

                        break;
                    default:
                        _errors.Add($"Resolver \"{coordinate}\" names \"{typeName}\", which is not an object type.");
                        break;
                }
            }

            // Explicit resolvers win over CLR-bound properties: re-run bindings would be order dependent, so bound property
            // resolvers were installed first and explicit ones simply replaced them above.
            foreach (var type in _configTypes)
            {
                if (type is not ObjectType obj)
                {
                    continue;
                }

                foreach (var field in obj.Fields.Values)
                {
                    if (field.Resolver is not null)
                    {
                        continue;
                    }

                    if (builder._useDefaultResolvers)
                    {
                        field.Resolver = ClrBinding.CreateDefaultResolver(field.Name);
                    }
                    else
                    {
                        _errors.Add($"No resolver for field \"{obj.Name}.{field.Name}\".");
                    }
                }
            }
        }
    }

    /// <summary>graphql-js <c>didYouMean(suggestionList(input, options))</c>.</summary>
    internal static string DidYouMean(string input, IEnumerable<string> options, string? subMessage = null)
    {
        var suggestions = Suggestions.List(input, options);
        if (suggestions.Count == 0)
        {
            return string.Empty;
        }

        var quoted = suggestions.Take(5).Select(s => $"\"{s}\"").ToList();
        var message = subMessage is null ? " Did you mean " : " Did you mean " + subMessage + " ";
        return quoted.Count switch
        {
            1 => message + quoted[0] + "?",
            2 => message + quoted[0] + " or " + quoted[1] + "?",
            _ => message + string.Join(", ", quoted.Take(quoted.Count - 1)) + ", or " + quoted[^1] + "?",
        };
    }
}

internal static class InputValueExtensions
{
    public static InputValue WithDirectives(this InputValue value, IReadOnlyList<DirectiveNode> directives)
    {
        foreach (var d in directives)
        {
            value.Directives.Add(new AppliedDirective(d));
        }

        return value;
    }
}
