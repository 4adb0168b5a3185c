using System.Text;

namespace CrowNest.GraphQL.Validation;

/// <summary>graphql-js <c>suggestionList</c>, <c>didYouMean</c> and <c>naturalCompare</c>, so messages match.</summary>
internal static class Suggestions
{
    private const int MaxSuggestions = 5;

    public static List<string> List(string input, IEnumerable<string> options)
    {
        var byDistance = new Dictionary<string, int>(StringComparer.Ordinal);
        var threshold = (int)Math.Floor(input.Length * 0.4) + 1;
        var inputLower = input.ToLowerInvariant();
        foreach (var option in options)
        {
            var distance = Measure(input, inputLower, option, threshold);
            if (distance is { } d)
            {
                byDistance[option] = d;
            }
        }

        var result = new List<string>(byDistance.Keys);
        result.Sort((a, b) =>
        {
            var diff = byDistance[a] - byDistance[b];
            return diff != 0 ? diff : NaturalCompare(a, b);
        });
        return result;
    }

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

    public static int NaturalCompare(string a, string b)
    {
        var ai = 0;
        var bi = 0;
        while (ai < a.Length && bi < b.Length)
        {
            var ac = a[ai];
            var bc = b[bi];
            if (char.IsAsciiDigit(ac) && char.IsAsciiDigit(bc))
            {
                long aNum = 0;
                do
                {
                    ++ai;
                    aNum = (aNum * 10) + ac - '0';
                    ac = ai < a.Length ? a[ai] : '\0';
                }
                while (char.IsAsciiDigit(ac) && aNum > 0);

                long bNum = 0;
                do
                {
                    ++bi;
                    bNum = (bNum * 10) + bc - '0';
                    bc = bi < b.Length ? b[bi] : '\0';
                }
                while (char.IsAsciiDigit(bc) && bNum > 0);

                if (aNum != bNum)
                {
                    return aNum < bNum ? -1 : 1;
                }
            }
            else
            {
                if (ac != bc)
                {
                    return ac < bc ? -1 : 1;
                }

                ++ai;
                ++bi;
            }
        }

        return a.Length - b.Length;
    }

    private static int? Measure(string input, string inputLower, string option, int threshold)
    {
        if (input == option)
        {
            return 0;
        }

        var optionLower = option.ToLowerInvariant();
        if (inputLower == optionLower)
        {
            return 1;
        }

        var a = optionLower;
        var b = inputLower;
        if (a.Length < b.Length)
        {
            (a, b) = (b, a);
        }

        var aLength = a.Length;
        var bLength = b.Length;
        if (aLength - bLength > threshold)
        {
            return null;
        }

        var rows = new int[3][];
        for (var r = 0; r < 3; r++)
        {
            rows[r] = new int[bLength + 1];
        }

        for (var j = 0; j <= bLength; j++)
        {
            rows[0][j] = j;
        }

        for (var i = 1; i <= aLength; i++)
        {
            var upRow = rows[(i - 1) % 3];
            var currentRow = rows[i % 3];
            var smallestCell = currentRow[0] = i;
            for (var j = 1; j <= bLength; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var currentCell = Math.Min(Math.Min(upRow[j] + 1, currentRow[j - 1] + 1), upRow[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    currentCell = Math.Min(currentCell, rows[(i - 2) % 3][j - 2] + 1);
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

        var distance = rows[aLength % 3][bLength];
        return distance <= threshold ? distance : null;
    }
}
