using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>
/// Spec 5.8.5 All Variable Usages Are Allowed (including the default-value relaxation for non-null positions), and
/// variables used as a OneOf Input Object field must be non-nullable.
/// </summary>
public sealed class VariablesInAllowedPositionRule(ValidationContext context) : ValidationRule(context)
{
    private readonly Dictionary<string, VariableDefinitionNode> _definitions = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override void EnterOperationDefinition(OperationDefinitionNode node) => _definitions.Clear();

    /// <inheritdoc />
    public override void EnterVariableDefinition(VariableDefinitionNode node) => _definitions[node.Variable.Name.Value] = node;

    /// <inheritdoc />
    public override void LeaveOperationDefinition(OperationDefinitionNode node)
    {
        if (_definitions.Count == 0)
        {
            return;
        }

        var schema = Context.Schema;
        foreach (var usage in Context.GetRecursiveVariableUsages(node))
        {
            var name = usage.Node.Name.Value;
            if (!_definitions.TryGetValue(name, out var definition) || usage.Type is not { } locationType)
            {
                continue;
            }

            var varType = ValidationTypes.FromTypeNode(schema, definition.Type);
            if (varType is not null && !AllowedVariableUsage(schema, varType, definition.DefaultValue, locationType, usage.DefaultValue))
            {
                Context.ReportError(
                    $"Variable \"${name}\" of type \"{varType}\" used in position expecting type \"{locationType}\".",
                    definition,
                    usage.Node);
            }

            if (usage.ParentType is InputObjectType { IsOneOf: true } parent && varType is not (null or NonNullType))
            {
                Context.ReportError(
                    $"Variable \"${name}\" is of type \"{varType}\" but must be non-nullable to be used for OneOf Input Object \"{parent.Name}\".",
                    definition,
                    usage.Node);
            }
        }
    }

    private static bool AllowedVariableUsage(
        Schema schema,
        GraphQLType varType,
        IValueNode? varDefaultValue,
        GraphQLType locationType,
        IValueNode? locationDefaultValue)
    {
        if (locationType is NonNullType nonNullLocation && varType is not NonNullType)
        {
            var hasNonNullVariableDefault = varDefaultValue is not null and not NullValueNode;
            var hasLocationDefault = locationDefaultValue is not null;
            if (!hasNonNullVariableDefault && !hasLocationDefault)
            {
                return false;
            }

            return ValidationTypes.IsTypeSubTypeOf(schema, varType, nonNullLocation.OfType);
        }

        return ValidationTypes.IsTypeSubTypeOf(schema, varType, locationType);
    }
}
