using System.Runtime.CompilerServices;
using CrowNest.GraphQL.Execution;

namespace CrowNest.GraphQL.Types;

/// <summary>
/// The introspection types exactly as graphql-js 16 defines them (field order, descriptions, arguments), shared by all
/// schemas, with allocation-light resolvers over the type model: filtered lists and printed default values are cached per
/// model object, kinds and locations are string constants.
/// </summary>
public static class Introspection
{
    private static readonly object True = true;
    private static readonly object False = false;
    private static readonly ConditionalWeakTable<object, object> Cache = new();
    private static readonly ConditionalWeakTable<Schema, object> SchemaTypes = new();
    private static readonly ConditionalWeakTable<Schema, object> SchemaDirectives = new();

    private static readonly string[] KindNames =
        ["SCALAR", "OBJECT", "INTERFACE", "UNION", "ENUM", "INPUT_OBJECT", "LIST", "NON_NULL"];

    private static readonly string[] LocationNames =
    [
        "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE", "UNION",
        "ENUM", "ENUM_VALUE", "INPUT_OBJECT", "INPUT_FIELD_DEFINITION", "DIRECTIVE_DEFINITION",
    ];

    static Introspection()
    {
        var s = BuiltInScalars.String;
        var b = BuiltInScalars.Boolean;
        TypeKindEnum = new EnumType("__TypeKind") { Description = "An enum describing what kind of type a given `__Type` is." };
        AddEnumValue(TypeKindEnum, "SCALAR", "Indicates this type is a scalar.");
        AddEnumValue(TypeKindEnum, "OBJECT", "Indicates this type is an object. `fields` and `interfaces` are valid fields.");
        AddEnumValue(TypeKindEnum, "INTERFACE", "Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields.");
        AddEnumValue(TypeKindEnum, "UNION", "Indicates this type is a union. `possibleTypes` is a valid field.");
        AddEnumValue(TypeKindEnum, "ENUM", "Indicates this type is an enum. `enumValues` is a valid field.");
        AddEnumValue(TypeKindEnum, "INPUT_OBJECT", "Indicates this type is an input object. `inputFields` is a valid field.");
        AddEnumValue(TypeKindEnum, "LIST", "Indicates this type is a list. `ofType` is a valid field.");
        AddEnumValue(TypeKindEnum, "NON_NULL", "Indicates this type is a non-null. `ofType` is a valid field.");

        DirectiveLocationEnum = new EnumType("__DirectiveLocation")
        {
            Description = "A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies.",
        };
        string[] locationDescriptions =
        [
            "Location adjacent to a query operation.", "Location adjacent to a mutation operation.",
            "Location adjacent to a subscription operation.", "Location adjacent to a field.",
            "Location adjacent to a fragment definition.", "Location adjacent to a fragment spread.",
            "Location adjacent to an inline fragment.", "Location adjacent to a variable definition.",
            "Location adjacent to a schema definition.", "Location adjacent to a scalar definition.",
            "Location adjacent to an object type definition.", "Location adjacent to a field definition.",
            "Location adjacent to an argument definition.", "Location adjacent to an interface definition.",
            "Location adjacent to a union definition.", "Location adjacent to an enum definition.",
            "Location adjacent to an enum value definition.", "Location adjacent to an input object type definition.",
            "Location adjacent to an input object field definition.", "Location adjacent to a directive definition.",
        ];
        for (var i = 0; i < LocationNames.Length; i++)
        {
            AddEnumValue(DirectiveLocationEnum, LocationNames[i], locationDescriptions[i]);
        }

        SchemaType = new ObjectType("__Schema")
        {
            Description = "A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations.",
        };
        TypeType = new ObjectType("__Type")
        {
            Description = "The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum.\n\nDepending on the kind of a type, certain fields describe information about that type. Scalar types provide no information beyond a name, description and optional `specifiedByURL`, while Enum types provide their values. Object and Interface types provide the fields they describe. Abstract types, Union and Interface, provide the Object types possible at runtime. List and NonNull types compose other types.",
        };
        FieldType = new ObjectType("__Field")
        {
            Description = "Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type.",
        };
        InputValueType = new ObjectType("__InputValue")
        {
            Description = "Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value.",
        };
        EnumValueType = new ObjectType("__EnumValue")
        {
            Description = "One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string.",
        };
        DirectiveType = new ObjectType("__Directive")
        {
            Description = "A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document.\n\nIn some cases, you need to provide options to alter GraphQL's execution behavior in ways field arguments will not suffice, such as conditionally including or skipping a field. Directives provide this by describing additional information to the executor.",
        };

        var typeList = new NonNullType(new ListType(new NonNullType(TypeType)));

        // __Schema
        AddField(SchemaType, "description", s, static p => ((Schema)p).Description);
        AddField(SchemaType, "types", typeList, static p => TypesOf((Schema)p), "A list of all types supported by this server.");
        AddField(SchemaType, "queryType", new NonNullType(TypeType), static p => ((Schema)p).QueryType, "The type that query operations will be rooted at.");
        AddField(SchemaType, "mutationType", TypeType, static p => ((Schema)p).MutationType, "If this server supports mutation, the type that mutation operations will be rooted at.");
        AddField(SchemaType, "subscriptionType", TypeType, static p => ((Schema)p).SubscriptionType, "If this server support subscription, the type that subscription operations will be rooted at.");
        AddField(SchemaType, "directives", new NonNullType(new ListType(new NonNullType(DirectiveType))), null, "A list of all directives supported by this server.")
            .WithIncludeDeprecated(nonNull: true, static (p, include) => DirectivesOf((Schema)p, include));

        // __Type
        var typeListNullable = new ListType(new NonNullType(TypeType));
        AddField(TypeType, "kind", new NonNullType(TypeKindEnum), static p => KindNames[(int)((GraphQLType)p).Kind]);
        AddField(TypeType, "name", s, static p => (p as NamedType)?.Name);
        AddField(TypeType, "description", s, static p => (p as NamedType)?.Description);
        AddField(TypeType, "specifiedByURL", s, static p => (p as ScalarType)?.SpecifiedByUrl);
        AddField(TypeType, "fields", new ListType(new NonNullType(FieldType)), null)
            .WithIncludeDeprecated(nonNull: false, static (p, include) => p is IComplexOutputType complex ? FieldsOf(complex, include) : null);
        AddField(TypeType, "interfaces", typeListNullable, static p => p is IComplexOutputType complex ? InterfacesOf(complex) : null);
        AddResolverField(TypeType, "possibleTypes", typeListNullable, static ctx =>
            ctx.Parent is NamedType { IsAbstract: true } t ? ctx.Schema.GetPossibleTypes(t) : null);
        AddField(TypeType, "enumValues", new ListType(new NonNullType(EnumValueType)), null)
            .WithIncludeDeprecated(nonNull: false, static (p, include) => p is EnumType e ? EnumValuesOf(e, include) : null);
        AddField(TypeType, "inputFields", new ListType(new NonNullType(InputValueType)), null)
            .WithIncludeDeprecated(nonNull: false, static (p, include) => p is InputObjectType io ? InputFieldsOf(io, include) : null);
        AddField(TypeType, "ofType", TypeType, static p => p switch
        {
            ListType l => l.OfType,
            NonNullType n => n.OfType,
            _ => null,
        });
        AddField(TypeType, "isOneOf", b, static p => p is InputObjectType io ? (io.IsOneOf ? True : False) : null);

        // __Field
        var inputValueList = new NonNullType(new ListType(new NonNullType(InputValueType)));
        AddField(FieldType, "name", new NonNullType(s), static p => ((OutputField)p).Name);
        AddField(FieldType, "description", s, static p => ((OutputField)p).Description);
        AddField(FieldType, "args", inputValueList, null)
            .WithIncludeDeprecated(nonNull: false, static (p, include) => ArgumentsOf(((OutputField)p).Arguments, include));
        AddField(FieldType, "type", new NonNullType(TypeType), static p => ((OutputField)p).Type);
        AddField(FieldType, "isDeprecated", new NonNullType(b), static p => ((OutputField)p).IsDeprecated ? True : False);
        AddField(FieldType, "deprecationReason", s, static p => ((OutputField)p).DeprecationReason);

        // __InputValue
        AddField(InputValueType, "name", new NonNullType(s), static p => ((InputValue)p).Name);
        AddField(InputValueType, "description", s, static p => ((InputValue)p).Description);
        AddField(InputValueType, "type", new NonNullType(TypeType), static p => ((InputValue)p).Type);
        AddField(InputValueType, "defaultValue", s, static p => DefaultValueOf((InputValue)p), "A GraphQL-formatted string representing the default value for this input value.");
        AddField(InputValueType, "isDeprecated", new NonNullType(b), static p => ((InputValue)p).IsDeprecated ? True : False);
        AddField(InputValueType, "deprecationReason", s, static p => ((InputValue)p).DeprecationReason);

        // __EnumValue
        AddField(EnumValueType, "name", new NonNullType(s), static p => ((EnumValue)p).Name);
        AddField(EnumValueType, "description", s, static p => ((EnumValue)p).Description);
        AddField(EnumValueType, "isDeprecated", new NonNullType(b), static p => ((EnumValue)p).IsDeprecated ? True : False);
        AddField(EnumValueType, "deprecationReason", s, static p => ((EnumValue)p).DeprecationReason);

        // __Directive
        AddField(DirectiveType, "name", new NonNullType(s), static p => ((DirectiveDefinition)p).Name);
        AddField(DirectiveType, "description", s, static p => ((DirectiveDefinition)p).Description);
        AddField(DirectiveType, "isRepeatable", new NonNullType(b), static p => ((DirectiveDefinition)p).IsRepeatable ? True : False);
        AddField(DirectiveType, "locations", new NonNullType(new ListType(new NonNullType(DirectiveLocationEnum))), static p => LocationsOf((DirectiveDefinition)p));
        AddField(DirectiveType, "args", inputValueList, null)
            .WithIncludeDeprecated(nonNull: false, static (p, include) => ArgumentsOf(((DirectiveDefinition)p).Arguments, include));
        AddField(DirectiveType, "isDeprecated", new NonNullType(b), static p => ((DirectiveDefinition)p).DeprecationReason is not null ? True : False);
        AddField(DirectiveType, "deprecationReason", s, static p => ((DirectiveDefinition)p).DeprecationReason);

        Types = [SchemaType, TypeType, TypeKindEnum, FieldType, InputValueType, EnumValueType, DirectiveType, DirectiveLocationEnum];

        var typeName = new OutputField("__typename", new NonNullType(s))
        {
            Description = "The name of the current Object type at runtime.",
            Resolver = static ctx => new ValueTask<object?>(ctx.ParentType.Name),
        };
        var schemaField = new OutputField("__schema", new NonNullType(SchemaType))
        {
            Description = "Access the current type schema of this server.",
            Resolver = static ctx => new ValueTask<object?>(ctx.Schema),
        };
        var typeField = new OutputField("__type", TypeType)
        {
            Description = "Request the type information of a single type.",
            Resolver = static ctx => new ValueTask<object?>(
                ctx.Arguments.TryGetValue("name", out var name) && name is string n ? ctx.Schema.GetType(n) : null),
        };
        typeField.Arguments.TryAdd("name", new InputValue("name", new NonNullType(s)));
        MetaFields = new MetaFields(typeName, schemaField, typeField);
    }

    /// <summary><c>__Schema</c></summary>
    public static ObjectType SchemaType { get; }

    /// <summary><c>__Type</c></summary>
    public static ObjectType TypeType { get; }

    /// <summary><c>__Field</c></summary>
    public static ObjectType FieldType { get; }

    /// <summary><c>__InputValue</c></summary>
    public static ObjectType InputValueType { get; }

    /// <summary><c>__EnumValue</c></summary>
    public static ObjectType EnumValueType { get; }

    /// <summary><c>__Directive</c></summary>
    public static ObjectType DirectiveType { get; }

    /// <summary><c>__TypeKind</c></summary>
    public static EnumType TypeKindEnum { get; }

    /// <summary><c>__DirectiveLocation</c></summary>
    public static EnumType DirectiveLocationEnum { get; }

    /// <summary>All eight introspection types in graphql-js type-map order.</summary>
    public static IReadOnlyList<NamedType> Types { get; }

    /// <summary>The shared meta-fields <c>__typename</c>, <c>__schema</c>, <c>__type(name:)</c>.</summary>
    public static MetaFields MetaFields { get; }

    /// <summary>True for the eight introspection types (by name, like graphql-js).</summary>
    public static bool IsIntrospectionType(NamedType type) => IsIntrospectionTypeName(type.Name);

    /// <summary>True for the names of the eight introspection types.</summary>
    public static bool IsIntrospectionTypeName(string name) => name is "__Schema" or "__Type" or "__TypeKind" or "__Field"
        or "__InputValue" or "__EnumValue" or "__Directive" or "__DirectiveLocation";

    /// <summary>The <c>__DirectiveLocation</c> name of a location, e.g. <c>FIELD_DEFINITION</c>.</summary>
    public static string LocationName(DirectiveLocation location) => LocationNames[(int)location];

    /// <summary>Parses a <c>__DirectiveLocation</c> name.</summary>
    public static bool TryParseLocation(string name, out DirectiveLocation location)
    {
        var index = Array.IndexOf(LocationNames, name);
        location = (DirectiveLocation)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>The <c>__TypeKind</c> name of a kind, e.g. <c>INPUT_OBJECT</c>.</summary>
    public static string KindName(TypeKind kind) => KindNames[(int)kind];

    private static void AddEnumValue(EnumType type, string name, string description) =>
        type.Values.TryAdd(name, new EnumValue(name) { Description = description });

    private static OutputField AddField(ObjectType type, string name, GraphQLType fieldType, Func<object, object?>? resolve, string? description = null)
    {
        var field = new OutputField(name, fieldType) { Description = description };
        if (resolve is not null)
        {
            field.Resolver = ctx => new ValueTask<object?>(resolve(ctx.Parent!));
        }

        type.Fields.TryAdd(name, field);
        return field;
    }

    private static void AddResolverField(ObjectType type, string name, GraphQLType fieldType, Func<IResolverContext, object?> resolve)
    {
        var field = new OutputField(name, fieldType) { Resolver = ctx => new ValueTask<object?>(resolve(ctx)) };
        type.Fields.TryAdd(name, field);
    }

    private static void WithIncludeDeprecated(this OutputField field, bool nonNull, Func<object, bool, object?> resolve)
    {
        field.Arguments.TryAdd("includeDeprecated", new InputValue("includeDeprecated", nonNull ? new NonNullType(BuiltInScalars.Boolean) : BuiltInScalars.Boolean)
        {
            DefaultValue = new Language.BooleanValueNode(false),
        });
        field.Resolver = ctx => new ValueTask<object?>(resolve(
            ctx.Parent!,
            ctx.Arguments.TryGetValue("includeDeprecated", out var v) && v is true));
    }

    private sealed record Filtered<T>(T[] All, T[] Active);

    private static Filtered<T> Filter<T>(IEnumerable<T> items, Func<T, bool> isDeprecated)
    {
        var all = items.ToArray();
        var anyDeprecated = false;
        foreach (var item in all)
        {
            anyDeprecated |= isDeprecated(item);
        }

        return new Filtered<T>(all, anyDeprecated ? all.Where(i => !isDeprecated(i)).ToArray() : all);
    }

    private static object TypesOf(Schema schema) =>
        SchemaTypes.GetValue(schema, static s => s.Types.ToArray());

    private static object DirectivesOf(Schema schema, bool include)
    {
        var lists = (Filtered<DirectiveDefinition>)SchemaDirectives.GetValue(
            schema,
            static s => Filter(s.Directives, d => d.DeprecationReason is not null));
        return include ? lists.All : lists.Active;
    }

    private static object FieldsOf(IComplexOutputType type, bool include)
    {
        var lists = (Filtered<OutputField>)Cache.GetValue(
            type,
            static t => Filter(((IComplexOutputType)t).Fields.Values, f => f.IsDeprecated));
        return include ? lists.All : lists.Active;
    }

    private static object InterfacesOf(IComplexOutputType type) => type.Interfaces;

    private static object EnumValuesOf(EnumType type, bool include)
    {
        var lists = (Filtered<EnumValue>)Cache.GetValue(type, static t => Filter(((EnumType)t).Values.Values, v => v.IsDeprecated));
        return include ? lists.All : lists.Active;
    }

    private static object InputFieldsOf(InputObjectType type, bool include)
    {
        var lists = (Filtered<InputValue>)Cache.GetValue(type, static t => Filter(((InputObjectType)t).Fields.Values, v => v.IsDeprecated));
        return include ? lists.All : lists.Active;
    }

    private static object ArgumentsOf(OrderedMap<InputValue> arguments, bool include)
    {
        var lists = (Filtered<InputValue>)Cache.GetValue(arguments, static a => Filter(((OrderedMap<InputValue>)a).Values, v => v.IsDeprecated));
        return include ? lists.All : lists.Active;
    }

    private static object LocationsOf(DirectiveDefinition directive) =>
        Cache.GetValue(directive, static d => ((DirectiveDefinition)d).Locations.Select(l => LocationNames[(int)l]).ToArray());

    private static string? DefaultValueOf(InputValue value)
    {
        if (value.DefaultValue is null)
        {
            return null;
        }

        var printed = (StrongBox<string?>)Cache.GetValue(value, static v => new StrongBox<string?>(DefaultValues.Print((InputValue)v)));
        return printed.Value;
    }
}
