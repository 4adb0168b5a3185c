namespace CrowNest.GraphQL.Language;

/// <summary>A position range in the source text. <see cref="Line"/> and <see cref="Column"/> are 1-based and refer to <see cref="Start"/>.</summary>
/// <param name="Start">Offset of the first character (UTF-16 index into the source string).</param>
/// <param name="End">Offset one past the last character.</param>
/// <param name="Line">1-based line of <paramref name="Start"/>.</param>
/// <param name="Column">1-based column of <paramref name="Start"/>.</param>
public readonly record struct Location(int Start, int End, int Line, int Column);

/// <summary>Base of every immutable syntax tree node.</summary>
public abstract record SyntaxNode
{
    /// <summary>Where the node was parsed from; <c>null</c> for nodes built in code or parsed with locations off.</summary>
    public Location? Location { get; init; }
}

/// <summary>A definition at the top level of a document.</summary>
public interface IDefinitionNode;

/// <summary>An operation or fragment definition.</summary>
public interface IExecutableDefinitionNode : IDefinitionNode;

/// <summary>A schema, type or directive definition or extension.</summary>
public interface ITypeSystemDefinitionOrExtensionNode : IDefinitionNode;

/// <summary>A named type definition (scalar, object, interface, union, enum, input object).</summary>
public interface ITypeDefinitionNode : ITypeSystemDefinitionOrExtensionNode
{
    /// <summary>The type's name.</summary>
    NameNode Name { get; }

    /// <summary>The description, if any.</summary>
    StringValueNode? Description { get; }

    /// <summary>Directives applied to the definition.</summary>
    IReadOnlyList<DirectiveNode> Directives { get; }
}

/// <summary>An <c>extend</c> of a named type.</summary>
public interface ITypeExtensionNode : ITypeSystemDefinitionOrExtensionNode
{
    /// <summary>The extended type's name.</summary>
    NameNode Name { get; }

    /// <summary>Directives added by the extension.</summary>
    IReadOnlyList<DirectiveNode> Directives { get; }
}

/// <summary>A field, fragment spread or inline fragment.</summary>
public interface ISelectionNode
{
    /// <summary>Directives on the selection.</summary>
    IReadOnlyList<DirectiveNode> Directives { get; }
}

/// <summary>A value literal (or a variable reference) in a document.</summary>
public interface IValueNode;

/// <summary>A type reference: named, list or non-null.</summary>
public interface ITypeNode;

/// <summary>The three operation kinds.</summary>
public enum OperationType
{
    /// <summary><c>query</c></summary>
    Query,

    /// <summary><c>mutation</c></summary>
    Mutation,

    /// <summary><c>subscription</c></summary>
    Subscription,
}

/// <summary>A name token.</summary>
public sealed record NameNode(string Value) : SyntaxNode;

/// <summary>A whole document.</summary>
public sealed record DocumentNode(IReadOnlyList<IDefinitionNode> Definitions) : SyntaxNode;

/// <summary>An operation definition; the shorthand <c>{ ... }</c> form has <see cref="Name"/> null and operation <see cref="OperationType.Query"/>.</summary>
public sealed record OperationDefinitionNode(
    OperationType Operation,
    NameNode? Name,
    IReadOnlyList<VariableDefinitionNode> VariableDefinitions,
    IReadOnlyList<DirectiveNode> Directives,
    SelectionSetNode SelectionSet) : SyntaxNode, IExecutableDefinitionNode
{
    /// <summary>The description (graphql-js 16.11+ executable descriptions), if any.</summary>
    public StringValueNode? Description { get; init; }
}

/// <summary><c>$name: Type = default @directives</c></summary>
public sealed record VariableDefinitionNode(
    VariableNode Variable,
    ITypeNode Type,
    IValueNode? DefaultValue,
    IReadOnlyList<DirectiveNode> Directives) : SyntaxNode
{
    /// <summary>The description (graphql-js 16.11+ executable descriptions), if any.</summary>
    public StringValueNode? Description { get; init; }
}

/// <summary><c>{ selections }</c></summary>
public sealed record SelectionSetNode(IReadOnlyList<ISelectionNode> Selections) : SyntaxNode;

/// <summary>A field selection.</summary>
public sealed record FieldNode(
    NameNode? Alias,
    NameNode Name,
    IReadOnlyList<ArgumentNode> Arguments,
    IReadOnlyList<DirectiveNode> Directives,
    SelectionSetNode? SelectionSet) : SyntaxNode, ISelectionNode
{
    /// <summary>The response key: the alias if present, else the field name.</summary>
    public string ResponseKey => Alias?.Value ?? Name.Value;
}

/// <summary><c>name: value</c> in a field or directive.</summary>
public sealed record ArgumentNode(NameNode Name, IValueNode Value) : SyntaxNode;

/// <summary><c>...FragmentName @directives</c></summary>
public sealed record FragmentSpreadNode(NameNode Name, IReadOnlyList<DirectiveNode> Directives) : SyntaxNode, ISelectionNode;

/// <summary><c>... on Type @directives { selections }</c>; the type condition is optional.</summary>
public sealed record InlineFragmentNode(
    NamedTypeNode? TypeCondition,
    IReadOnlyList<DirectiveNode> Directives,
    SelectionSetNode SelectionSet) : SyntaxNode, ISelectionNode;

/// <summary><c>fragment Name on Type @directives { selections }</c></summary>
public sealed record FragmentDefinitionNode(
    NameNode Name,
    NamedTypeNode TypeCondition,
    IReadOnlyList<DirectiveNode> Directives,
    SelectionSetNode SelectionSet) : SyntaxNode, IExecutableDefinitionNode
{
    /// <summary>The description (graphql-js 16.11+ executable descriptions), if any.</summary>
    public StringValueNode? Description { get; init; }
}

/// <summary><c>$name</c></summary>
public sealed record VariableNode(NameNode Name) : SyntaxNode, IValueNode;

/// <summary>An integer literal, kept as its source text so no precision is lost before coercion.</summary>
public sealed record IntValueNode(string Value) : SyntaxNode, IValueNode;

/// <summary>A float literal, kept as its source text.</summary>
public sealed record FloatValueNode(string Value) : SyntaxNode, IValueNode;

/// <summary>A string literal with escapes (or block-string indentation) already processed.</summary>
public sealed record StringValueNode(string Value, bool Block = false) : SyntaxNode, IValueNode;

/// <summary><c>true</c> or <c>false</c></summary>
public sealed record BooleanValueNode(bool Value) : SyntaxNode, IValueNode;

/// <summary><c>null</c></summary>
public sealed record NullValueNode : SyntaxNode, IValueNode;

/// <summary>An enum value literal.</summary>
public sealed record EnumValueNode(string Value) : SyntaxNode, IValueNode;

/// <summary><c>[ values ]</c></summary>
public sealed record ListValueNode(IReadOnlyList<IValueNode> Values) : SyntaxNode, IValueNode;

/// <summary><c>{ name: value }</c></summary>
public sealed record ObjectValueNode(IReadOnlyList<ObjectFieldNode> Fields) : SyntaxNode, IValueNode;

/// <summary>One field of an object literal.</summary>
public sealed record ObjectFieldNode(NameNode Name, IValueNode Value) : SyntaxNode;

/// <summary><c>@name(arguments)</c></summary>
public sealed record DirectiveNode(NameNode Name, IReadOnlyList<ArgumentNode> Arguments) : SyntaxNode;

/// <summary>A named type reference.</summary>
public sealed record NamedTypeNode(NameNode Name) : SyntaxNode, ITypeNode;

/// <summary><c>[Type]</c></summary>
public sealed record ListTypeNode(ITypeNode Type) : SyntaxNode, ITypeNode;

/// <summary><c>Type!</c>; <see cref="Type"/> is a <see cref="NamedTypeNode"/> or <see cref="ListTypeNode"/>.</summary>
public sealed record NonNullTypeNode(ITypeNode Type) : SyntaxNode, ITypeNode;

/// <summary><c>schema @directives { query: Query ... }</c></summary>
public sealed record SchemaDefinitionNode(
    StringValueNode? Description,
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<OperationTypeDefinitionNode> OperationTypes) : SyntaxNode, ITypeSystemDefinitionOrExtensionNode;

/// <summary><c>query: Query</c> inside a schema definition.</summary>
public sealed record OperationTypeDefinitionNode(OperationType Operation, NamedTypeNode Type) : SyntaxNode;

/// <summary><c>scalar Name @directives</c></summary>
public sealed record ScalarTypeDefinitionNode(
    StringValueNode? Description,
    NameNode Name,
    IReadOnlyList<DirectiveNode> Directives) : SyntaxNode, ITypeDefinitionNode;

/// <summary><c>type Name implements A &amp; B @directives { fields }</c></summary>
public sealed record ObjectTypeDefinitionNode(
    StringValueNode? Description,
    NameNode Name,
    IReadOnlyList<NamedTypeNode> Interfaces,
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<FieldDefinitionNode> Fields) : SyntaxNode, ITypeDefinitionNode;

/// <summary>A field definition of an object or interface type.</summary>
public sealed record FieldDefinitionNode(
    StringValueNode? Description,
    NameNode Name,
    IReadOnlyList<InputValueDefinitionNode> Arguments,
    ITypeNode Type,
    IReadOnlyList<DirectiveNode> Directives) : SyntaxNode;

/// <summary>An argument or input field definition.</summary>
public sealed record InputValueDefinitionNode(
    StringValueNode? Description,
    NameNode Name,
    ITypeNode Type,
    IValueNode? DefaultValue,
    IReadOnlyList<DirectiveNode> Directives) : SyntaxNode;

/// <summary><c>interface Name implements A @directives { fields }</c></summary>
public sealed record InterfaceTypeDefinitionNode(
    StringValueNode? Description,
    NameNode Name,
    IReadOnlyList<NamedTypeNode> Interfaces,
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<FieldDefinitionNode> Fields) : SyntaxNode, ITypeDefinitionNode;

/// <summary><c>union Name @directives = A | B</c></summary>
public sealed record UnionTypeDefinitionNode(
    StringValueNode? Description,
    NameNode Name,
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<NamedTypeNode> Types) : SyntaxNode, ITypeDefinitionNode;

/// <summary><c>enum Name @directives { VALUES }</c></summary>
public sealed record EnumTypeDefinitionNode(
    StringValueNode? Description,
    NameNode Name,
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<EnumValueDefinitionNode> Values) : SyntaxNode, ITypeDefinitionNode;

/// <summary>One value of an enum definition.</summary>
public sealed record EnumValueDefinitionNode(
    StringValueNode? Description,
    NameNode Name,
    IReadOnlyList<DirectiveNode> Directives) : SyntaxNode;

/// <summary><c>input Name @directives { fields }</c></summary>
public sealed record InputObjectTypeDefinitionNode(
    StringValueNode? Description,
    NameNode Name,
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<InputValueDefinitionNode> Fields) : SyntaxNode, ITypeDefinitionNode;

/// <summary><c>directive @name(args) repeatable on LOCATIONS</c></summary>
public sealed record DirectiveDefinitionNode(
    StringValueNode? Description,
    NameNode Name,
    IReadOnlyList<InputValueDefinitionNode> Arguments,
    bool IsRepeatable,
    IReadOnlyList<NameNode> Locations) : SyntaxNode, ITypeSystemDefinitionOrExtensionNode;

/// <summary><c>extend schema @directives { ... }</c></summary>
public sealed record SchemaExtensionNode(
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<OperationTypeDefinitionNode> OperationTypes) : SyntaxNode, ITypeSystemDefinitionOrExtensionNode;

/// <summary><c>extend scalar Name @directives</c></summary>
public sealed record ScalarTypeExtensionNode(
    NameNode Name,
    IReadOnlyList<DirectiveNode> Directives) : SyntaxNode, ITypeExtensionNode;

/// <summary><c>extend type Name ...</c></summary>
public sealed record ObjectTypeExtensionNode(
    NameNode Name,
    IReadOnlyList<NamedTypeNode> Interfaces,
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<FieldDefinitionNode> Fields) : SyntaxNode, ITypeExtensionNode;

/// <summary><c>extend interface Name ...</c></summary>
public sealed record InterfaceTypeExtensionNode(
    NameNode Name,
    IReadOnlyList<NamedTypeNode> Interfaces,
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<FieldDefinitionNode> Fields) : SyntaxNode, ITypeExtensionNode;

/// <summary><c>extend union Name ...</c></summary>
public sealed record UnionTypeExtensionNode(
    NameNode Name,
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<NamedTypeNode> Types) : SyntaxNode, ITypeExtensionNode;

/// <summary><c>extend enum Name ...</c></summary>
public sealed record EnumTypeExtensionNode(
    NameNode Name,
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<EnumValueDefinitionNode> Values) : SyntaxNode, ITypeExtensionNode;

/// <summary><c>extend input Name ...</c></summary>
public sealed record InputObjectTypeExtensionNode(
    NameNode Name,
    IReadOnlyList<DirectiveNode> Directives,
    IReadOnlyList<InputValueDefinitionNode> Fields) : SyntaxNode, ITypeExtensionNode;
