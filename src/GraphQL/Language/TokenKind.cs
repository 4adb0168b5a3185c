namespace CrowNest.GraphQL.Language;

/// <summary>The kinds of lexical token (graphql-js <c>TokenKind</c>).</summary>
public enum TokenKind
{
    /// <summary>Start of file; the lexer's state before the first <see cref="Lexer.Advance"/>.</summary>
    StartOfFile,

    /// <summary>End of file.</summary>
    EndOfFile,

    /// <summary><c>!</c></summary>
    Bang,

    /// <summary><c>$</c></summary>
    Dollar,

    /// <summary><c>&amp;</c></summary>
    Amp,

    /// <summary><c>(</c></summary>
    ParenL,

    /// <summary><c>)</c></summary>
    ParenR,

    /// <summary><c>...</c></summary>
    Spread,

    /// <summary><c>:</c></summary>
    Colon,

    /// <summary><c>=</c></summary>
    Equals,

    /// <summary><c>@</c></summary>
    At,

    /// <summary><c>[</c></summary>
    BracketL,

    /// <summary><c>]</c></summary>
    BracketR,

    /// <summary><c>{</c></summary>
    BraceL,

    /// <summary><c>|</c></summary>
    Pipe,

    /// <summary><c>}</c></summary>
    BraceR,

    /// <summary>A name.</summary>
    Name,

    /// <summary>An integer literal.</summary>
    Int,

    /// <summary>A float literal.</summary>
    Float,

    /// <summary>A quoted string.</summary>
    String,

    /// <summary>A triple-quoted block string.</summary>
    BlockString,

    /// <summary>A <c>#</c> comment (only returned by <see cref="Lexer.AdvanceIncludingComments"/>).</summary>
    Comment,
}
