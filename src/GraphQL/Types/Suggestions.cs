using System.Text;

namespace CrowNest.GraphQL.Types;

/// <summary>
/// graphql-js <c>suggestionList</c>, <c>didYouMean</c> and <c>naturalCompare</c>: the one implementation every layer's
/// "Did you mean" messages use, so they match graphql-js.
/// </summary>
public static class Suggestions
{
    private const int MaxSuggestions = 5;

    /// <summary>Options similar to <paramref name="input"/>, sorted by distance then natural order.</summary>
    public static IReadOnlyList<string> List(string input, IEnumerable<string> options)
    {
        var threshold = (int)Math.Floor(input.Length * 0.4) + 1;
        var inputLower = input.ToLowerInvariant();
        var found = new List<(string Option, int Distance)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in options)
        {
            if (!seen.Add(option))
            {
                continue;
            }

            int? distance = option == input ? 0
                : option.ToLowerInvariant() == inputLower ? 1
                : Measure(inputLower, option.ToLowerInvariant(), threshold);
            if (distance is { } d)
            {
                found.Add((option, d));
            }
        }

        found.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : NaturalCompare(a.Option, b.Option));
        return found.ConvertAll(f => f.Option);
    }

    /// <summary>graphql-js <c>didYouMean</c>: " Did you mean \"a\", \"b\", or \"c\"?" with at most five suggestions.</summary>
    public static string DidYouMean(IReadOnlyList<string> suggestions, string? subMessage = null)
    {
        if (suggestions.Count == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder(" Did you mean ");
        if (subMessage is not null)
        {
            sb.Append(subMessage).Append(' ');
        }

        switch (suggestions.Count)
        {
            case 1:
                return sb.Append('"').Append(suggestions[0]).Append("\"?").ToString();
            case 2:
                return sb.Append('"').Append(suggestions[0]).Append("\" or \"").Append(suggestions[1]).Append("\"?").ToString();
            default:
                var count = Math.Min(suggestions.Count, MaxSuggestions);
                for (var i = 0; i < count - 1; i++)
                {
                    sb.Append('"').Append(suggestions[i]).Append("\", ");
                }

                return sb.Append("or \"").Append(suggestions[count - 1]).Append("\"?").ToString();
        }
    }

    private static int? Measure(string input, string option, int threshold)
    {
        var a = option;
        var b = input;
        if (a.Length < b.Length)
        {
            (a, b) = (b, a);
        }

        if (a.Length - b.Length > threshold)
        {
            return null;
        }

        // Optimal string alignment (Damerau-Levenshtein with adjacent transpositions), as graphql-js computes it.
        var rows = new int[3][];
        for (var r = 0; r < 3; r++)
        {
            rows[r] = new int[b.Length + 1];
        }

        for (var j = 0; j <= b.Length; j++)
        {
            rows[0][j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var upRow = rows[(i - 1) % 3];
            var currentRow = rows[i % 3];
            var smallestCell = currentRow[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var currentCell = Math.Min(Math.Min(upRow[j] + 1, currentRow[j - 1] + 1), upRow[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    var doubleDiagonalCell = rows[(i - 2) % 3][j - 2];
                    currentCell = Math.Min(currentCell, doubleDiagonalCell + 1);
                }

                if (currentCell < smallestCell)
                {
                    smallestCell = currentCell;
                }

                currentRow[j] = currentCell;
            }

            if (smallestCell > threshold)
            {
                return null;
            }
        }

        var distance = rows[a.Length % 3][b.Length];
        return distance <= threshold ? distance : null;
    }

    /// <summary>graphql-js <c>naturalCompare</c>: digit runs compare numerically.</summary>
    public static int NaturalCompare(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                var si = i;
                var sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i]))
                {
                    i++;
                }

                while (j < b.Length && char.IsAsciiDigit(b[j]))
                {
                    j++;
                }

                var na = decimal.Parse(a[si..i], System.Globalization.CultureInfo.InvariantCulture);
                var nb = decimal.Parse(b[sj..j], System.Globalization.CultureInfo.InvariantCulture);
                if (na != nb)
                {
                    return na < nb ? -1 : 1;
                }
            }
            else
            {
                if (a[i] != b[j])
                {
                    return a[i] < b[j] ? -1 : 1;
                }

                i++;
                j++;
            }
        }

        return (a.Length - i).CompareTo(b.Length - j);
    }
}
