using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Tests.Language;

public sealed class LexerTests
{
    private static (TokenKind Kind, int Start, int End, int Line, int Column, string? Value) Single(string source)
    {
        var lexer = new Lexer(source);
        lexer.Advance();
        return (lexer.Kind, lexer.Start, lexer.End, lexer.Line, lexer.Column, lexer.Value);
    }

    private static string Error(string source)
    {
        var lexer = new Lexer(source);
        var e = Assert.Throws<GraphQLSyntaxException>(() =>
        {
            while (lexer.Advance() != TokenKind.EndOfFile)
            {
            }
        });
        Assert.Equal(ErrorCodes.SyntaxError, e.Error.Code);
        return $"{e.Error.Message} ({e.Location.Line}:{e.Location.Column})";
    }

    [Fact]
    public void LexesEveryPunctuator()
    {
        var lexer = new Lexer("! $ & ( ) ... : = @ [ ] { | }");
        var kinds = new List<TokenKind>();
        while (lexer.Advance() != TokenKind.EndOfFile)
        {
            kinds.Add(lexer.Kind);
            Assert.Null(lexer.Value);
        }

        Assert.Equal(
            [
                TokenKind.Bang, TokenKind.Dollar, TokenKind.Amp, TokenKind.ParenL, TokenKind.ParenR, TokenKind.Spread, TokenKind.Colon,
                TokenKind.Equals, TokenKind.At, TokenKind.BracketL, TokenKind.BracketR, TokenKind.BraceL, TokenKind.Pipe, TokenKind.BraceR,
            ],
            kinds);
    }

    [Fact]
    public void StartsAtStartOfFileAndStaysAtEndOfFile()
    {
        var lexer = new Lexer("a");
        Assert.Equal(TokenKind.StartOfFile, lexer.Kind);
        Assert.Equal(TokenKind.Name, lexer.Advance());
        Assert.Equal(TokenKind.EndOfFile, lexer.Advance());
        Assert.Equal(TokenKind.EndOfFile, lexer.Advance());
        Assert.Equal(1, lexer.Start);
        Assert.Equal(2, lexer.TokenCount);
    }

    [Fact]
    public void SkipsIgnoredTokensAndTracksLinesAndColumns()
    {
        Assert.Equal((TokenKind.Name, 12, 15, 3, 3, "foo"), Single("\ufeff\t, \r\n# c\r  foo"));
        Assert.Equal((TokenKind.Name, 7, 10, 5, 1, "bar"), Single("\n\r\n\r  \nbar"));
    }

    [Fact]
    public void ReturnsCommentsOnlyWhenAsked()
    {
        var lexer = new Lexer("# hello\nx");
        Assert.Equal(TokenKind.Comment, lexer.AdvanceIncludingComments());
        Assert.Equal(" hello", lexer.Value);
        Assert.Equal(TokenKind.Name, lexer.AdvanceIncludingComments());
    }

    [Theory]
    [InlineData("4", TokenKind.Int, "4")]
    [InlineData("-4", TokenKind.Int, "-4")]
    [InlineData("0", TokenKind.Int, "0")]
    [InlineData("-0", TokenKind.Int, "-0")]
    [InlineData("9", TokenKind.Int, "9")]
    [InlineData("4.123", TokenKind.Float, "4.123")]
    [InlineData("-4.123", TokenKind.Float, "-4.123")]
    [InlineData("0.123", TokenKind.Float, "0.123")]
    [InlineData("123e4", TokenKind.Float, "123e4")]
    [InlineData("123E4", TokenKind.Float, "123E4")]
    [InlineData("123e-4", TokenKind.Float, "123e-4")]
    [InlineData("123e+4", TokenKind.Float, "123e+4")]
    [InlineData("-1.123e4567", TokenKind.Float, "-1.123e4567")]
    [InlineData("99999999999999999999999", TokenKind.Int, "99999999999999999999999")]
    public void LexesNumbers(string source, TokenKind kind, string value)
    {
        var token = Single(source);
        Assert.Equal(kind, token.Kind);
        Assert.Equal(value, token.Value);
        Assert.Equal(source.Length, token.End);
    }

    [Theory]
    [InlineData("00", "Syntax Error: Invalid number, unexpected digit after 0: \"0\". (1:2)")]
    [InlineData("01", "Syntax Error: Invalid number, unexpected digit after 0: \"1\". (1:2)")]
    [InlineData("1.", "Syntax Error: Invalid number, expected digit but got: <EOF>. (1:3)")]
    [InlineData(".5", "Syntax Error: Unexpected character: \".\". (1:1)")]
    [InlineData("1e", "Syntax Error: Invalid number, expected digit but got: <EOF>. (1:3)")]
    [InlineData("1e+", "Syntax Error: Invalid number, expected digit but got: <EOF>. (1:4)")]
    [InlineData("1.e1", "Syntax Error: Invalid number, expected digit but got: \"e\". (1:3)")]
    [InlineData("0x1", "Syntax Error: Invalid number, expected digit but got: \"x\". (1:2)")]
    [InlineData("1a", "Syntax Error: Invalid number, expected digit but got: \"a\". (1:2)")]
    [InlineData("1.23f", "Syntax Error: Invalid number, expected digit but got: \"f\". (1:5)")]
    [InlineData("1.2.3", "Syntax Error: Invalid number, expected digit but got: \".\". (1:4)")]
    [InlineData("1_000", "Syntax Error: Invalid number, expected digit but got: \"_\". (1:2)")]
    [InlineData("-", "Syntax Error: Invalid number, expected digit but got: <EOF>. (1:2)")]
    [InlineData("-A", "Syntax Error: Invalid number, expected digit but got: \"A\". (1:2)")]
    [InlineData("+1", "Syntax Error: Unexpected character: \"+\". (1:1)")]
    [InlineData("1\u00e9", "Syntax Error: Unexpected character: U+00E9. (1:2)")]
    public void RejectsBadNumbersAndNamesAfterNumbers(string source, string expected) => Assert.Equal(expected, Error(source));

    [Theory]
    [InlineData("\"\"", "")]
    [InlineData("\"simple\"", "simple")]
    [InlineData("\" white space \"", " white space ")]
    [InlineData("\"quote \\\"\"", "quote \"")]
    [InlineData("\"escaped \\n\\r\\b\\t\\f\"", "escaped \n\r\b\t\f")]
    [InlineData("\"slashes \\\\ \\/\"", "slashes \\ /")]
    [InlineData("\"unescaped unicode outside BMP \ud83d\ude00\"", "unescaped unicode outside BMP \ud83d\ude00")]
    [InlineData("\"unicode \\u1234\\u5678\\u90AB\\uCDEF\"", "unicode \u1234\u5678\u90AB\uCDEF")]
    [InlineData("\"unicode \\u{1234}\\u{5678}\\u{90AB}\\u{CDEF}\"", "unicode \u1234\u5678\u90AB\uCDEF")]
    [InlineData("\"string with unicode escape outside BMP \\u{1F600}\"", "string with unicode escape outside BMP \ud83d\ude00")]
    [InlineData("\"string with minimal unicode escape \\u{0}\"", "string with minimal unicode escape \u0000")]
    [InlineData("\"string with maximal unicode escape \\u{10FFFF}\"", "string with maximal unicode escape \udbff\udfff")]
    [InlineData("\"string with maximal minimal unicode escape \\u{00000000}\"", "string with maximal minimal unicode escape \u0000")]
    [InlineData("\"string with unicode surrogate pair escape \\uD83D\\uDE00\"", "string with unicode surrogate pair escape \ud83d\ude00")]
    [InlineData("\"string with unicode surrogate pair escape \\uD800\\uDC00\"", "string with unicode surrogate pair escape \ud800\udc00")]
    [InlineData("\"string with unicode surrogate pair escape \\uDBFF\\uDFFF\"", "string with unicode surrogate pair escape \udbff\udfff")]
    public void LexesStrings(string source, string value)
    {
        var token = Single(source);
        Assert.Equal(TokenKind.String, token.Kind);
        Assert.Equal(value, token.Value);
        Assert.Equal(source.Length, token.End);
    }

    [Theory]
    [InlineData("\"", "Syntax Error: Unterminated string. (1:2)")]
    [InlineData("\"\"\"", "Syntax Error: Unterminated string. (1:4)")]
    [InlineData("\"\"\"\"", "Syntax Error: Unterminated string. (1:5)")]
    [InlineData("\"no end quote", "Syntax Error: Unterminated string. (1:14)")]
    [InlineData("'single quotes'", "Syntax Error: Unexpected single quote character ('), did you mean to use a double quote (\")? (1:1)")]
    [InlineData("\"multi\nline\"", "Syntax Error: Unterminated string. (1:7)")]
    [InlineData("\"multi\rline\"", "Syntax Error: Unterminated string. (1:7)")]
    [InlineData("\"bad \\z esc\"", "Syntax Error: Invalid character escape sequence: \"\\z\". (1:6)")]
    [InlineData("\"bad \\x esc\"", "Syntax Error: Invalid character escape sequence: \"\\x\". (1:6)")]
    [InlineData("\"bad \\u1 esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u1 es\". (1:6)")]
    [InlineData("\"bad \\u0XX1 esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u0XX1\". (1:6)")]
    [InlineData("\"bad \\uXXXX esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\uXXXX\". (1:6)")]
    [InlineData("\"bad \\u{} esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{}\". (1:6)")]
    [InlineData("\"bad \\u{FXXX} esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{FX\". (1:6)")]
    [InlineData("\"bad \\u{FFFF esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{FFFF \". (1:6)")]
    [InlineData("\"bad \\u{FFFF\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{FFFF\"\". (1:6)")]
    [InlineData("\"too high \\u{110000} esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{110000}\". (1:11)")]
    [InlineData("\"way too high \\u{12345678} esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{12345678}\". (1:15)")]
    [InlineData("\"too long \\u{000000000} esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{000000000\". (1:11)")]
    [InlineData("\"bad surrogate \\uDEAD esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\uDEAD\". (1:16)")]
    [InlineData("\"bad surrogate \\u{DEAD} esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{DEAD}\". (1:16)")]
    [InlineData("\"cannot use braces for surrogate pair \\u{D83D}\\u{DE00} esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{D83D}\". (1:39)")]
    [InlineData("\"bad high surrogate pair \\uDEAD\\uDEAD esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\uDEAD\". (1:26)")]
    [InlineData("\"bad low surrogate pair \\uD800\\uD800 esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\uD800\". (1:25)")]
    [InlineData("\"cannot escape half a pair \\uD83D\\u0041 esc\"", "Syntax Error: Invalid Unicode escape sequence: \"\\uD83D\". (1:28)")]
    [InlineData("\"ends in escape \\", "Syntax Error: Invalid character escape sequence: \"\\\". (1:17)")]
    public void RejectsBadStrings(string source, string expected) => Assert.Equal(expected, Error(source));

    [Fact]
    public void LexesBlockStringsWithDedentAndEscapedTripleQuotes()
    {
        Assert.Equal((TokenKind.BlockString, 0, 12, 1, 1, "simple"), Single("\"\"\"simple\"\"\""));
        Assert.Equal("white space", Single("\"\"\" white space \"\"\"").Value!.Trim());
        Assert.Equal(" white space ", Single("\"\"\" white space \"\"\"").Value);
        Assert.Equal("contains \" quote", Single("\"\"\"contains \" quote\"\"\"").Value);
        Assert.Equal("contains \"\"\" triple quote", Single("\"\"\"contains \\\"\"\" triple quote\"\"\"").Value);
        Assert.Equal("multi\nline", Single("\"\"\"multi\nline\"\"\"").Value);
        Assert.Equal("multi\nline\nnormalized", Single("\"\"\"multi\rline\r\nnormalized\"\"\"").Value);
        Assert.Equal("unescaped \\n\\r\\b\\t\\f\\u1234", Single("\"\"\"unescaped \\n\\r\\b\\t\\f\\u1234\"\"\"").Value);
        Assert.Equal("slashes \\\\ \\/", Single("\"\"\"slashes \\\\ \\/\"\"\"").Value);
        Assert.Equal(
            "spans\n  multiple\n    lines",
            Single("\"\"\"\n\n        spans\n          multiple\n            lines\n\n        \"\"\"").Value);
        Assert.Equal(string.Empty, Single("\"\"\"   \n   \n\"\"\"").Value);
        Assert.Equal("first line\nsecond", Single("\"\"\"first line\n    second\"\"\"").Value);
    }

    [Fact]
    public void TracksLinesAcrossBlockStrings()
    {
        var lexer = new Lexer("\"\"\"\n a\r\n b\r c\n\"\"\" second_token");
        lexer.Advance();
        Assert.Equal((1, 1), (lexer.Line, lexer.Column));
        lexer.Advance();
        Assert.Equal(("second_token", 5, 5), (lexer.Value, lexer.Line, lexer.Column));
    }

    [Theory]
    [InlineData("\"\"\"", "Syntax Error: Unterminated string. (1:4)")]
    [InlineData("\"\"\"no end quote", "Syntax Error: Unterminated string. (1:16)")]
    public void RejectsBadBlockStrings(string source, string expected) => Assert.Equal(expected, Error(source));

    [Theory]
    [InlineData("?", "Syntax Error: Unexpected character: \"?\". (1:1)")]
    [InlineData("..", "Syntax Error: Unexpected character: \".\". (1:1)")]
    [InlineData("~", "Syntax Error: Unexpected character: \"~\". (1:1)")]
    [InlineData("\u00AA", "Syntax Error: Unexpected character: U+00AA. (1:1)")]
    [InlineData("\u0000", "Syntax Error: Unexpected character: U+0000. (1:1)")]
    [InlineData("\u0007", "Syntax Error: Unexpected character: U+0007. (1:1)")]
    [InlineData("\ud83d\ude00", "Syntax Error: Unexpected character: U+1F600. (1:1)")]
    [InlineData("\"", "Syntax Error: Unterminated string. (1:2)")]
    [InlineData("\n\n    ~\n", "Syntax Error: Unexpected character: \"~\". (3:5)")]
    [InlineData("\r\n\r\n  ~", "Syntax Error: Unexpected character: \"~\". (3:3)")]
    [InlineData("a-b", "Syntax Error: Invalid number, expected digit but got: \"b\". (1:3)")]
    public void RejectsUnexpectedCharacters(string source, string expected) => Assert.Equal(expected, Error(source));

    // Lone surrogates cannot be written in attribute arguments, so these build their sources in code.
    [Fact]
    public void RejectsLoneSurrogates()
    {
        var lead = ((char)0xD800).ToString();
        var trail = ((char)0xDC00).ToString();
        Assert.Equal("Syntax Error: Invalid character: U+D800. (1:1)", Error(lead));
        Assert.Equal("Syntax Error: Invalid character: U+DC00. (1:1)", Error(trail));
        Assert.Equal("Syntax Error: Invalid character: U+DC00. (1:1)", Error(trail + lead));
        Assert.Equal("Syntax Error: Invalid character within String: U+D800. (1:16)", Error("\"bad surrogate " + lead + "\""));
        Assert.Equal("Syntax Error: Invalid character within String: U+D800. (1:31)", Error("\"\"\"contains invalid surrogate " + lead + "\"\"\""));
        Assert.Equal("a" + lead + trail, Single("\"a" + lead + trail + "\"").Value);
    }

    [Fact]
    public void CommentStopsAtInvalidSurrogate() =>
        Assert.Equal("Syntax Error: Invalid character: U+D800. (1:4)", Error("# a" + (char)0xD800));

    [Fact]
    public void DescribesTokensLikeGraphQLJs()
    {
        Assert.Equal("\"{\"", Lexer.DescribeKind(TokenKind.BraceL));
        Assert.Equal("<EOF>", Lexer.DescribeKind(TokenKind.EndOfFile));
        Assert.Equal("Name \"foo\"", Lexer.Describe(TokenKind.Name, "foo"));
        Assert.Equal("BlockString \"x\"", Lexer.Describe(TokenKind.BlockString, "x"));
    }

    [Fact]
    public void TokenCountIsAtMostLengthPlusOne()
    {
        const string Source = "{a,b(c:1)@d}";
        var lexer = new Lexer(Source);
        while (lexer.Advance() != TokenKind.EndOfFile)
        {
        }

        Assert.Equal(12, lexer.TokenCount); // 11 tokens and end of file
    }
}
