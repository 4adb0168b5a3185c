using TypeSuggestions = CrowNest.GraphQL.Types.Suggestions;

namespace CrowNest.GraphQL.Validation;

/// <summary>Validation's view of the shared graphql-js suggestion helpers (<see cref="TypeSuggestions"/>).</summary>
internal static class Suggestions
{
    public static List<string> List(string input, IEnumerable<string> options) => [.. TypeSuggestions.List(input, options)];

    public static string DidYouMean(IReadOnlyList<string> suggestions, string? subMessage = null) =>
        TypeSuggestions.DidYouMean(suggestions, subMessage);

    public static int NaturalCompare(string a, string b) => TypeSuggestions.NaturalCompare(a, b);
}
