namespace CrowNest.GraphQL.Language;

/// <summary>Limits and switches for <see cref="Parser"/>. Exceeding a limit raises a <see cref="GraphQLSyntaxException"/>.</summary>
public sealed record ParserOptions
{
    /// <summary>The defaults: 15,000 tokens, depth 128, 1 MiB.</summary>
    public static ParserOptions Default { get; } = new();

    /// <summary>No token or length limit (for trusted SDL); nesting is still bounded by <see cref="MaxDepth"/> and the stack.</summary>
    public static ParserOptions Unlimited { get; } = new() { MaxTokens = int.MaxValue, MaxLength = int.MaxValue, MaxDepth = 1024 };

    /// <summary>Maximum number of lexical tokens (comments and end of file not counted, as graphql-js <c>maxTokens</c>).</summary>
    public int MaxTokens { get; init; } = 15_000;

    /// <summary>Maximum nesting of selection sets, list/object values and list types.</summary>
    public int MaxDepth { get; init; } = 128;

    /// <summary>Maximum source length in UTF-16 code units.</summary>
    public int MaxLength { get; init; } = 1024 * 1024;

    /// <summary>When true nodes carry no <see cref="SyntaxNode.Location"/> (saves memory).</summary>
    public bool NoLocations { get; init; }
}

/// <summary>Work done by one parse; used to check that parsing is linear in the input size.</summary>
/// <param name="TokenCount">Tokens consumed by the parser (the number compared with <see cref="ParserOptions.MaxTokens"/>).</param>
/// <param name="LexedTokenCount">Every token the lexer produced, including comments and end of file.</param>
/// <param name="MaxDepth">Deepest nesting reached.</param>
public readonly record struct ParseStatistics(int TokenCount, int LexedTokenCount, int MaxDepth);
