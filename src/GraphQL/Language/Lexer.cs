using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace CrowNest.GraphQL.Language;

/// <summary>
/// GraphQL lexer (spec section 2.1) with graphql-js 16 error messages and positions. It keeps only the current token;
/// <see cref="Advance"/> moves to the next non-comment token. After end of file it keeps returning <see cref="TokenKind.EndOfFile"/>.
/// </summary>
public sealed class Lexer
{
    private readonly string _source;
    private int _line = 1;
    private int _lineStart;

    internal TokenKind _kind = TokenKind.StartOfFile;
    internal int _start;
    internal int _end;
    internal int _tokenLine;
    internal int _tokenColumn;
    internal string? _value;
    private int _lexedTokens;

    /// <summary>Creates a lexer positioned at <see cref="TokenKind.StartOfFile"/>.</summary>
    public Lexer(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <summary>The source text.</summary>
    public string Source => _source;

    /// <summary>Kind of the current token.</summary>
    public TokenKind Kind => _kind;

    /// <summary>Offset of the current token's first character.</summary>
    public int Start => _start;

    /// <summary>Offset one past the current token's last character.</summary>
    public int End => _end;

    /// <summary>1-based line of the current token.</summary>
    public int Line => _tokenLine;

    /// <summary>1-based column of the current token (UTF-16 code units).</summary>
    public int Column => _tokenColumn;

    /// <summary>The token's value: the name, the number's text, the processed string or the comment text; null for punctuators.</summary>
    public string? Value => _value;

    /// <summary>Every token produced so far (comments and end of file included); the measure of lexing work.</summary>
    public int TokenCount => _lexedTokens;

    /// <summary>Moves to the next token, skipping comments. Throws <see cref="GraphQLSyntaxException"/> on a lexical error.</summary>
    public TokenKind Advance()
    {
        do
        {
            AdvanceIncludingComments();
        }
        while (_kind == TokenKind.Comment);

        return _kind;
    }

    /// <summary>Moves to the next token, including <see cref="TokenKind.Comment"/> tokens.</summary>
    public TokenKind AdvanceIncludingComments()
    {
        if (_kind != TokenKind.EndOfFile)
        {
            _lexedTokens++;
            ReadNextToken();
        }

        return _kind;
    }

    /// <summary>Describes a token the way graphql-js error messages do, e.g. <c>Name "foo"</c> or <c>"{"</c>.</summary>
    public static string Describe(TokenKind kind, string? value) =>
        value is null ? DescribeKind(kind) : DescribeKind(kind) + " \"" + value + "\"";

    /// <summary>Describes a token kind the way graphql-js error messages do (punctuators quoted).</summary>
    public static string DescribeKind(TokenKind kind) => kind switch
    {
        TokenKind.StartOfFile => "<SOF>",
        TokenKind.EndOfFile => "<EOF>",
        TokenKind.Bang => "\"!\"",
        TokenKind.Dollar => "\"$\"",
        TokenKind.Amp => "\"&\"",
        TokenKind.ParenL => "\"(\"",
        TokenKind.ParenR => "\")\"",
        TokenKind.Spread => "\"...\"",
        TokenKind.Colon => "\":\"",
        TokenKind.Equals => "\"=\"",
        TokenKind.At => "\"@\"",
        TokenKind.BracketL => "\"[\"",
        TokenKind.BracketR => "\"]\"",
        TokenKind.BraceL => "\"{\"",
        TokenKind.Pipe => "\"|\"",
        TokenKind.BraceR => "\"}\"",
        TokenKind.Name => "Name",
        TokenKind.Int => "Int",
        TokenKind.Float => "Float",
        TokenKind.String => "String",
        TokenKind.BlockString => "BlockString",
        TokenKind.Comment => "Comment",
        _ => kind.ToString(),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetToken(TokenKind kind, int start, int end, string? value)
    {
        _kind = kind;
        _start = start;
        _end = end;
        _tokenLine = _line;
        _tokenColumn = 1 + start - _lineStart;
        _value = value;
    }

    private void ReadNextToken()
    {
        var body = _source.AsSpan();
        var position = _end;
        while ((uint)position < (uint)body.Length)
        {
            var code = body[position];
            switch (code)
            {
                case '\uFEFF':
                case '\t':
                case ' ':
                case ',':
                    position++;
                    continue;
                case '\n':
                    position++;
                    _line++;
                    _lineStart = position;
                    continue;
                case '\r':
                    position += position + 1 < body.Length && body[position + 1] == '\n' ? 2 : 1;
                    _line++;
                    _lineStart = position;
                    continue;
                case '#':
                    ReadComment(body, position);
                    return;
                case '!':
                    SetToken(TokenKind.Bang, position, position + 1, null);
                    return;
                case '$':
                    SetToken(TokenKind.Dollar, position, position + 1, null);
                    return;
                case '&':
                    SetToken(TokenKind.Amp, position, position + 1, null);
                    return;
                case '(':
                    SetToken(TokenKind.ParenL, position, position + 1, null);
                    return;
                case ')':
                    SetToken(TokenKind.ParenR, position, position + 1, null);
                    return;
                case '.':
                    if (position + 2 < body.Length && body[position + 1] == '.' && body[position + 2] == '.')
                    {
                        SetToken(TokenKind.Spread, position, position + 3, null);
                        return;
                    }

                    break;
                case ':':
                    SetToken(TokenKind.Colon, position, position + 1, null);
                    return;
                case '=':
                    SetToken(TokenKind.Equals, position, position + 1, null);
                    return;
                case '@':
                    SetToken(TokenKind.At, position, position + 1, null);
                    return;
                case '[':
                    SetToken(TokenKind.BracketL, position, position + 1, null);
                    return;
                case ']':
                    SetToken(TokenKind.BracketR, position, position + 1, null);
                    return;
                case '{':
                    SetToken(TokenKind.BraceL, position, position + 1, null);
                    return;
                case '|':
                    SetToken(TokenKind.Pipe, position, position + 1, null);
                    return;
                case '}':
                    SetToken(TokenKind.BraceR, position, position + 1, null);
                    return;
                case '"':
                    if (position + 2 < body.Length && body[position + 1] == '"' && body[position + 2] == '"')
                    {
                        ReadBlockString(body, position);
                    }
                    else
                    {
                        ReadString(body, position);
                    }

                    return;
                default:
                    break;
            }

            if (IsDigit(code) || code == '-')
            {
                ReadNumber(body, position, code);
                return;
            }

            if (IsNameStart(code))
            {
                ReadName(body, position);
                return;
            }

            throw Error(
                position,
                code == '\''
                    ? "Unexpected single quote character ('), did you mean to use a double quote (\")?"
                    : !char.IsSurrogate(code) || IsSupplementaryCodePoint(body, position)
                        ? "Unexpected character: " + PrintCodePointAt(body, position) + "."
                        : "Invalid character: " + PrintCodePointAt(body, position) + ".");
        }

        SetToken(TokenKind.EndOfFile, body.Length, body.Length, null);
    }

    private void ReadComment(ReadOnlySpan<char> body, int start)
    {
        var position = start + 1;
        while (position < body.Length)
        {
            var code = body[position];
            if (code is '\n' or '\r')
            {
                break;
            }

            if (!char.IsSurrogate(code))
            {
                position++;
            }
            else if (IsSupplementaryCodePoint(body, position))
            {
                position += 2;
            }
            else
            {
                break;
            }
        }

        SetToken(TokenKind.Comment, start, position, new string(body[(start + 1)..position]));
    }

    private void ReadName(ReadOnlySpan<char> body, int start)
    {
        var position = start + 1;
        while (position < body.Length && IsNameContinue(body[position]))
        {
            position++;
        }

        SetToken(TokenKind.Name, start, position, NameCache.Get(body[start..position]));
    }

    private void ReadNumber(ReadOnlySpan<char> body, int start, char firstCode)
    {
        var position = start;
        int code = firstCode;
        var isFloat = false;

        if (code == '-')
        {
            code = CharAt(body, ++position);
        }

        if (code == '0')
        {
            code = CharAt(body, ++position);
            if (IsDigit(code))
            {
                throw Error(position, "Invalid number, unexpected digit after 0: " + PrintCodePointAt(body, position) + ".");
            }
        }
        else
        {
            position = ReadDigits(body, position, code);
            code = CharAt(body, position);
        }

        if (code == '.')
        {
            isFloat = true;
            code = CharAt(body, ++position);
            position = ReadDigits(body, position, code);
            code = CharAt(body, position);
        }

        if (code is 'E' or 'e')
        {
            isFloat = true;
            code = CharAt(body, ++position);
            if (code is '+' or '-')
            {
                code = CharAt(body, ++position);
            }

            position = ReadDigits(body, position, code);
            code = CharAt(body, position);
        }

        if (code == '.' || IsNameStart(code))
        {
            throw Error(position, "Invalid number, expected digit but got: " + PrintCodePointAt(body, position) + ".");
        }

        var text = body[start..position];
        SetToken(isFloat ? TokenKind.Float : TokenKind.Int, start, position, text.Length <= 4 ? NameCache.Get(text) : new string(text));
    }

    private int ReadDigits(ReadOnlySpan<char> body, int start, int firstCode)
    {
        if (!IsDigit(firstCode))
        {
            throw Error(start, "Invalid number, expected digit but got: " + PrintCodePointAt(body, start) + ".");
        }

        var position = start + 1;
        while (position < body.Length && IsDigit(body[position]))
        {
            position++;
        }

        return position;
    }

    private void ReadString(ReadOnlySpan<char> body, int start)
    {
        var position = start + 1;
        var chunkStart = position;
        char[]? buffer = null;
        var length = 0;
        try
        {
            while (position < body.Length)
            {
                var code = body[position];
                if (code == '"')
                {
                    string value;
                    if (buffer is null)
                    {
                        value = position == chunkStart ? string.Empty : new string(body[chunkStart..position]);
                    }
                    else
                    {
                        Append(ref buffer, ref length, body[chunkStart..position]);
                        value = new string(buffer, 0, length);
                    }

                    SetToken(TokenKind.String, start, position + 1, value);
                    return;
                }

                if (code == '\\')
                {
                    buffer ??= ArrayPool<char>.Shared.Rent(Math.Max(16, position - chunkStart + 16));
                    Append(ref buffer, ref length, body[chunkStart..position]);
                    var size = ReadEscape(body, position, ref buffer, ref length);
                    position += size;
                    chunkStart = position;
                    continue;
                }

                if (code is '\n' or '\r')
                {
                    break;
                }

                if (!char.IsSurrogate(code))
                {
                    position++;
                }
                else if (IsSupplementaryCodePoint(body, position))
                {
                    position += 2;
                }
                else
                {
                    throw Error(position, "Invalid character within String: " + PrintCodePointAt(body, position) + ".");
                }
            }

            throw Error(position, "Unterminated string.");
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }
    }

    private static void Append(ref char[] buffer, ref int length, ReadOnlySpan<char> chars)
    {
        if (length + chars.Length > buffer.Length)
        {
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(buffer.Length * 2, length + chars.Length));
            buffer.AsSpan(0, length).CopyTo(larger);
            ArrayPool<char>.Shared.Return(buffer);
            buffer = larger;
        }

        chars.CopyTo(buffer.AsSpan(length));
        length += chars.Length;
    }

    private static void Append(ref char[] buffer, ref int length, char c) => Append(ref buffer, ref length, new ReadOnlySpan<char>(in c));

    /// <summary>Decodes the escape at <paramref name="position"/> (a backslash) into the buffer and returns its size in the source.</summary>
    private int ReadEscape(ReadOnlySpan<char> body, int position, ref char[] buffer, ref int length)
    {
        var next = CharAt(body, position + 1);
        if (next == 'u')
        {
            if (CharAt(body, position + 2) == '{')
            {
                // Variable width \u{...}: at most 12 characters (\u{00000000}), must encode a Unicode scalar value.
                var point = 0;
                var size = 3;
                while (size < 12)
                {
                    var code = CharAt(body, position + size++);
                    if (code == '}')
                    {
                        if (size < 5 || !IsUnicodeScalarValue(point))
                        {
                            break;
                        }

                        if (point <= 0xFFFF)
                        {
                            Append(ref buffer, ref length, (char)point);
                        }
                        else
                        {
                            Span<char> pair = stackalloc char[2];
                            new Rune(point).EncodeToUtf16(pair);
                            Append(ref buffer, ref length, pair);
                        }

                        return size;
                    }

                    point = (point << 4) | ReadHexDigit(code);
                    if (point < 0)
                    {
                        break;
                    }
                }

                throw Error(position, "Invalid Unicode escape sequence: \"" + Slice(body, position, position + size) + "\".");
            }

            var fixedCode = Read16BitHexCode(body, position + 2);
            if (IsUnicodeScalarValue(fixedCode))
            {
                Append(ref buffer, ref length, (char)fixedCode);
                return 6;
            }

            // JSON-style surrogate pair escapes are allowed only when they form a valid pair.
            if (IsLeadingSurrogate(fixedCode) && CharAt(body, position + 6) == '\\' && CharAt(body, position + 7) == 'u')
            {
                var trailing = Read16BitHexCode(body, position + 8);
                if (IsTrailingSurrogate(trailing))
                {
                    Append(ref buffer, ref length, (char)fixedCode);
                    Append(ref buffer, ref length, (char)trailing);
                    return 12;
                }
            }

            throw Error(position, "Invalid Unicode escape sequence: \"" + Slice(body, position, position + 6) + "\".");
        }

        char escaped;
        switch (next)
        {
            case '"':
                escaped = '"';
                break;
            case '\\':
                escaped = '\\';
                break;
            case '/':
                escaped = '/';
                break;
            case 'b':
                escaped = '\b';
                break;
            case 'f':
                escaped = '\f';
                break;
            case 'n':
                escaped = '\n';
                break;
            case 'r':
                escaped = '\r';
                break;
            case 't':
                escaped = '\t';
                break;
            default:
                throw Error(position, "Invalid character escape sequence: \"" + Slice(body, position, position + 2) + "\".");
        }

        Append(ref buffer, ref length, escaped);
        return 2;
    }

    private void ReadBlockString(ReadOnlySpan<char> body, int start)
    {
        // Pass 1: find the closing quotes, validate characters and measure the common indentation (spec BlockStringValue).
        var position = start + 3;
        var lineIndex = 0;
        var lineBegin = position;
        var commonIndent = int.MaxValue;
        var firstNonEmptyLine = -1;
        var lastNonEmptyLine = -1;
        var lastLineStart = _lineStart;
        var hasEscape = false;

        while (position < body.Length)
        {
            var code = body[position];
            var atClose = code == '"' && position + 2 < body.Length && body[position + 1] == '"' && body[position + 2] == '"';
            if (atClose || code is '\n' or '\r')
            {
                MeasureLine(body[lineBegin..position], lineIndex, ref commonIndent, ref firstNonEmptyLine, ref lastNonEmptyLine);
                if (atClose)
                {
                    var value = BuildBlockStringValue(body[(start + 3)..position], commonIndent, firstNonEmptyLine, lastNonEmptyLine, hasEscape);
                    SetToken(TokenKind.BlockString, start, position + 3, value);
                    _line += lineIndex;
                    _lineStart = lastLineStart;
                    return;
                }

                position += code == '\r' && position + 1 < body.Length && body[position + 1] == '\n' ? 2 : 1;
                lineIndex++;
                lineBegin = position;
                lastLineStart = position;
                continue;
            }

            if (code == '\\' && position + 3 < body.Length && body[position + 1] == '"' && body[position + 2] == '"' && body[position + 3] == '"')
            {
                hasEscape = true;
                position += 4;
                continue;
            }

            if (!char.IsSurrogate(code))
            {
                position++;
            }
            else if (IsSupplementaryCodePoint(body, position))
            {
                position += 2;
            }
            else
            {
                throw Error(position, "Invalid character within String: " + PrintCodePointAt(body, position) + ".");
            }
        }

        throw Error(position, "Unterminated string.");
    }

    private static void MeasureLine(ReadOnlySpan<char> line, int index, ref int commonIndent, ref int firstNonEmpty, ref int lastNonEmpty)
    {
        var indent = 0;
        while (indent < line.Length && line[indent] is ' ' or '\t')
        {
            indent++;
        }

        if (indent == line.Length)
        {
            return;
        }

        if (firstNonEmpty < 0)
        {
            firstNonEmpty = index;
        }

        lastNonEmpty = index;
        if (index != 0 && indent < commonIndent)
        {
            commonIndent = indent;
        }
    }

    private static string BuildBlockStringValue(ReadOnlySpan<char> raw, int commonIndent, int firstNonEmpty, int lastNonEmpty, bool hasEscape)
    {
        if (firstNonEmpty < 0)
        {
            return string.Empty;
        }

        var buffer = ArrayPool<char>.Shared.Rent(raw.Length);
        try
        {
            var length = 0;
            var lineIndex = 0;
            var position = 0;
            while (lineIndex <= lastNonEmpty)
            {
                var lineEnd = position;
                while (lineEnd < raw.Length && raw[lineEnd] is not ('\n' or '\r'))
                {
                    lineEnd++;
                }

                if (lineIndex >= firstNonEmpty)
                {
                    if (lineIndex > firstNonEmpty)
                    {
                        buffer[length++] = '\n';
                    }

                    var line = raw[position..lineEnd];
                    if (lineIndex != 0)
                    {
                        line = line[Math.Min(commonIndent, line.Length)..];
                    }

                    if (hasEscape)
                    {
                        // \""" stands for """: drop the backslash.
                        var i = 0;
                        while (i < line.Length)
                        {
                            if (line[i] == '\\' && i + 3 < line.Length && line[i + 1] == '"' && line[i + 2] == '"' && line[i + 3] == '"')
                            {
                                buffer[length++] = '"';
                                buffer[length++] = '"';
                                buffer[length++] = '"';
                                i += 4;
                            }
                            else
                            {
                                buffer[length++] = line[i++];
                            }
                        }
                    }
                    else
                    {
                        line.CopyTo(buffer.AsSpan(length));
                        length += line.Length;
                    }
                }

                position = lineEnd < raw.Length && raw[lineEnd] == '\r' && lineEnd + 1 < raw.Length && raw[lineEnd + 1] == '\n' ? lineEnd + 2 : lineEnd + 1;
                lineIndex++;
            }

            return new string(buffer, 0, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private GraphQLSyntaxException Error(int position, string description) => GraphQLSyntaxException.Create(_source, position, description);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CharAt(ReadOnlySpan<char> body, int position) => (uint)position < (uint)body.Length ? body[position] : -1;

    private static string Slice(ReadOnlySpan<char> body, int start, int end) => new(body[start..Math.Min(end, body.Length)]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsDigit(int code) => (uint)(code - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsNameStart(int code) => (uint)((code | 0x20) - 'a') <= 'z' - 'a' || code == '_';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsNameContinue(int code) => IsNameStart(code) || IsDigit(code);

    private static bool IsUnicodeScalarValue(int code) => code is (>= 0 and <= 0xD7FF) or (>= 0xE000 and <= 0x10FFFF);

    private static bool IsLeadingSurrogate(int code) => code is >= 0xD800 and <= 0xDBFF;

    private static bool IsTrailingSurrogate(int code) => code is >= 0xDC00 and <= 0xDFFF;

    private static bool IsSupplementaryCodePoint(ReadOnlySpan<char> body, int position) =>
        IsLeadingSurrogate(CharAt(body, position)) && IsTrailingSurrogate(CharAt(body, position + 1));

    private static int Read16BitHexCode(ReadOnlySpan<char> body, int position) =>
        (ReadHexDigit(CharAt(body, position)) << 12)
        | (ReadHexDigit(CharAt(body, position + 1)) << 8)
        | (ReadHexDigit(CharAt(body, position + 2)) << 4)
        | ReadHexDigit(CharAt(body, position + 3));

    private static int ReadHexDigit(int code) => code switch
    {
        >= '0' and <= '9' => code - '0',
        >= 'A' and <= 'F' => code - 'A' + 10,
        >= 'a' and <= 'f' => code - 'a' + 10,
        _ => -1,
    };

    /// <summary>Printable ASCII quoted, anything else as U+XXXX, end of input as &lt;EOF&gt; (graphql-js <c>printCodePointAt</c>).</summary>
    private static string PrintCodePointAt(ReadOnlySpan<char> body, int position)
    {
        if ((uint)position >= (uint)body.Length)
        {
            return "<EOF>";
        }

        int code = body[position];
        if (IsSupplementaryCodePoint(body, position))
        {
            code = char.ConvertToUtf32(body[position], body[position + 1]);
        }

        if (code is >= 0x20 and <= 0x7E)
        {
            return code == '"' ? "'\"'" : "\"" + (char)code + "\"";
        }

        return "U+" + code.ToString("X4", CultureInfo.InvariantCulture);
    }
}
