using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.7.3 Directives Are Unique Per Location (non-repeatable directives only).</summary>
public sealed class UniqueDirectivesPerLocationRule : ValidationRule
{
    private readonly Dictionary<string, bool> _documentUnique = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DirectiveNode> _schemaDirectives = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, DirectiveNode>> _typeDirectives = new(StringComparer.Ordinal);

    /// <summary>Creates the rule.</summary>
    public UniqueDirectivesPerLocationRule(ValidationContext context)
        : base(context)
    {
        foreach (var definition in context.Document.Definitions)
        {
            if (definition is DirectiveDefinitionNode directive)
            {
                _documentUnique[directive.Name.Value] = !directive.IsRepeatable;
            }
        }
    }

    /// <inheritdoc />
    public override void EnterOperationDefinition(OperationDefinitionNode node) => Check(node.Directives, null);

    /// <inheritdoc />
    public override void EnterVariableDefinition(VariableDefinitionNode node) => Check(node.Directives, null);

    /// <inheritdoc />
    public override void EnterField(FieldNode node) => Check(node.Directives, null);

    /// <inheritdoc />
    public override void EnterFragmentSpread(FragmentSpreadNode node) => Check(node.Directives, null);

    /// <inheritdoc />
    public override void EnterInlineFragment(InlineFragmentNode node) => Check(node.Directives, null);

    /// <inheritdoc />
    public override void EnterFragmentDefinition(FragmentDefinitionNode node) => Check(node.Directives, null);

    /// <inheritdoc />
    public override void EnterTypeSystemNode(SyntaxNode node, IReadOnlyList<DirectiveNode> directives)
    {
        Dictionary<string, DirectiveNode>? seen = null;
        if (node is SchemaDefinitionNode or SchemaExtensionNode)
        {
            seen = _schemaDirectives;
        }
        else if (node is ITypeDefinitionNode or ITypeExtensionNode)
        {
            var typeName = node is ITypeDefinitionNode def ? def.Name.Value : ((ITypeExtensionNode)node).Name.Value;
            if (!_typeDirectives.TryGetValue(typeName, out seen))
            {
                _typeDirectives[typeName] = seen = new(StringComparer.Ordinal);
            }
        }

        Check(directives, seen);
    }

    private void Check(IReadOnlyList<DirectiveNode> directives, Dictionary<string, DirectiveNode>? seen)
    {
        if (directives.Count == 0 || (directives.Count == 1 && seen is null))
        {
            return;
        }

        seen ??= new(StringComparer.Ordinal);
        foreach (var directive in directives)
        {
            var name = directive.Name.Value;
            if (!IsUnique(name))
            {
                continue;
            }

            if (seen.TryGetValue(name, out var previous))
            {
                Context.ReportError($"The directive \"@{name}\" can only be used once at this location.", previous, directive);
            }
            else
            {
                seen[name] = directive;
            }
        }
    }

    private bool IsUnique(string name) =>
        _documentUnique.TryGetValue(name, out var unique)
            ? unique
            : Context.Schema.GetDirective(name) is { IsRepeatable: false };
}
