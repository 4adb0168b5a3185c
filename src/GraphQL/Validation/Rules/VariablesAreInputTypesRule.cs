using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.8.2 Variables Are Input Types.</summary>
public sealed class VariablesAreInputTypesRule(ValidationContext context) : ValidationRule(context)
{
    /// <inheritdoc />
    public override void EnterVariableDefinition(VariableDefinitionNode node)
    {
        var type = ValidationTypes.FromTypeNode(Context.Schema, node.Type);
        if (type is { IsInputType: false })
        {
            Context.ReportError(
                $"Variable \"${node.Variable.Name.Value}\" cannot be non-input type \"{ValidationTypes.Print(node.Type)}\".",
                node.Type as SyntaxNode);
        }
    }
}
