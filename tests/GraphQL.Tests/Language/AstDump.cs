using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Tests.Language;

/// <summary>Prints a tree in the same format as the graphql-js script that produced the <c>TestData/*.ast.txt</c> files.</summary>
internal sealed class AstDump : SyntaxWalker
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly StringBuilder _text = new();
    private int _depth;

    public static string Of(SyntaxNode node)
    {
        var dump = new AstDump();
        dump.Visit(node);
        return dump._text.ToString();
    }

    protected override bool Enter(SyntaxNode node)
    {
        var kind = node.GetType().Name;
        kind = kind[..^"Node".Length];
        _text.Append(' ', _depth * 2).Append(kind);
        if (node.Location is { } loc)
        {
            _text.Append(' ').Append(loc.Start).Append('-').Append(loc.End);
            if (node is not DocumentNode)
            {
                _text.Append(' ').Append(loc.Line).Append(':').Append(loc.Column);
            }
        }

        switch (node)
        {
            case NameNode n:
                AppendValue(n.Value);
                break;
            case IntValueNode n:
                AppendValue(n.Value);
                break;
            case FloatValueNode n:
                AppendValue(n.Value);
                break;
            case EnumValueNode n:
                AppendValue(n.Value);
                break;
            case BooleanValueNode n:
                _text.Append(n.Value ? " true" : " false");
                break;
            case StringValueNode n:
                AppendValue(n.Value);
                if (n.Block)
                {
                    _text.Append(" block");
                }

                break;
            case OperationDefinitionNode n:
                _text.Append(' ').Append(n.Operation.ToString().ToLowerInvariant());
                break;
            case OperationTypeDefinitionNode n:
                _text.Append(' ').Append(n.Operation.ToString().ToLowerInvariant());
                break;
            case DirectiveDefinitionNode { IsRepeatable: true }:
                _text.Append(" repeatable");
                break;
            default:
                break;
        }

        _text.Append('\n');
        _depth++;
        return true;
    }

    protected override void Leave(SyntaxNode node) => _depth--;

    private void AppendValue(string value) => _text.Append(' ').Append(JsonSerializer.Serialize(value, Json));
}
