using System.Buffers;
using System.Runtime.CompilerServices;

namespace CrowNest.GraphQL.Language;

/// <summary>
/// Recursive-descent parser for executable and type-system documents (GraphQL spec sections 2 and 3), following graphql-js 16
/// (<c>parser.ts</c>) so error messages and locations are the same. Thread-safe: every call uses its own state.
/// </summary>
public sealed class Parser
{
    private readonly string _source;
    private readonly Lexer _lexer;
    private readonly bool _noLocations;
    private readonly int _maxTokens;
    private readonly int _maxDepth;
    private int _tokenCount;
    private int _depth;
    private int _deepest;
    private int _lastEnd;

    private Parser(string source, ParserOptions? options)
    {
        ArgumentNullException.ThrowIfNull(source);
        options ??= ParserOptions.Default;
        if (source.Length > options.MaxLength)
        {
            throw GraphQLSyntaxException.Create(source, options.MaxLength, $"Document exceeds the maximum length of {options.MaxLength} characters.");
        }

        _source = source;
        _lexer = new Lexer(source);
        _noLocations = options.NoLocations;
        _maxTokens = options.MaxTokens;
        _maxDepth = options.MaxDepth;
    }

    /// <summary>Parses a whole document. Throws <see cref="GraphQLSyntaxException"/> on a syntax error or an exceeded limit.</summary>
    public static DocumentNode Parse(string source, ParserOptions? options = null) => Parse(source, options, out _);

    /// <summary>Parses a whole document and reports the work done.</summary>
    public static DocumentNode Parse(string source, ParserOptions? options, out ParseStatistics statistics)
    {
        var parser = new Parser(source, options);
        try
        {
            return parser.ParseDocument();
        }
        finally
        {
            statistics = parser.Statistics;
        }
    }

    /// <summary>Parses a document, returning the syntax error instead of throwing.</summary>
    public static bool TryParse(string source, out DocumentNode? document, out GraphQLError? error, ParserOptions? options = null)
    {
        try
        {
            document = Parse(source, options);
            error = null;
            return true;
        }
        catch (GraphQLSyntaxException e)
        {
            document = null;
            error = e.Error;
            return false;
        }
    }

    /// <summary>Parses a document, returning the syntax error instead of throwing, and the work done either way.</summary>
    public static bool TryParse(
        string source,
        out DocumentNode? document,
        out GraphQLError? error,
        out ParseStatistics statistics,
        ParserOptions? options = null)
    {
        Parser parser;
        try
        {
            parser = new Parser(source, options);
        }
        catch (GraphQLSyntaxException e)
        {
            (document, error, statistics) = (null, e.Error, default);
            return false;
        }

        try
        {
            document = parser.ParseDocument();
            error = null;
            return true;
        }
        catch (GraphQLSyntaxException e)
        {
            document = null;
            error = e.Error;
            return false;
        }
        finally
        {
            statistics = parser.Statistics;
        }
    }

    /// <summary>Parses a single value literal (variables allowed), e.g. <c>[1, $a, {b: "c"}]</c>.</summary>
    public static IValueNode ParseValue(string source, ParserOptions? options = null)
    {
        var parser = new Parser(source, options);
        parser.ExpectToken(TokenKind.StartOfFile);
        var value = parser.ParseValueLiteral(false);
        parser.ExpectToken(TokenKind.EndOfFile);
        return value;
    }

    /// <summary>Parses a single constant value literal (no variables).</summary>
    public static IValueNode ParseConstValue(string source, ParserOptions? options = null)
    {
        var parser = new Parser(source, options);
        parser.ExpectToken(TokenKind.StartOfFile);
        var value = parser.ParseValueLiteral(true);
        parser.ExpectToken(TokenKind.EndOfFile);
        return value;
    }

    /// <summary>Parses a type reference, e.g. <c>[String!]!</c>.</summary>
    public static ITypeNode ParseType(string source, ParserOptions? options = null)
    {
        var parser = new Parser(source, options);
        parser.ExpectToken(TokenKind.StartOfFile);
        var type = parser.ParseTypeReference();
        parser.ExpectToken(TokenKind.EndOfFile);
        return type;
    }

    private ParseStatistics Statistics => new(_tokenCount, _lexer.TokenCount, _deepest);

    // ---------------------------------------------------------------- document

    private DocumentNode ParseDocument()
    {
        ExpectToken(TokenKind.StartOfFile);
        var definitions = new ListBuilder<IDefinitionNode>();
        try
        {
            do
            {
                definitions.Add(ParseDefinition());
            }
            while (!ExpectOptionalToken(TokenKind.EndOfFile));

            return new DocumentNode(definitions.ToArray()) { Location = _noLocations ? null : new Location(0, _lastEnd, 1, 1) };
        }
        finally
        {
            definitions.Dispose();
        }
    }

    private IDefinitionNode ParseDefinition()
    {
        if (Peek(TokenKind.BraceL))
        {
            return ParseOperationDefinition(null, Mark());
        }

        var start = Mark();
        StringValueNode? description = null;
        if (PeekDescription())
        {
            description = ParseStringLiteral();
            if (Peek(TokenKind.BraceL))
            {
                throw Error(start.Start, "Unexpected description, descriptions are not supported on shorthand queries.");
            }
        }

        if (Peek(TokenKind.Name))
        {
            switch (_lexer._value)
            {
                case "schema":
                    return ParseSchemaDefinition(description, start);
                case "scalar":
                    return ParseScalarTypeDefinition(description, start);
                case "type":
                    return ParseObjectTypeDefinition(description, start);
                case "interface":
                    return ParseInterfaceTypeDefinition(description, start);
                case "union":
                    return ParseUnionTypeDefinition(description, start);
                case "enum":
                    return ParseEnumTypeDefinition(description, start);
                case "input":
                    return ParseInputObjectTypeDefinition(description, start);
                case "directive":
                    return ParseDirectiveDefinition(description, start);
                case "query":
                case "mutation":
                case "subscription":
                    return ParseOperationDefinition(description, start);
                case "fragment":
                    return ParseFragmentDefinition(description, start);
                default:
                    break;
            }

            if (description is not null)
            {
                throw Error(start.Start, "Unexpected description, only GraphQL definitions support descriptions.");
            }

            if (_lexer._value == "extend")
            {
                return ParseTypeSystemExtension();
            }
        }

        throw Unexpected();
    }

    // ---------------------------------------------------------------- operations

    private OperationDefinitionNode ParseOperationDefinition(StringValueNode? description, TokenMark start)
    {
        if (Peek(TokenKind.BraceL))
        {
            var selectionSet = ParseSelectionSet();
            return new OperationDefinitionNode(OperationType.Query, null, [], [], selectionSet) { Location = Loc(start) };
        }

        var operation = ParseOperationType();
        NameNode? name = null;
        if (Peek(TokenKind.Name))
        {
            name = ParseName();
        }

        var variableDefinitions = ParseVariableDefinitions();
        var directives = ParseDirectives(false);
        var set = ParseSelectionSet();
        return new OperationDefinitionNode(operation, name, variableDefinitions, directives, set)
        {
            Description = description,
            Location = Loc(start),
        };
    }

    private OperationType ParseOperationType()
    {
        var token = Mark();
        var value = _lexer._value;
        ExpectToken(TokenKind.Name);
        return value switch
        {
            "query" => OperationType.Query,
            "mutation" => OperationType.Mutation,
            "subscription" => OperationType.Subscription,
            _ => throw Error(token.Start, "Unexpected " + Lexer.Describe(TokenKind.Name, value) + "."),
        };
    }

    private IReadOnlyList<VariableDefinitionNode> ParseVariableDefinitions()
    {
        if (!ExpectOptionalToken(TokenKind.ParenL))
        {
            return [];
        }

        var list = new ListBuilder<VariableDefinitionNode>();
        try
        {
            do
            {
                list.Add(ParseVariableDefinition());
            }
            while (!ExpectOptionalToken(TokenKind.ParenR));

            return list.ToArray();
        }
        finally
        {
            list.Dispose();
        }
    }

    private VariableDefinitionNode ParseVariableDefinition()
    {
        var start = Mark();
        var description = ParseDescription();
        var variable = ParseVariable();
        ExpectToken(TokenKind.Colon);
        var type = ParseTypeReference();
        IValueNode? defaultValue = null;
        if (ExpectOptionalToken(TokenKind.Equals))
        {
            defaultValue = ParseValueLiteral(true);
        }

        var directives = ParseDirectives(true);
        return new VariableDefinitionNode(variable, type, defaultValue, directives) { Description = description, Location = Loc(start) };
    }

    private VariableNode ParseVariable()
    {
        var start = Mark();
        ExpectToken(TokenKind.Dollar);
        var name = ParseName();
        return new VariableNode(name) { Location = Loc(start) };
    }

    private SelectionSetNode ParseSelectionSet()
    {
        var start = Mark();
        EnterDepth();
        ExpectToken(TokenKind.BraceL);
        var list = new ListBuilder<ISelectionNode>();
        try
        {
            do
            {
                list.Add(Peek(TokenKind.Spread) ? ParseFragment() : ParseField());
            }
            while (!ExpectOptionalToken(TokenKind.BraceR));

            _depth--;
            return new SelectionSetNode(list.ToArray()) { Location = Loc(start) };
        }
        finally
        {
            list.Dispose();
        }
    }

    private FieldNode ParseField()
    {
        var start = Mark();
        var nameOrAlias = ParseName();
        NameNode? alias = null;
        NameNode name;
        if (ExpectOptionalToken(TokenKind.Colon))
        {
            alias = nameOrAlias;
            name = ParseName();
        }
        else
        {
            name = nameOrAlias;
        }

        var arguments = ParseArguments(false);
        var directives = ParseDirectives(false);
        var selectionSet = Peek(TokenKind.BraceL) ? ParseSelectionSet() : null;
        return new FieldNode(alias, name, arguments, directives, selectionSet) { Location = Loc(start) };
    }

    private IReadOnlyList<ArgumentNode> ParseArguments(bool isConst)
    {
        if (!ExpectOptionalToken(TokenKind.ParenL))
        {
            return [];
        }

        var list = new ListBuilder<ArgumentNode>();
        try
        {
            do
            {
                var start = Mark();
                var name = ParseName();
                ExpectToken(TokenKind.Colon);
                var value = ParseValueLiteral(isConst);
                list.Add(new ArgumentNode(name, value) { Location = Loc(start) });
            }
            while (!ExpectOptionalToken(TokenKind.ParenR));

            return list.ToArray();
        }
        finally
        {
            list.Dispose();
        }
    }

    // ---------------------------------------------------------------- fragments

    private ISelectionNode ParseFragment()
    {
        var start = Mark();
        ExpectToken(TokenKind.Spread);
        var hasTypeCondition = ExpectOptionalKeyword("on");
        if (!hasTypeCondition && Peek(TokenKind.Name))
        {
            var name = ParseFragmentName();
            var spreadDirectives = ParseDirectives(false);
            return new FragmentSpreadNode(name, spreadDirectives) { Location = Loc(start) };
        }

        var typeCondition = hasTypeCondition ? ParseNamedType() : null;
        var directives = ParseDirectives(false);
        var selectionSet = ParseSelectionSet();
        return new InlineFragmentNode(typeCondition, directives, selectionSet) { Location = Loc(start) };
    }

    private FragmentDefinitionNode ParseFragmentDefinition(StringValueNode? description, TokenMark start)
    {
        ExpectKeyword("fragment");
        var name = ParseFragmentName();
        ExpectKeyword("on");
        var typeCondition = ParseNamedType();
        var directives = ParseDirectives(false);
        var selectionSet = ParseSelectionSet();
        return new FragmentDefinitionNode(name, typeCondition, directives, selectionSet) { Description = description, Location = Loc(start) };
    }

    private NameNode ParseFragmentName()
    {
        if (_lexer._value == "on")
        {
            throw Unexpected();
        }

        return ParseName();
    }

    // ---------------------------------------------------------------- values

    private IValueNode ParseValueLiteral(bool isConst)
    {
        var start = Mark();
        switch (_lexer._kind)
        {
            case TokenKind.BracketL:
                return ParseList(isConst);
            case TokenKind.BraceL:
                return ParseObject(isConst);
            case TokenKind.Int:
                {
                    var value = _lexer._value!;
                    Advance();
                    return new IntValueNode(value) { Location = Loc(start) };
                }

            case TokenKind.Float:
                {
                    var value = _lexer._value!;
                    Advance();
                    return new FloatValueNode(value) { Location = Loc(start) };
                }

            case TokenKind.String:
            case TokenKind.BlockString:
                return ParseStringLiteral();
            case TokenKind.Name:
                {
                    var value = _lexer._value!;
                    Advance();
                    return value switch
                    {
                        "true" => new BooleanValueNode(true) { Location = Loc(start) },
                        "false" => new BooleanValueNode(false) { Location = Loc(start) },
                        "null" => new NullValueNode { Location = Loc(start) },
                        _ => new EnumValueNode(value) { Location = Loc(start) },
                    };
                }

            case TokenKind.Dollar:
                if (isConst)
                {
                    ExpectToken(TokenKind.Dollar);
                    if (_lexer._kind == TokenKind.Name)
                    {
                        throw Error(start.Start, "Unexpected variable \"$" + _lexer._value + "\" in constant value.");
                    }

                    throw Error(start.Start, "Unexpected \"$\".");
                }

                return ParseVariable();
            default:
                throw Unexpected();
        }
    }

    private StringValueNode ParseStringLiteral()
    {
        var start = Mark();
        var value = _lexer._value!;
        var block = _lexer._kind == TokenKind.BlockString;
        Advance();
        return new StringValueNode(value, block) { Location = Loc(start) };
    }

    private ListValueNode ParseList(bool isConst)
    {
        var start = Mark();
        EnterDepth();
        ExpectToken(TokenKind.BracketL);
        var list = new ListBuilder<IValueNode>();
        try
        {
            while (!ExpectOptionalToken(TokenKind.BracketR))
            {
                list.Add(ParseValueLiteral(isConst));
            }

            _depth--;
            return new ListValueNode(list.ToArray()) { Location = Loc(start) };
        }
        finally
        {
            list.Dispose();
        }
    }

    private ObjectValueNode ParseObject(bool isConst)
    {
        var start = Mark();
        EnterDepth();
        ExpectToken(TokenKind.BraceL);
        var list = new ListBuilder<ObjectFieldNode>();
        try
        {
            while (!ExpectOptionalToken(TokenKind.BraceR))
            {
                var fieldStart = Mark();
                var name = ParseName();
                ExpectToken(TokenKind.Colon);
                var value = ParseValueLiteral(isConst);
                list.Add(new ObjectFieldNode(name, value) { Location = Loc(fieldStart) });
            }

            _depth--;
            return new ObjectValueNode(list.ToArray()) { Location = Loc(start) };
        }
        finally
        {
            list.Dispose();
        }
    }

    // ---------------------------------------------------------------- directives and types

    private IReadOnlyList<DirectiveNode> ParseDirectives(bool isConst)
    {
        if (!Peek(TokenKind.At))
        {
            return [];
        }

        var list = new ListBuilder<DirectiveNode>();
        try
        {
            while (Peek(TokenKind.At))
            {
                var start = Mark();
                Advance();
                var name = ParseName();
                var arguments = ParseArguments(isConst);
                list.Add(new DirectiveNode(name, arguments) { Location = Loc(start) });
            }

            return list.ToArray();
        }
        finally
        {
            list.Dispose();
        }
    }

    private ITypeNode ParseTypeReference()
    {
        var start = Mark();
        ITypeNode type;
        if (Peek(TokenKind.BracketL))
        {
            EnterDepth();
            Advance();
            var inner = ParseTypeReference();
            ExpectToken(TokenKind.BracketR);
            _depth--;
            type = new ListTypeNode(inner) { Location = Loc(start) };
        }
        else
        {
            type = ParseNamedType();
        }

        if (ExpectOptionalToken(TokenKind.Bang))
        {
            return new NonNullTypeNode(type) { Location = Loc(start) };
        }

        return type;
    }

    private NamedTypeNode ParseNamedType()
    {
        var start = Mark();
        var name = ParseName();
        return new NamedTypeNode(name) { Location = Loc(start) };
    }

    private NameNode ParseName()
    {
        var start = Mark();
        var value = _lexer._value;
        ExpectToken(TokenKind.Name);
        return new NameNode(value!) { Location = Loc(start) };
    }

    // ---------------------------------------------------------------- type system

    private bool PeekDescription() => _lexer._kind is TokenKind.String or TokenKind.BlockString;

    private StringValueNode? ParseDescription() => PeekDescription() ? ParseStringLiteral() : null;

    private SchemaDefinitionNode ParseSchemaDefinition(StringValueNode? description, TokenMark start)
    {
        ExpectKeyword("schema");
        var directives = ParseDirectives(true);
        ExpectToken(TokenKind.BraceL);
        var operationTypes = ParseOperationTypeDefinitionsAfterBrace();
        return new SchemaDefinitionNode(description, directives, operationTypes) { Location = Loc(start) };
    }

    private OperationTypeDefinitionNode[] ParseOperationTypeDefinitionsAfterBrace()
    {
        var list = new ListBuilder<OperationTypeDefinitionNode>();
        try
        {
            do
            {
                var start = Mark();
                var operation = ParseOperationType();
                ExpectToken(TokenKind.Colon);
                var type = ParseNamedType();
                list.Add(new OperationTypeDefinitionNode(operation, type) { Location = Loc(start) });
            }
            while (!ExpectOptionalToken(TokenKind.BraceR));

            return list.ToArray();
        }
        finally
        {
            list.Dispose();
        }
    }

    private ScalarTypeDefinitionNode ParseScalarTypeDefinition(StringValueNode? description, TokenMark start)
    {
        ExpectKeyword("scalar");
        var name = ParseName();
        var directives = ParseDirectives(true);
        return new ScalarTypeDefinitionNode(description, name, directives) { Location = Loc(start) };
    }

    private ObjectTypeDefinitionNode ParseObjectTypeDefinition(StringValueNode? description, TokenMark start)
    {
        ExpectKeyword("type");
        var name = ParseName();
        var interfaces = ParseImplementsInterfaces();
        var directives = ParseDirectives(true);
        var fields = ParseFieldsDefinition();
        return new ObjectTypeDefinitionNode(description, name, interfaces, directives, fields) { Location = Loc(start) };
    }

    private IReadOnlyList<NamedTypeNode> ParseImplementsInterfaces() =>
        ExpectOptionalKeyword("implements") ? ParseDelimitedNamedTypes(TokenKind.Amp) : [];

    private NamedTypeNode[] ParseDelimitedNamedTypes(TokenKind delimiter)
    {
        ExpectOptionalToken(delimiter);
        var list = new ListBuilder<NamedTypeNode>();
        try
        {
            do
            {
                list.Add(ParseNamedType());
            }
            while (ExpectOptionalToken(delimiter));

            return list.ToArray();
        }
        finally
        {
            list.Dispose();
        }
    }

    private IReadOnlyList<FieldDefinitionNode> ParseFieldsDefinition()
    {
        if (!ExpectOptionalToken(TokenKind.BraceL))
        {
            return [];
        }

        var list = new ListBuilder<FieldDefinitionNode>();
        try
        {
            do
            {
                var start = Mark();
                var description = ParseDescription();
                var name = ParseName();
                var arguments = ParseArgumentDefs();
                ExpectToken(TokenKind.Colon);
                var type = ParseTypeReference();
                var directives = ParseDirectives(true);
                list.Add(new FieldDefinitionNode(description, name, arguments, type, directives) { Location = Loc(start) });
            }
            while (!ExpectOptionalToken(TokenKind.BraceR));

            return list.ToArray();
        }
        finally
        {
            list.Dispose();
        }
    }

    private IReadOnlyList<InputValueDefinitionNode> ParseArgumentDefs() => ParseInputValueDefs(TokenKind.ParenL, TokenKind.ParenR);

    private IReadOnlyList<InputValueDefinitionNode> ParseInputValueDefs(TokenKind open, TokenKind close)
    {
        if (!ExpectOptionalToken(open))
        {
            return [];
        }

        var list = new ListBuilder<InputValueDefinitionNode>();
        try
        {
            do
            {
                list.Add(ParseInputValueDef());
            }
            while (!ExpectOptionalToken(close));

            return list.ToArray();
        }
        finally
        {
            list.Dispose();
        }
    }

    private InputValueDefinitionNode ParseInputValueDef()
    {
        var start = Mark();
        var description = ParseDescription();
        var name = ParseName();
        ExpectToken(TokenKind.Colon);
        var type = ParseTypeReference();
        IValueNode? defaultValue = null;
        if (ExpectOptionalToken(TokenKind.Equals))
        {
            defaultValue = ParseValueLiteral(true);
        }

        var directives = ParseDirectives(true);
        return new InputValueDefinitionNode(description, name, type, defaultValue, directives) { Location = Loc(start) };
    }

    private InterfaceTypeDefinitionNode ParseInterfaceTypeDefinition(StringValueNode? description, TokenMark start)
    {
        ExpectKeyword("interface");
        var name = ParseName();
        var interfaces = ParseImplementsInterfaces();
        var directives = ParseDirectives(true);
        var fields = ParseFieldsDefinition();
        return new InterfaceTypeDefinitionNode(description, name, interfaces, directives, fields) { Location = Loc(start) };
    }

    private UnionTypeDefinitionNode ParseUnionTypeDefinition(StringValueNode? description, TokenMark start)
    {
        ExpectKeyword("union");
        var name = ParseName();
        var directives = ParseDirectives(true);
        var types = ParseUnionMemberTypes();
        return new UnionTypeDefinitionNode(description, name, directives, types) { Location = Loc(start) };
    }

    private IReadOnlyList<NamedTypeNode> ParseUnionMemberTypes() =>
        ExpectOptionalToken(TokenKind.Equals) ? ParseDelimitedNamedTypes(TokenKind.Pipe) : [];

    private EnumTypeDefinitionNode ParseEnumTypeDefinition(StringValueNode? description, TokenMark start)
    {
        ExpectKeyword("enum");
        var name = ParseName();
        var directives = ParseDirectives(true);
        var values = ParseEnumValuesDefinition();
        return new EnumTypeDefinitionNode(description, name, directives, values) { Location = Loc(start) };
    }

    private IReadOnlyList<EnumValueDefinitionNode> ParseEnumValuesDefinition()
    {
        if (!ExpectOptionalToken(TokenKind.BraceL))
        {
            return [];
        }

        var list = new ListBuilder<EnumValueDefinitionNode>();
        try
        {
            do
            {
                var start = Mark();
                var description = ParseDescription();
                if (_lexer._value is "true" or "false" or "null")
                {
                    throw Error(_lexer._start, Lexer.Describe(_lexer._kind, _lexer._value) + " is reserved and cannot be used for an enum value.");
                }

                var name = ParseName();
                var directives = ParseDirectives(true);
                list.Add(new EnumValueDefinitionNode(description, name, directives) { Location = Loc(start) });
            }
            while (!ExpectOptionalToken(TokenKind.BraceR));

            return list.ToArray();
        }
        finally
        {
            list.Dispose();
        }
    }

    private InputObjectTypeDefinitionNode ParseInputObjectTypeDefinition(StringValueNode? description, TokenMark start)
    {
        ExpectKeyword("input");
        var name = ParseName();
        var directives = ParseDirectives(true);
        var fields = ParseInputValueDefs(TokenKind.BraceL, TokenKind.BraceR);
        return new InputObjectTypeDefinitionNode(description, name, directives, fields) { Location = Loc(start) };
    }

    private DirectiveDefinitionNode ParseDirectiveDefinition(StringValueNode? description, TokenMark start)
    {
        ExpectKeyword("directive");
        ExpectToken(TokenKind.At);
        var name = ParseName();
        var arguments = ParseArgumentDefs();
        var repeatable = ExpectOptionalKeyword("repeatable");
        ExpectKeyword("on");
        ExpectOptionalToken(TokenKind.Pipe);
        var list = new ListBuilder<NameNode>();
        try
        {
            do
            {
                var locationStart = Mark();
                var location = ParseName();
                if (!IsDirectiveLocation(location.Value))
                {
                    throw Error(locationStart.Start, "Unexpected " + Lexer.Describe(TokenKind.Name, location.Value) + ".");
                }

                list.Add(location);
            }
            while (ExpectOptionalToken(TokenKind.Pipe));

            return new DirectiveDefinitionNode(description, name, arguments, repeatable, list.ToArray()) { Location = Loc(start) };
        }
        finally
        {
            list.Dispose();
        }
    }

    private static bool IsDirectiveLocation(string name) => name switch
    {
        "QUERY" or "MUTATION" or "SUBSCRIPTION" or "FIELD" or "FRAGMENT_DEFINITION" or "FRAGMENT_SPREAD" or "INLINE_FRAGMENT"
            or "VARIABLE_DEFINITION" or "SCHEMA" or "SCALAR" or "OBJECT" or "FIELD_DEFINITION" or "ARGUMENT_DEFINITION"
            or "INTERFACE" or "UNION" or "ENUM" or "ENUM_VALUE" or "INPUT_OBJECT" or "INPUT_FIELD_DEFINITION"
            or "DIRECTIVE_DEFINITION" => true,
        _ => false,
    };

    private ITypeSystemDefinitionOrExtensionNode ParseTypeSystemExtension()
    {
        var start = Mark();
        Advance(); // extend
        if (Peek(TokenKind.Name))
        {
            switch (_lexer._value)
            {
                case "schema":
                    {
                        Advance();
                        var directives = ParseDirectives(true);
                        IReadOnlyList<OperationTypeDefinitionNode> operationTypes =
                            ExpectOptionalToken(TokenKind.BraceL) ? ParseOperationTypeDefinitionsAfterBrace() : [];
                        if (directives.Count == 0 && operationTypes.Count == 0)
                        {
                            throw Unexpected();
                        }

                        return new SchemaExtensionNode(directives, operationTypes) { Location = Loc(start) };
                    }

                case "scalar":
                    {
                        Advance();
                        var name = ParseName();
                        var directives = ParseDirectives(true);
                        if (directives.Count == 0)
                        {
                            throw Unexpected();
                        }

                        return new ScalarTypeExtensionNode(name, directives) { Location = Loc(start) };
                    }

                case "type":
                case "interface":
                    {
                        var isObject = _lexer._value == "type";
                        Advance();
                        var name = ParseName();
                        var interfaces = ParseImplementsInterfaces();
                        var directives = ParseDirectives(true);
                        var fields = ParseFieldsDefinition();
                        if (interfaces.Count == 0 && directives.Count == 0 && fields.Count == 0)
                        {
                            throw Unexpected();
                        }

                        return isObject
                            ? new ObjectTypeExtensionNode(name, interfaces, directives, fields) { Location = Loc(start) }
                            : new InterfaceTypeExtensionNode(name, interfaces, directives, fields) { Location = Loc(start) };
                    }

                case "union":
                    {
                        Advance();
                        var name = ParseName();
                        var directives = ParseDirectives(true);
                        var types = ParseUnionMemberTypes();
                        if (directives.Count == 0 && types.Count == 0)
                        {
                            throw Unexpected();
                        }

                        return new UnionTypeExtensionNode(name, directives, types) { Location = Loc(start) };
                    }

                case "enum":
                    {
                        Advance();
                        var name = ParseName();
                        var directives = ParseDirectives(true);
                        var values = ParseEnumValuesDefinition();
                        if (directives.Count == 0 && values.Count == 0)
                        {
                            throw Unexpected();
                        }

                        return new EnumTypeExtensionNode(name, directives, values) { Location = Loc(start) };
                    }

                case "input":
                    {
                        Advance();
                        var name = ParseName();
                        var directives = ParseDirectives(true);
                        var fields = ParseInputValueDefs(TokenKind.BraceL, TokenKind.BraceR);
                        if (directives.Count == 0 && fields.Count == 0)
                        {
                            throw Unexpected();
                        }

                        return new InputObjectTypeExtensionNode(name, directives, fields) { Location = Loc(start) };
                    }

                default:
                    break;
            }
        }

        throw Unexpected();
    }

    // ---------------------------------------------------------------- token helpers

    private readonly record struct TokenMark(int Start, int Line, int Column);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TokenMark Mark() => new(_lexer._start, _lexer._tokenLine, _lexer._tokenColumn);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Location? Loc(TokenMark start) => _noLocations ? null : new Location(start.Start, _lastEnd, start.Line, start.Column);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Peek(TokenKind kind) => _lexer._kind == kind;

    private void Advance()
    {
        _lastEnd = _lexer._end;
        if (_lexer.Advance() != TokenKind.EndOfFile && ++_tokenCount > _maxTokens)
        {
            throw Error(_lexer._start, $"Document exceeds the maximum of {_maxTokens} tokens.");
        }
    }

    private void ExpectToken(TokenKind kind)
    {
        if (_lexer._kind != kind)
        {
            throw Error(_lexer._start, "Expected " + Lexer.DescribeKind(kind) + ", found " + Lexer.Describe(_lexer._kind, _lexer._value) + ".");
        }

        Advance();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ExpectOptionalToken(TokenKind kind)
    {
        if (_lexer._kind != kind)
        {
            return false;
        }

        Advance();
        return true;
    }

    private void ExpectKeyword(string value)
    {
        if (_lexer._kind != TokenKind.Name || _lexer._value != value)
        {
            throw Error(_lexer._start, "Expected \"" + value + "\", found " + Lexer.Describe(_lexer._kind, _lexer._value) + ".");
        }

        Advance();
    }

    private bool ExpectOptionalKeyword(string value)
    {
        if (_lexer._kind != TokenKind.Name || _lexer._value != value)
        {
            return false;
        }

        Advance();
        return true;
    }

    private void EnterDepth()
    {
        if (++_depth > _maxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error(_lexer._start, $"Document exceeds the maximum nesting depth of {_maxDepth}.");
        }

        if (_depth > _deepest)
        {
            _deepest = _depth;
        }
    }

    private GraphQLSyntaxException Unexpected() =>
        Error(_lexer._start, "Unexpected " + Lexer.Describe(_lexer._kind, _lexer._value) + ".");

    private GraphQLSyntaxException Error(int position, string description) => GraphQLSyntaxException.Create(_source, position, description);

    /// <summary>Collects list items in a pooled buffer and returns an exact-size array (one allocation per list).</summary>
    private struct ListBuilder<T> : IDisposable
    {
        private T[]? _items;
        private int _count;

        public void Add(T item)
        {
            if (_items is null)
            {
                _items = ArrayPool<T>.Shared.Rent(8);
            }
            else if (_count == _items.Length)
            {
                var larger = ArrayPool<T>.Shared.Rent(_items.Length * 2);
                Array.Copy(_items, larger, _count);
                ArrayPool<T>.Shared.Return(_items, clearArray: true);
                _items = larger;
            }

            _items[_count++] = item;
        }

        public readonly T[] ToArray()
        {
            if (_count == 0)
            {
                return [];
            }

            var result = new T[_count];
            Array.Copy(_items!, result, _count);
            return result;
        }

        public void Dispose()
        {
            if (_items is not null)
            {
                ArrayPool<T>.Shared.Return(_items, clearArray: true);
                _items = null;
            }
        }
    }
}
