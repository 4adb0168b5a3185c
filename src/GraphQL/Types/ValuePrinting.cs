using System.Text;
using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Types;

/// <summary>Prints value literals, strings and block strings exactly as graphql-js's <c>print()</c> does.</summary>
public static class ValuePrinting
{
    /// <summary>Prints a value literal (graphql-js <c>print(valueNode)</c>); the language printer is the one implementation.</summary>
    public static string PrintValue(IValueNode value) => Printer.Print((SyntaxNode)value);

    /// <summary>graphql-js <c>printString</c>: a JSON-like quoted string with graphql-js's escape table.</summary>
    public static string PrintString(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\f': sb.Append("\\f"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>graphql-js <c>printBlockString</c> (without the minimize option); one implementation serves both printers.</summary>
    public static string PrintBlockString(string value) => BlockString.Print(value);

    /// <summary>graphql-js <c>isPrintableAsBlockString</c>.</summary>
    public static bool IsPrintableAsBlockString(string value) => BlockString.IsPrintableAsBlockString(value);

    /// <summary>Prints a description the way graphql-js's printer prints a StringValue node with <c>block</c> set when printable.</summary>
    public static string PrintDescriptionString(string description) =>
        IsPrintableAsBlockString(description) ? PrintBlockString(description) : PrintString(description);
}
