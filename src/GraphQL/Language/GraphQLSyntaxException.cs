namespace CrowNest.GraphQL.Language;

/// <summary>Thrown by the <see cref="Parser"/> for any syntax error or exceeded <see cref="ParserOptions"/> limit.</summary>
public sealed class GraphQLSyntaxException : Exception
{
    /// <summary>Creates the exception from a ready error.</summary>
    public GraphQLSyntaxException(GraphQLError error, int position)
        : base(error.Message)
    {
        Error = error;
        Position = position;
    }

    /// <summary>The error as returned to clients: message <c>Syntax Error: ...</c>, one location, code <c>GRAPHQL_PARSE_FAILED</c>.</summary>
    public GraphQLError Error { get; }

    /// <summary>UTF-16 offset in the source where the error was detected.</summary>
    public int Position { get; }

    /// <summary>The 1-based line and column of <see cref="Position"/>.</summary>
    public SourceLocation Location => Error.Locations is [var first, ..] ? first : new SourceLocation(1, 1);

    /// <summary>Creates the exception for <paramref name="description"/> at <paramref name="position"/> (graphql-js <c>syntaxError</c>).</summary>
    public static GraphQLSyntaxException Create(string source, int position, string description)
    {
        var location = GetLocation(source, position);
        var error = new GraphQLError("Syntax Error: " + description, ErrorCodes.SyntaxError) { Locations = [location] };
        return new GraphQLSyntaxException(error, position);
    }

    /// <summary>Line and column of an offset, counting <c>\r\n</c>, <c>\n</c> and <c>\r</c> as line ends (graphql-js <c>getLocation</c>).</summary>
    public static SourceLocation GetLocation(string source, int position)
    {
        var line = 1;
        var lineStart = 0;
        var end = Math.Min(position, source.Length);
        for (var i = 0; i < end; i++)
        {
            var c = source[i];
            if (c == '\n')
            {
                line++;
                lineStart = i + 1;
            }
            else if (c == '\r')
            {
                if (i + 1 < source.Length && source[i + 1] == '\n')
                {
                    // A \r\n whose \n lies at or past the position still ends the line before it.
                    i++;
                }

                line++;
                lineStart = i + 1;
            }
        }

        return new SourceLocation(line, position + 1 - lineStart);
    }
}
