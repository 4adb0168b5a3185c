using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.1.1 Executable Definitions: only operations and fragments may appear.</summary>
public sealed class ExecutableDefinitionsRule(ValidationContext context) : ValidationRule(context)
{
    /// <inheritdoc />
    public override void EnterDocument(DocumentNode node)
    {
        foreach (var definition in node.Definitions)
        {
            if (definition is IExecutableDefinitionNode)
            {
                continue;
            }

            var name = definition switch
            {
                SchemaDefinitionNode or SchemaExtensionNode => "schema",
                ITypeDefinitionNode type => "\"" + type.Name.Value + "\"",
                ITypeExtensionNode ext => "\"" + ext.Name.Value + "\"",
                DirectiveDefinitionNode directive => "\"" + directive.Name.Value + "\"",
                _ => "unknown",
            };
            Context.ReportError($"The {name} definition is not executable.", definition as SyntaxNode);
        }
    }
}
