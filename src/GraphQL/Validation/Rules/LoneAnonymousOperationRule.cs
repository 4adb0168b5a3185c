using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.2.2.1 Lone Anonymous Operation.</summary>
public sealed class LoneAnonymousOperationRule(ValidationContext context) : ValidationRule(context)
{
    private int _operationCount;

    /// <inheritdoc />
    public override void EnterDocument(DocumentNode node)
    {
        foreach (var definition in node.Definitions)
        {
            if (definition is OperationDefinitionNode)
            {
                _operationCount++;
            }
        }
    }

    /// <inheritdoc />
    public override void EnterOperationDefinition(OperationDefinitionNode node)
    {
        if (node.Name is null && _operationCount > 1)
        {
            Context.ReportError("This anonymous operation must be the only defined operation.", node);
        }
    }
}
