namespace CrowNest.GraphQL.Types;

/// <summary>Thrown by <see cref="SchemaBuilder.Build"/> with every problem found (not just the first).</summary>
public sealed class SchemaException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public SchemaException(IReadOnlyList<string> errors)
        : base(FormatMessage(errors)) => Errors = errors;

    /// <summary>Creates an exception with one problem.</summary>
    public SchemaException(string message)
        : this([message])
    {
    }

    /// <summary>Creates an empty exception (required by convention; prefer the list constructor).</summary>
    public SchemaException()
        : this(Array.Empty<string>())
    {
    }

    /// <summary>Creates an exception wrapping another one.</summary>
    public SchemaException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    /// <summary>Every problem, in discovery order: SDL errors, type-system validation errors, then binding/resolver errors.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string FormatMessage(IReadOnlyList<string> errors) => errors.Count switch
    {
        0 => "The schema is invalid.",
        1 => "The schema is invalid: " + errors[0],
        _ => $"The schema is invalid ({errors.Count} problems):\n" + string.Join("\n", errors.Select(e => "- " + e)),
    };
}
