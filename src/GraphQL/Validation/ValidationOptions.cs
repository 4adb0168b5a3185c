namespace CrowNest.GraphQL.Validation;

/// <summary>Creates a rule instance for one validation run.</summary>
/// <param name="context">The validation run.</param>
public delegate ValidationRule ValidationRuleFactory(ValidationContext context);

/// <summary>Options of <see cref="DocumentValidator"/>.</summary>
public sealed record ValidationOptions
{
    /// <summary>The rules to run, in order; null means <see cref="DocumentValidator.SpecifiedRules"/>.</summary>
    public IReadOnlyList<ValidationRuleFactory>? Rules { get; init; }

    /// <summary>
    /// Stop after this many errors, adding a final "error limit reached" error (graphql-js <c>maxErrors</c>, default 100).
    /// </summary>
    public int MaxErrors { get; init; } = 100;

    /// <summary>Leave "Did you mean ...?" suggestions out of messages (useful when the schema is private).</summary>
    public bool HideSuggestions { get; init; }
}

/// <summary>The outcome of a validation run with statistics.</summary>
/// <param name="Errors">The errors, in the order rules reported them (empty when the document is valid).</param>
/// <param name="WorkUnits">
/// Work done: nodes visited by every traversal plus comparisons made by rules with super-linear algorithms (fragment
/// and field-overlap checks). Bounded by a small multiple of the document size for documents without pathological
/// fragment graphs; used by tests to assert that validation work is bounded.
/// </param>
/// <param name="Aborted">True when validation stopped early (error limit or work budget exceeded).</param>
public sealed record ValidationResult(IReadOnlyList<GraphQLError> Errors, long WorkUnits, bool Aborted)
{
    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;
}
