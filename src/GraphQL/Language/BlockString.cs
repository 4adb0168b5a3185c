using System.Text;

namespace CrowNest.GraphQL.Language;

/// <summary>Block string helpers: the spec's <c>BlockStringValue()</c> dedent and graphql-js 16 <c>printBlockString</c>.</summary>
public static class BlockString
{
    /// <summary>
    /// Spec <c>BlockStringValue(rawValue)</c>: splits on line terminators, removes the common indentation of all lines but
    /// the first, drops leading and trailing blank lines and joins with <c>\n</c>. <paramref name="rawValue"/> is the text
    /// between the triple quotes with <c>\"""</c> already replaced by <c>"""</c>.
    /// </summary>
    public static string Dedent(string rawValue)
    {
        ArgumentNullException.ThrowIfNull(rawValue);
        return string.Join('\n', DedentLines(SplitLines(rawValue)));
    }

    /// <summary>graphql-js <c>dedentBlockStringLines</c>: the dedented lines without leading and trailing blank lines.</summary>
    public static IReadOnlyList<string> DedentLines(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var commonIndent = int.MaxValue;
        var firstNonEmptyLine = -1;
        var lastNonEmptyLine = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var indent = LeadingWhitespace(line);
            if (indent == line.Length)
            {
                continue;
            }

            if (firstNonEmptyLine < 0)
            {
                firstNonEmptyLine = i;
            }

            lastNonEmptyLine = i;
            if (i != 0 && indent < commonIndent)
            {
                commonIndent = indent;
            }
        }

        if (firstNonEmptyLine < 0)
        {
            return [];
        }

        var result = new List<string>(lastNonEmptyLine - firstNonEmptyLine + 1);
        for (var i = firstNonEmptyLine; i <= lastNonEmptyLine; i++)
        {
            var line = lines[i];
            result.Add(i == 0 ? line : line[Math.Min(commonIndent, line.Length)..]);
        }

        return result;
    }

    /// <summary>graphql-js <c>isPrintableAsBlockString</c>: whether printing as a block string round-trips to the same value.</summary>
    public static bool IsPrintableAsBlockString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return true;
        }

        var isEmptyLine = true;
        var hasIndent = false;
        var hasCommonIndent = true;
        var seenNonEmptyLine = false;
        foreach (var c in value)
        {
            switch (c)
            {
                case '\u0000' or '\u0001' or '\u0002' or '\u0003' or '\u0004' or '\u0005' or '\u0006' or '\u0007' or '\u0008'
                    or '\u000B' or '\u000C' or '\u000E' or '\u000F':
                    return false;
                case '\r':
                    return false;
                case '\n':
                    if (isEmptyLine && !seenNonEmptyLine)
                    {
                        return false;
                    }

                    seenNonEmptyLine = true;
                    isEmptyLine = true;
                    hasIndent = false;
                    break;
                case '\t' or ' ':
                    hasIndent |= isEmptyLine;
                    break;
                default:
                    hasCommonIndent &= hasIndent;
                    isEmptyLine = false;
                    break;
            }
        }

        if (isEmptyLine)
        {
            return false;
        }

        return !(hasCommonIndent && seenNonEmptyLine);
    }

    /// <summary>graphql-js 16 <c>printBlockString</c>: prints <paramref name="value"/> as a <c>"""</c> block string.</summary>
    public static string Print(string value, bool minimize = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        var escapedValue = value.Replace("\"\"\"", "\\\"\"\"", StringComparison.Ordinal);
        var lines = SplitLines(escapedValue);
        var isSingleLine = lines.Count == 1;

        var forceLeadingNewLine = lines.Count > 1;
        for (var i = 1; i < lines.Count && forceLeadingNewLine; i++)
        {
            forceLeadingNewLine = lines[i].Length == 0 || IsWhiteSpace(lines[i][0]);
        }

        var hasTrailingTripleQuotes = escapedValue.EndsWith("\\\"\"\"", StringComparison.Ordinal);
        var hasTrailingQuote = value.EndsWith('"') && !hasTrailingTripleQuotes;
        var hasTrailingSlash = value.EndsWith('\\');
        var forceTrailingNewline = hasTrailingQuote || hasTrailingSlash;
        var printAsMultipleLines = !minimize
            && (!isSingleLine || value.Length > 70 || forceTrailingNewline || forceLeadingNewLine || hasTrailingTripleQuotes);

        var result = new StringBuilder(value.Length + 8);
        result.Append("\"\"\"");
        var skipLeadingNewLine = isSingleLine && value.Length > 0 && IsWhiteSpace(value[0]);
        if ((printAsMultipleLines && !skipLeadingNewLine) || forceLeadingNewLine)
        {
            result.Append('\n');
        }

        result.Append(escapedValue);
        if (printAsMultipleLines || forceTrailingNewline)
        {
            result.Append('\n');
        }

        return result.Append("\"\"\"").ToString();
    }

    private static List<string> SplitLines(string value)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '\n' or '\r')
            {
                lines.Add(value[start..i]);
                if (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        lines.Add(value[start..]);
        return lines;
    }

    private static int LeadingWhitespace(string line)
    {
        var i = 0;
        while (i < line.Length && IsWhiteSpace(line[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsWhiteSpace(char c) => c is ' ' or '\t';
}
