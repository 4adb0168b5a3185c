using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;
using CrowNest.GraphQL.Validation.Rules;

namespace CrowNest.GraphQL.Validation;

/// <summary>
/// Validates executable documents against a schema (GraphQL spec section 5) with graphql-js 16 semantics: the same
/// rules, the same number of errors and the same error locations. All rules run in one traversal.
/// </summary>
public static class DocumentValidator
{
    /// <summary>
    /// Every rule, in graphql-js <c>specifiedRules</c> order, plus <see cref="KnownOperationTypesRule"/> (spec draft
    /// "Operation Type Existence").
    /// </summary>
    public static IReadOnlyList<ValidationRuleFactory> SpecifiedRules { get; } =
    [
        c => new ExecutableDefinitionsRule(c),
        c => new UniqueOperationNamesRule(c),
        c => new LoneAnonymousOperationRule(c),
        c => new KnownOperationTypesRule(c),
        c => new SingleFieldSubscriptionsRule(c),
        c => new KnownTypeNamesRule(c),
        c => new FragmentsOnCompositeTypesRule(c),
        c => new VariablesAreInputTypesRule(c),
        c => new ScalarLeafsRule(c),
        c => new FieldsOnCorrectTypeRule(c),
        c => new UniqueFragmentNamesRule(c),
        c => new KnownFragmentNamesRule(c),
        c => new NoUnusedFragmentsRule(c),
        c => new PossibleFragmentSpreadsRule(c),
        c => new NoFragmentCyclesRule(c),
        c => new UniqueVariableNamesRule(c),
        c => new NoUndefinedVariablesRule(c),
        c => new NoUnusedVariablesRule(c),
        c => new KnownDirectivesRule(c),
        c => new UniqueDirectivesPerLocationRule(c),
        c => new KnownArgumentNamesRule(c),
        c => new UniqueArgumentNamesRule(c),
        c => new ValuesOfCorrectTypeRule(c),
        c => new ProvidedRequiredArgumentsRule(c),
        c => new VariablesInAllowedPositionRule(c),
        c => new OverlappingFieldsCanBeMergedRule(c),
        c => new UniqueInputFieldNamesRule(c),
        c => new MaxIntrospectionDepthRule(c),
    ];

    /// <summary>Validates a document; returns the errors (empty when valid), each with code <c>GRAPHQL_VALIDATION_FAILED</c>.</summary>
    public static IReadOnlyList<GraphQLError> Validate(Schema schema, DocumentNode document, ValidationOptions? options = null) =>
        Run(schema, document, options).Errors;

    /// <summary>Validates a document and reports the work done (see <see cref="ValidationResult.WorkUnits"/>).</summary>
    public static ValidationResult Run(Schema schema, DocumentNode document, ValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(document);
        options ??= DefaultOptions;
        var context = new ValidationContext(schema, document, options);
        var factories = options.Rules ?? SpecifiedRules;
        var rules = new ValidationRule[factories.Count];
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i] = factories[i](context);
        }

        var aborted = false;
        try
        {
            context.Run(rules);
        }
        catch (ValidationAbortedException e)
        {
            aborted = true;
            if (e.Error is { } error)
            {
                context.AddAbortError(error);
            }
        }

        return new ValidationResult(context.Errors, context.WorkUnits, aborted);
    }

    private static readonly ValidationOptions DefaultOptions = new();
}
