namespace CrowNest.GraphQL.Language;

/// <summary>
/// Depth-first visitor over a syntax tree. <see cref="Visit"/> dispatches to the <c>Visit*</c> method of the node's kind, whose
/// default visits the children in graphql-js <c>QueryDocumentKeys</c> order. Override a method and call <c>base</c> to keep recursing;
/// override <see cref="Enter"/>/<see cref="Leave"/> to see every node.
/// </summary>
public abstract class SyntaxWalker
{
    /// <summary>Visits <paramref name="node"/> (no-op for null): <see cref="Enter"/>, the kind-specific method, then <see cref="Leave"/>.</summary>
    public virtual void Visit(SyntaxNode? node)
    {
        if (node is null || !Enter(node))
        {
            return;
        }

        switch (node)
        {
            case NameNode n:
                VisitName(n);
                break;
            case DocumentNode n:
                VisitDocument(n);
                break;
            case OperationDefinitionNode n:
                VisitOperationDefinition(n);
                break;
            case VariableDefinitionNode n:
                VisitVariableDefinition(n);
                break;
            case VariableNode n:
                VisitVariable(n);
                break;
            case SelectionSetNode n:
                VisitSelectionSet(n);
                break;
            case FieldNode n:
                VisitField(n);
                break;
            case ArgumentNode n:
                VisitArgument(n);
                break;
            case FragmentSpreadNode n:
                VisitFragmentSpread(n);
                break;
            case InlineFragmentNode n:
                VisitInlineFragment(n);
                break;
            case FragmentDefinitionNode n:
                VisitFragmentDefinition(n);
                break;
            case IntValueNode n:
                VisitIntValue(n);
                break;
            case FloatValueNode n:
                VisitFloatValue(n);
                break;
            case StringValueNode n:
                VisitStringValue(n);
                break;
            case BooleanValueNode n:
                VisitBooleanValue(n);
                break;
            case NullValueNode n:
                VisitNullValue(n);
                break;
            case EnumValueNode n:
                VisitEnumValue(n);
                break;
            case ListValueNode n:
                VisitListValue(n);
                break;
            case ObjectValueNode n:
                VisitObjectValue(n);
                break;
            case ObjectFieldNode n:
                VisitObjectField(n);
                break;
            case DirectiveNode n:
                VisitDirective(n);
                break;
            case NamedTypeNode n:
                VisitNamedType(n);
                break;
            case ListTypeNode n:
                VisitListType(n);
                break;
            case NonNullTypeNode n:
                VisitNonNullType(n);
                break;
            case SchemaDefinitionNode n:
                VisitSchemaDefinition(n);
                break;
            case OperationTypeDefinitionNode n:
                VisitOperationTypeDefinition(n);
                break;
            case ScalarTypeDefinitionNode n:
                VisitScalarTypeDefinition(n);
                break;
            case ObjectTypeDefinitionNode n:
                VisitObjectTypeDefinition(n);
                break;
            case FieldDefinitionNode n:
                VisitFieldDefinition(n);
                break;
            case InputValueDefinitionNode n:
                VisitInputValueDefinition(n);
                break;
            case InterfaceTypeDefinitionNode n:
                VisitInterfaceTypeDefinition(n);
                break;
            case UnionTypeDefinitionNode n:
                VisitUnionTypeDefinition(n);
                break;
            case EnumTypeDefinitionNode n:
                VisitEnumTypeDefinition(n);
                break;
            case EnumValueDefinitionNode n:
                VisitEnumValueDefinition(n);
                break;
            case InputObjectTypeDefinitionNode n:
                VisitInputObjectTypeDefinition(n);
                break;
            case DirectiveDefinitionNode n:
                VisitDirectiveDefinition(n);
                break;
            case SchemaExtensionNode n:
                VisitSchemaExtension(n);
                break;
            case ScalarTypeExtensionNode n:
                VisitScalarTypeExtension(n);
                break;
            case ObjectTypeExtensionNode n:
                VisitObjectTypeExtension(n);
                break;
            case InterfaceTypeExtensionNode n:
                VisitInterfaceTypeExtension(n);
                break;
            case UnionTypeExtensionNode n:
                VisitUnionTypeExtension(n);
                break;
            case EnumTypeExtensionNode n:
                VisitEnumTypeExtension(n);
                break;
            case InputObjectTypeExtensionNode n:
                VisitInputObjectTypeExtension(n);
                break;
            default:
                break;
        }

        Leave(node);
    }

    /// <summary>Called before a node's children; return false to skip the node and its children.</summary>
    protected virtual bool Enter(SyntaxNode node) => true;

    /// <summary>Called after a node's children.</summary>
    protected virtual void Leave(SyntaxNode node)
    {
    }

    /// <summary>Visits every node of a list.</summary>
    protected void VisitList<T>(IReadOnlyList<T> nodes)
        where T : class
    {
        for (var i = 0; i < nodes.Count; i++)
        {
            Visit(nodes[i] as SyntaxNode);
        }
    }

    /// <summary>Visits a <see cref="NameNode"/>; the default visits its children.</summary>
    protected virtual void VisitName(NameNode node)
    {
    }

    /// <summary>Visits a <see cref="DocumentNode"/>; the default visits its children.</summary>
    protected virtual void VisitDocument(DocumentNode node)
    {
        VisitList(node.Definitions);
    }

    /// <summary>Visits a <see cref="OperationDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitOperationDefinition(OperationDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        VisitList(node.VariableDefinitions);
        VisitList(node.Directives);
        Visit(node.SelectionSet);
    }

    /// <summary>Visits a <see cref="VariableDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitVariableDefinition(VariableDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Variable);
        Visit(node.Type as SyntaxNode);
        Visit(node.DefaultValue as SyntaxNode);
        VisitList(node.Directives);
    }

    /// <summary>Visits a <see cref="VariableNode"/>; the default visits its children.</summary>
    protected virtual void VisitVariable(VariableNode node)
    {
        Visit(node.Name);
    }

    /// <summary>Visits a <see cref="SelectionSetNode"/>; the default visits its children.</summary>
    protected virtual void VisitSelectionSet(SelectionSetNode node)
    {
        VisitList(node.Selections);
    }

    /// <summary>Visits a <see cref="FieldNode"/>; the default visits its children.</summary>
    protected virtual void VisitField(FieldNode node)
    {
        Visit(node.Alias);
        Visit(node.Name);
        VisitList(node.Arguments);
        VisitList(node.Directives);
        Visit(node.SelectionSet);
    }

    /// <summary>Visits a <see cref="ArgumentNode"/>; the default visits its children.</summary>
    protected virtual void VisitArgument(ArgumentNode node)
    {
        Visit(node.Name);
        Visit(node.Value as SyntaxNode);
    }

    /// <summary>Visits a <see cref="FragmentSpreadNode"/>; the default visits its children.</summary>
    protected virtual void VisitFragmentSpread(FragmentSpreadNode node)
    {
        Visit(node.Name);
        VisitList(node.Directives);
    }

    /// <summary>Visits a <see cref="InlineFragmentNode"/>; the default visits its children.</summary>
    protected virtual void VisitInlineFragment(InlineFragmentNode node)
    {
        Visit(node.TypeCondition);
        VisitList(node.Directives);
        Visit(node.SelectionSet);
    }

    /// <summary>Visits a <see cref="FragmentDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitFragmentDefinition(FragmentDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        Visit(node.TypeCondition);
        VisitList(node.Directives);
        Visit(node.SelectionSet);
    }

    /// <summary>Visits a <see cref="IntValueNode"/>; the default visits its children.</summary>
    protected virtual void VisitIntValue(IntValueNode node)
    {
    }

    /// <summary>Visits a <see cref="FloatValueNode"/>; the default visits its children.</summary>
    protected virtual void VisitFloatValue(FloatValueNode node)
    {
    }

    /// <summary>Visits a <see cref="StringValueNode"/>; the default visits its children.</summary>
    protected virtual void VisitStringValue(StringValueNode node)
    {
    }

    /// <summary>Visits a <see cref="BooleanValueNode"/>; the default visits its children.</summary>
    protected virtual void VisitBooleanValue(BooleanValueNode node)
    {
    }

    /// <summary>Visits a <see cref="NullValueNode"/>; the default visits its children.</summary>
    protected virtual void VisitNullValue(NullValueNode node)
    {
    }

    /// <summary>Visits a <see cref="EnumValueNode"/>; the default visits its children.</summary>
    protected virtual void VisitEnumValue(EnumValueNode node)
    {
    }

    /// <summary>Visits a <see cref="ListValueNode"/>; the default visits its children.</summary>
    protected virtual void VisitListValue(ListValueNode node)
    {
        VisitList(node.Values);
    }

    /// <summary>Visits a <see cref="ObjectValueNode"/>; the default visits its children.</summary>
    protected virtual void VisitObjectValue(ObjectValueNode node)
    {
        VisitList(node.Fields);
    }

    /// <summary>Visits a <see cref="ObjectFieldNode"/>; the default visits its children.</summary>
    protected virtual void VisitObjectField(ObjectFieldNode node)
    {
        Visit(node.Name);
        Visit(node.Value as SyntaxNode);
    }

    /// <summary>Visits a <see cref="DirectiveNode"/>; the default visits its children.</summary>
    protected virtual void VisitDirective(DirectiveNode node)
    {
        Visit(node.Name);
        VisitList(node.Arguments);
    }

    /// <summary>Visits a <see cref="NamedTypeNode"/>; the default visits its children.</summary>
    protected virtual void VisitNamedType(NamedTypeNode node)
    {
        Visit(node.Name);
    }

    /// <summary>Visits a <see cref="ListTypeNode"/>; the default visits its children.</summary>
    protected virtual void VisitListType(ListTypeNode node)
    {
        Visit(node.Type as SyntaxNode);
    }

    /// <summary>Visits a <see cref="NonNullTypeNode"/>; the default visits its children.</summary>
    protected virtual void VisitNonNullType(NonNullTypeNode node)
    {
        Visit(node.Type as SyntaxNode);
    }

    /// <summary>Visits a <see cref="SchemaDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitSchemaDefinition(SchemaDefinitionNode node)
    {
        Visit(node.Description);
        VisitList(node.Directives);
        VisitList(node.OperationTypes);
    }

    /// <summary>Visits a <see cref="OperationTypeDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitOperationTypeDefinition(OperationTypeDefinitionNode node)
    {
        Visit(node.Type);
    }

    /// <summary>Visits a <see cref="ScalarTypeDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitScalarTypeDefinition(ScalarTypeDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        VisitList(node.Directives);
    }

    /// <summary>Visits a <see cref="ObjectTypeDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitObjectTypeDefinition(ObjectTypeDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        VisitList(node.Interfaces);
        VisitList(node.Directives);
        VisitList(node.Fields);
    }

    /// <summary>Visits a <see cref="FieldDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitFieldDefinition(FieldDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        VisitList(node.Arguments);
        Visit(node.Type as SyntaxNode);
        VisitList(node.Directives);
    }

    /// <summary>Visits a <see cref="InputValueDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitInputValueDefinition(InputValueDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        Visit(node.Type as SyntaxNode);
        Visit(node.DefaultValue as SyntaxNode);
        VisitList(node.Directives);
    }

    /// <summary>Visits a <see cref="InterfaceTypeDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitInterfaceTypeDefinition(InterfaceTypeDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        VisitList(node.Interfaces);
        VisitList(node.Directives);
        VisitList(node.Fields);
    }

    /// <summary>Visits a <see cref="UnionTypeDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitUnionTypeDefinition(UnionTypeDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        VisitList(node.Directives);
        VisitList(node.Types);
    }

    /// <summary>Visits a <see cref="EnumTypeDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitEnumTypeDefinition(EnumTypeDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        VisitList(node.Directives);
        VisitList(node.Values);
    }

    /// <summary>Visits a <see cref="EnumValueDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitEnumValueDefinition(EnumValueDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        VisitList(node.Directives);
    }

    /// <summary>Visits a <see cref="InputObjectTypeDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitInputObjectTypeDefinition(InputObjectTypeDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        VisitList(node.Directives);
        VisitList(node.Fields);
    }

    /// <summary>Visits a <see cref="DirectiveDefinitionNode"/>; the default visits its children.</summary>
    protected virtual void VisitDirectiveDefinition(DirectiveDefinitionNode node)
    {
        Visit(node.Description);
        Visit(node.Name);
        VisitList(node.Arguments);
        VisitList(node.Locations);
    }

    /// <summary>Visits a <see cref="SchemaExtensionNode"/>; the default visits its children.</summary>
    protected virtual void VisitSchemaExtension(SchemaExtensionNode node)
    {
        VisitList(node.Directives);
        VisitList(node.OperationTypes);
    }

    /// <summary>Visits a <see cref="ScalarTypeExtensionNode"/>; the default visits its children.</summary>
    protected virtual void VisitScalarTypeExtension(ScalarTypeExtensionNode node)
    {
        Visit(node.Name);
        VisitList(node.Directives);
    }

    /// <summary>Visits a <see cref="ObjectTypeExtensionNode"/>; the default visits its children.</summary>
    protected virtual void VisitObjectTypeExtension(ObjectTypeExtensionNode node)
    {
        Visit(node.Name);
        VisitList(node.Interfaces);
        VisitList(node.Directives);
        VisitList(node.Fields);
    }

    /// <summary>Visits a <see cref="InterfaceTypeExtensionNode"/>; the default visits its children.</summary>
    protected virtual void VisitInterfaceTypeExtension(InterfaceTypeExtensionNode node)
    {
        Visit(node.Name);
        VisitList(node.Interfaces);
        VisitList(node.Directives);
        VisitList(node.Fields);
    }

    /// <summary>Visits a <see cref="UnionTypeExtensionNode"/>; the default visits its children.</summary>
    protected virtual void VisitUnionTypeExtension(UnionTypeExtensionNode node)
    {
        Visit(node.Name);
        VisitList(node.Directives);
        VisitList(node.Types);
    }

    /// <summary>Visits a <see cref="EnumTypeExtensionNode"/>; the default visits its children.</summary>
    protected virtual void VisitEnumTypeExtension(EnumTypeExtensionNode node)
    {
        Visit(node.Name);
        VisitList(node.Directives);
        VisitList(node.Values);
    }

    /// <summary>Visits a <see cref="InputObjectTypeExtensionNode"/>; the default visits its children.</summary>
    protected virtual void VisitInputObjectTypeExtension(InputObjectTypeExtensionNode node)
    {
        Visit(node.Name);
        VisitList(node.Directives);
        VisitList(node.Fields);
    }
}
