using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation;

/// <summary>
/// A validation rule: a visitor over the document. All rules of a validation run share one traversal; the walker calls
/// only the hooks a rule overrides, in rule order, with <see cref="Context"/> describing the current position (types,
/// field definition, input type...). Create one instance per validation run (rules keep per-document state).
/// </summary>
public abstract class ValidationRule
{
    /// <summary>Creates the rule for one validation run.</summary>
    protected ValidationRule(ValidationContext context) => Context = context;

    /// <summary>The current validation run.</summary>
    protected ValidationContext Context { get; }

    /// <summary>Entering the document.</summary>
    public virtual void EnterDocument(DocumentNode node)
    {
    }

    /// <summary>Leaving the document (after every definition was visited).</summary>
    public virtual void LeaveDocument(DocumentNode node)
    {
    }

    /// <summary>Entering an operation definition.</summary>
    public virtual void EnterOperationDefinition(OperationDefinitionNode node)
    {
    }

    /// <summary>Leaving an operation definition.</summary>
    public virtual void LeaveOperationDefinition(OperationDefinitionNode node)
    {
    }

    /// <summary>Entering a variable definition.</summary>
    public virtual void EnterVariableDefinition(VariableDefinitionNode node)
    {
    }

    /// <summary>Entering a selection set; <paramref name="parent"/> is the operation, field or fragment owning it.</summary>
    public virtual void EnterSelectionSet(SelectionSetNode node, SyntaxNode parent)
    {
    }

    /// <summary>Leaving a selection set.</summary>
    public virtual void LeaveSelectionSet(SelectionSetNode node, SyntaxNode parent)
    {
    }

    /// <summary>Entering a field.</summary>
    public virtual void EnterField(FieldNode node)
    {
    }

    /// <summary>Leaving a field.</summary>
    public virtual void LeaveField(FieldNode node)
    {
    }

    /// <summary>Entering a fragment spread.</summary>
    public virtual void EnterFragmentSpread(FragmentSpreadNode node)
    {
    }

    /// <summary>Entering an inline fragment.</summary>
    public virtual void EnterInlineFragment(InlineFragmentNode node)
    {
    }

    /// <summary>Leaving an inline fragment.</summary>
    public virtual void LeaveInlineFragment(InlineFragmentNode node)
    {
    }

    /// <summary>Entering a fragment definition.</summary>
    public virtual void EnterFragmentDefinition(FragmentDefinitionNode node)
    {
    }

    /// <summary>Leaving a fragment definition.</summary>
    public virtual void LeaveFragmentDefinition(FragmentDefinitionNode node)
    {
    }

    /// <summary>
    /// Entering a directive; <paramref name="location"/> is where it is applied (null for a location the type system
    /// has no name for).
    /// </summary>
    public virtual void EnterDirective(DirectiveNode node, Types.DirectiveLocation? location)
    {
    }

    /// <summary>Leaving a directive.</summary>
    public virtual void LeaveDirective(DirectiveNode node)
    {
    }

    /// <summary>Entering an argument of a field or directive.</summary>
    public virtual void EnterArgument(ArgumentNode node)
    {
    }

    /// <summary>Entering a list literal.</summary>
    public virtual void EnterListValue(ListValueNode node)
    {
    }

    /// <summary>Leaving a list literal.</summary>
    public virtual void LeaveListValue(ListValueNode node)
    {
    }

    /// <summary>Entering an object literal.</summary>
    public virtual void EnterObjectValue(ObjectValueNode node)
    {
    }

    /// <summary>Leaving an object literal.</summary>
    public virtual void LeaveObjectValue(ObjectValueNode node)
    {
    }

    /// <summary>Entering a field of an object literal.</summary>
    public virtual void EnterObjectField(ObjectFieldNode node)
    {
    }

    /// <summary>Entering an int, float, string, boolean or enum literal.</summary>
    public virtual void EnterLeafValue(IValueNode node)
    {
    }

    /// <summary>Entering a <c>null</c> literal.</summary>
    public virtual void EnterNullValue(NullValueNode node)
    {
    }

    /// <summary>Entering a variable reference (including the variable of a variable definition).</summary>
    public virtual void EnterVariable(VariableNode node)
    {
    }

    /// <summary>Entering a named type reference (type conditions, variable types, and type references in SDL).</summary>
    public virtual void EnterNamedType(NamedTypeNode node)
    {
    }

    /// <summary>
    /// Entering a type-system node (definition, extension, field/argument/enum value definition) that carries
    /// directives; executable documents normally contain none.
    /// </summary>
    public virtual void EnterTypeSystemNode(SyntaxNode node, IReadOnlyList<DirectiveNode> directives)
    {
    }
}
