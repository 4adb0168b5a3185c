using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>
/// Spec (draft) Operation Type Existence: the schema must define a root type for the operation's kind (e.g. no
/// mutation on a schema without a mutation type). graphql-js 17 <c>KnownOperationTypesRule</c>; graphql-js 16 reports
/// this only at execution.
/// </summary>
public sealed class KnownOperationTypesRule(ValidationContext context) : ValidationRule(context)
{
    /// <inheritdoc />
    public override void EnterOperationDefinition(OperationDefinitionNode node)
    {
        if (Context.Schema.GetRootType(node.Operation) is null)
        {
            var kind = node.Operation switch
            {
                OperationType.Query => "query",
                OperationType.Mutation => "mutation",
                _ => "subscription",
            };
            Context.ReportError($"The {kind} operation is not supported by the schema.", node);
        }
    }
}
