using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.4.2.1 Required Arguments, for fields and directives (checked on leave so deeper errors come first).</summary>
public sealed class ProvidedRequiredArgumentsRule : ValidationRule
{
    private readonly Dictionary<string, List<(string Name, string Type)>> _documentRequired = new(StringComparer.Ordinal);

    /// <summary>Creates the rule.</summary>
    public ProvidedRequiredArgumentsRule(ValidationContext context)
        : base(context)
    {
        foreach (var definition in context.Document.Definitions)
        {
            if (definition is DirectiveDefinitionNode directive)
            {
                var required = new List<(string, string)>();
                foreach (var argument in directive.Arguments)
                {
                    if (argument.Type is NonNullTypeNode && argument.DefaultValue is null)
                    {
                        required.Add((argument.Name.Value, ValidationTypes.Print(argument.Type)));
                    }
                }

                _documentRequired[directive.Name.Value] = required;
            }
        }
    }

    /// <inheritdoc />
    public override void LeaveField(FieldNode node)
    {
        // Checking Count first avoids enumerating (and allocating an enumerator for) argument-less fields.
        if (Context.FieldDef is not { Arguments.Count: > 0 } fieldDef)
        {
            return;
        }

        foreach (var (name, argDef) in fieldDef.Arguments)
        {
            if (ValidationTypes.IsRequired(argDef) && !HasArgument(node.Arguments, name))
            {
                Context.ReportError(
                    $"Field \"{fieldDef.Name}\" argument \"{name}\" of type \"{argDef.Type}\" is required, but it was not provided.",
                    node);
            }
        }
    }

    /// <inheritdoc />
    public override void LeaveDirective(DirectiveNode node)
    {
        var directiveName = node.Name.Value;
        if (_documentRequired.TryGetValue(directiveName, out var documentRequired))
        {
            foreach (var (name, type) in documentRequired)
            {
                if (!HasArgument(node.Arguments, name))
                {
                    Report(node, directiveName, name, type);
                }
            }
        }
        else if (Context.Schema.GetDirective(directiveName) is { Arguments.Count: > 0 } definition)
        {
            foreach (var (name, argDef) in definition.Arguments)
            {
                if (ValidationTypes.IsRequired(argDef) && !HasArgument(node.Arguments, name))
                {
                    Report(node, directiveName, name, argDef.Type.ToString());
                }
            }
        }
    }

    private void Report(DirectiveNode node, string directiveName, string argName, string type) =>
        Context.ReportError(
            $"Directive \"@{directiveName}\" argument \"{argName}\" of type \"{type}\" is required, but it was not provided.",
            node);

    private static bool HasArgument(IReadOnlyList<ArgumentNode> arguments, string name)
    {
        foreach (var argument in arguments)
        {
            if (argument.Name.Value == name)
            {
                return true;
            }
        }

        return false;
    }
}
