using System.Globalization;
using System.Text;

namespace CrowNest.GraphQL.Tests.Language;

/// <summary>
/// Deterministic generator of GraphQL documents for fuzzing: grammar-based executable and type-system documents (every
/// construct of spec sections 2 and 3, random ignored tokens) and character-level mutations of valid documents.
/// </summary>
internal sealed class DocumentGenerator(int seed, IReadOnlyList<string>? seeds = null)
{
    private static readonly string[] Names =
    [
        "a", "b", "id", "name", "node", "user", "friends", "on", "query", "mutation", "subscription", "fragment", "type",
        "schema", "extend", "true", "false", "null", "input", "enum", "union", "scalar", "interface", "directive", "implements",
        "repeatable", "__typename", "Query", "Foo", "Bar", "_x9", "field_2", "Z",
    ];

    private static readonly string[] Locations =
    [
        "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE", "UNION",
        "ENUM", "ENUM_VALUE", "INPUT_OBJECT", "INPUT_FIELD_DEFINITION",
    ];

    private static readonly string[] Junk =
    [
        "{", "}", "(", ")", "[", "]", ":", "=", "@", "$", "!", "&", "|", "...", ".", "..", "\"", "\"\"\"", "\\", "\\u", "\\u{",
        "\\\"\"\"", "#", "\n", "\r", "\r\n", "\t", " ", ",", "0", "00", "1.", ".5", "1e", "-", "+", "e", "E", "0x1", "'",
        "\u00e9", "\ud83d\ude00", "\ud800", "\udc00", "\ufeff", "\u0000", "\u0007", "on", "query", "{a}", "a:", "\\u{1F600}",
        "\\uD83D\\uDE00", "\\uD83D", "1.5e-3", "__", "\"\"",
    ];

    private readonly Random _random = new(seed);
    private readonly IReadOnlyList<string> _seeds = seeds ?? [];
    private readonly StringBuilder _text = new();
    private int _depth;

    /// <summary>A random document: grammar-generated (valid or nearly so) or a mutation of a generated or seed document.</summary>
    public string Next()
    {
        var roll = _random.Next(10);
        return roll switch
        {
            < 3 => ExecutableDocument(),
            < 5 => SchemaDocument(),
            < 7 when _seeds.Count > 0 => Mutate(_seeds[_random.Next(_seeds.Count)]),
            < 9 => Mutate(_random.Next(2) == 0 ? ExecutableDocument() : SchemaDocument()),
            _ => RandomJunk(),
        };
    }

    /// <summary>A syntactically valid executable document.</summary>
    public string ExecutableDocument()
    {
        _text.Clear();
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            Ignored();
            switch (_random.Next(4))
            {
                case 0 when count == 1:
                    SelectionSet();
                    break;
                case 3:
                    Fragment();
                    break;
                default:
                    Operation();
                    break;
            }
        }

        Ignored();
        return _text.ToString();
    }

    /// <summary>A syntactically valid type-system document with every definition and extension kind.</summary>
    public string SchemaDocument()
    {
        _text.Clear();
        var count = 1 + _random.Next(5);
        for (var i = 0; i < count; i++)
        {
            Ignored();
            TypeSystemDefinition();
        }

        Ignored();
        return _text.ToString();
    }

    /// <summary>Applies 1-4 random character-level edits.</summary>
    public string Mutate(string document)
    {
        var text = new StringBuilder(document);
        var edits = 1 + _random.Next(4);
        for (var i = 0; i < edits; i++)
        {
            var position = text.Length == 0 ? 0 : _random.Next(text.Length + 1);
            switch (_random.Next(7))
            {
                case 0 when text.Length > 0:
                    var from = Math.Min(position, text.Length - 1);
                    text.Remove(from, Math.Min(text.Length - from, 1 + _random.Next(8)));
                    break;
                case 1:
                case 2:
                    text.Insert(position, Junk[_random.Next(Junk.Length)]);
                    break;
                case 3 when text.Length > 0:
                    var start = _random.Next(text.Length);
                    var slice = text.ToString(start, Math.Min(text.Length - start, 1 + _random.Next(40)));
                    text.Insert(position, slice);
                    break;
                case 4 when text.Length > 0:
                    text.Length = position;
                    break;
                case 5 when text.Length > 0:
                    text[Math.Min(position, text.Length - 1)] = (char)_random.Next(0, 0x80);
                    break;
                default:
                    text.Insert(position, (char)_random.Next(0, 0x3000));
                    break;
            }
        }

        return text.ToString();
    }

    private string RandomJunk()
    {
        _text.Clear();
        var count = _random.Next(60);
        for (var i = 0; i < count; i++)
        {
            _text.Append(_random.Next(3) == 0 ? Name() : Junk[_random.Next(Junk.Length)]);
            if (_random.Next(2) == 0)
            {
                _text.Append(' ');
            }
        }

        return _text.ToString();
    }

    private void Operation()
    {
        Description(8);
        _text.Append(Pick("query", "mutation", "subscription"));
        if (_random.Next(3) != 0)
        {
            _text.Append(' ').Append(Name());
        }

        if (_random.Next(2) == 0)
        {
            _text.Append('(');
            var count = 1 + _random.Next(3);
            for (var i = 0; i < count; i++)
            {
                Ignored();
                Description(8);
                _text.Append('$').Append(Name()).Append(':');
                Ignored();
                TypeReference();
                if (_random.Next(3) == 0)
                {
                    _text.Append(" = ");
                    Value(true);
                }

                Directives(true);
            }

            _text.Append(')');
        }

        Directives(false);
        Ignored();
        SelectionSet();
    }

    private void Fragment()
    {
        Description(8);
        _text.Append("fragment ").Append(NameExcept("on")).Append(" on ").Append(Name());
        Directives(false);
        Ignored();
        SelectionSet();
    }

    private void SelectionSet()
    {
        _depth++;
        _text.Append('{');
        var count = 1 + _random.Next(_depth > 4 ? 2 : 4);
        for (var i = 0; i < count; i++)
        {
            Ignored();
            switch (_random.Next(6))
            {
                case 0:
                    _text.Append("...").Append(NameExcept("on"));
                    Directives(false);
                    break;
                case 1:
                    _text.Append("...");
                    if (_random.Next(2) == 0)
                    {
                        _text.Append(" on ").Append(Name());
                    }

                    Directives(false);
                    Ignored();
                    SelectionSet();
                    break;
                default:
                    Field();
                    break;
            }
        }

        Ignored();
        _text.Append('}');
        _depth--;
    }

    private void Field()
    {
        if (_random.Next(4) == 0)
        {
            _text.Append(Name()).Append(':');
            Ignored();
        }

        _text.Append(Name());
        Arguments(false);
        Directives(false);
        if (_depth < 6 && _random.Next(3) == 0)
        {
            Ignored();
            SelectionSet();
        }
    }

    private void Arguments(bool isConst)
    {
        if (_random.Next(3) != 0)
        {
            return;
        }

        _text.Append('(');
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            Ignored();
            _text.Append(Name()).Append(':');
            Ignored();
            Value(isConst);
        }

        _text.Append(')');
    }

    private void Directives(bool isConst)
    {
        while (_random.Next(4) == 0)
        {
            _text.Append(" @").Append(Name());
            Arguments(isConst);
        }
    }

    private void Value(bool isConst)
    {
        _depth++;
        switch (_random.Next(_depth > 5 ? 9 : 11))
        {
            case 0 when !isConst:
                _text.Append('$').Append(Name());
                break;
            case 1:
                _text.Append(Pick("0", "-0", "123", "-45", "2147483648", "99999999999999999999"));
                break;
            case 2:
                _text.Append(Pick("1.5", "-0.0", "1e10", "1E-5", "6.02e+23", "0.1e1"));
                break;
            case 3:
                StringLiteral();
                break;
            case 4:
                BlockStringLiteral();
                break;
            case 5:
                _text.Append(Pick("true", "false", "null"));
                break;
            case 6:
            case 7:
            case 8:
                _text.Append(Pick("RED", "GREEN", "on", "query", "_Enum"));
                break;
            case 9:
                _text.Append('[');
                var items = _random.Next(4);
                for (var i = 0; i < items; i++)
                {
                    Ignored();
                    Value(isConst);
                }

                _text.Append(']');
                break;
            default:
                _text.Append('{');
                var fields = _random.Next(4);
                for (var i = 0; i < fields; i++)
                {
                    Ignored();
                    _text.Append(Name()).Append(':');
                    Ignored();
                    Value(isConst);
                }

                _text.Append('}');
                break;
        }

        _depth--;
    }

    private void StringLiteral()
    {
        _text.Append('"');
        var count = _random.Next(8);
        for (var i = 0; i < count; i++)
        {
            _text.Append(Pick(
                "abc", " ", "\\n", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r", "\\t", "\\u00e9", "\\u{1F600}", "\\u{0}",
                "\\uD83D\\uDE00", "\u00fc", "\ud83d\ude00", "\\u{10FFFF}", "'", "#", "\u0001"));
        }

        _text.Append('"');
    }

    private void BlockStringLiteral()
    {
        _text.Append("\"\"\"");
        var count = _random.Next(6);
        for (var i = 0; i < count; i++)
        {
            _text.Append(Pick("line", "\n", "\r\n", "  indented", "\t", "\\\"\"\"", "\"", "\"\"", "\\n", "\\", " "));
        }

        _text.Append("\"\"\"");
    }

    private void TypeReference()
    {
        _depth++;
        if (_depth < 6 && _random.Next(3) == 0)
        {
            _text.Append('[');
            TypeReference();
            _text.Append(']');
        }
        else
        {
            _text.Append(Name());
        }

        if (_random.Next(2) == 0)
        {
            _text.Append('!');
        }

        _depth--;
    }

    private void TypeSystemDefinition()
    {
        var extend = _random.Next(4) == 0;
        if (extend)
        {
            _text.Append("extend ");
        }
        else
        {
            Description(3);
        }

        switch (_random.Next(8))
        {
            case 0:
                _text.Append("schema");
                Directives(true);
                if (!extend || _random.Next(2) == 0)
                {
                    OperationTypes();
                }
                else
                {
                    _text.Append(" @x");
                }

                break;
            case 1:
                _text.Append("scalar ").Append(Name());
                if (extend)
                {
                    _text.Append(" @x");
                }

                Directives(true);
                break;
            case 2:
            case 3:
                _text.Append(Pick("type ", "interface ")).Append(Name());
                if (_random.Next(2) == 0 || extend)
                {
                    _text.Append(" implements ");
                    if (_random.Next(3) == 0)
                    {
                        _text.Append("& ");
                    }

                    _text.Append(Name());
                    while (_random.Next(2) == 0)
                    {
                        _text.Append(" & ").Append(Name());
                    }
                }

                Directives(true);
                if (_random.Next(3) != 0)
                {
                    FieldDefinitions();
                }

                break;
            case 4:
                _text.Append("union ").Append(Name());
                Directives(true);
                if (_random.Next(3) != 0 || extend)
                {
                    _text.Append(" =");
                    if (_random.Next(3) == 0)
                    {
                        _text.Append(" |");
                    }

                    _text.Append(' ').Append(Name());
                    while (_random.Next(2) == 0)
                    {
                        _text.Append(" | ").Append(Name());
                    }
                }

                break;
            case 5:
                _text.Append("enum ").Append(Name());
                Directives(true);
                if (_random.Next(3) != 0 || extend)
                {
                    _text.Append(" {");
                    var count = 1 + _random.Next(4);
                    for (var i = 0; i < count; i++)
                    {
                        Ignored();
                        Description(3);
                        _text.Append(Pick("RED", "GREEN", "BLUE", "on", "query", "_X"));
                        Directives(true);
                    }

                    _text.Append('}');
                }

                break;
            case 6:
                _text.Append("input ").Append(Name());
                Directives(true);
                if (_random.Next(3) != 0 || extend)
                {
                    _text.Append(" {");
                    var count = 1 + _random.Next(4);
                    for (var i = 0; i < count; i++)
                    {
                        Ignored();
                        InputValueDefinition();
                    }

                    _text.Append('}');
                }

                break;
            default:
                if (extend)
                {
                    _text.Append("scalar ").Append(Name()).Append(" @x");
                    break;
                }

                _text.Append("directive @").Append(Name());
                ArgumentDefinitions();
                if (_random.Next(3) == 0)
                {
                    _text.Append(" repeatable");
                }

                _text.Append(" on ");
                if (_random.Next(3) == 0)
                {
                    _text.Append("| ");
                }

                _text.Append(Locations[_random.Next(Locations.Length)]);
                while (_random.Next(2) == 0)
                {
                    _text.Append(" | ").Append(Locations[_random.Next(Locations.Length)]);
                }

                break;
        }
    }

    private void OperationTypes()
    {
        _text.Append(" {");
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            Ignored();
            _text.Append(Pick("query", "mutation", "subscription")).Append(": ").Append(Name());
        }

        _text.Append('}');
    }

    private void FieldDefinitions()
    {
        _text.Append(" {");
        var count = 1 + _random.Next(4);
        for (var i = 0; i < count; i++)
        {
            Ignored();
            Description(3);
            _text.Append(Name());
            ArgumentDefinitions();
            _text.Append(": ");
            TypeReference();
            Directives(true);
        }

        _text.Append('}');
    }

    private void ArgumentDefinitions()
    {
        if (_random.Next(2) == 0)
        {
            return;
        }

        _text.Append('(');
        var count = 1 + _random.Next(3);
        for (var i = 0; i < count; i++)
        {
            Ignored();
            InputValueDefinition();
        }

        _text.Append(')');
    }

    private void InputValueDefinition()
    {
        Description(3);
        _text.Append(Name()).Append(": ");
        TypeReference();
        if (_random.Next(3) == 0)
        {
            _text.Append(" = ");
            Value(true);
        }

        Directives(true);
    }

    private void Description(int oneIn)
    {
        if (_random.Next(oneIn) != 0)
        {
            return;
        }

        if (_random.Next(2) == 0)
        {
            StringLiteral();
        }
        else
        {
            BlockStringLiteral();
        }

        _text.Append(Pick(" ", "\n", "\n  "));
    }

    private void Ignored()
    {
        switch (_random.Next(8))
        {
            case 0:
                _text.Append('\n');
                break;
            case 1:
                _text.Append(", ");
                break;
            case 2:
                _text.Append(" # comment ").Append(_random.Next(100).ToString(CultureInfo.InvariantCulture)).Append('\n');
                break;
            case 3:
                _text.Append("\r\n\t");
                break;
            case 4:
                _text.Append('\ufeff');
                break;
            default:
                _text.Append(' ');
                break;
        }
    }

    private string Name() => Names[_random.Next(Names.Length)];

    private string NameExcept(string excluded)
    {
        string name;
        do
        {
            name = Name();
        }
        while (name == excluded);

        return name;
    }

    private string Pick(params ReadOnlySpan<string> options) => options[_random.Next(options.Length)];
}
