using System.Globalization;
using System.Text.Json;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Transport;

/// <summary>Static measurements of one operation (fragments expanded).</summary>
/// <param name="Depth">Deepest field nesting (a root field has depth 1).</param>
/// <param name="Aliases">Number of aliased field selections.</param>
/// <param name="Fields">Number of field selections.</param>
/// <param name="UsesIntrospection">True when the operation selects <c>__schema</c> or <c>__type</c>.</param>
/// <param name="Cost">The computed cost, or null when it depends on variables.</param>
/// <param name="CostError">A <c>@listSize(requireOneSlicingArgument)</c> violation, if any.</param>
internal sealed record OperationAnalysis(int Depth, int Aliases, int Fields, bool UsesIntrospection, double? Cost, string? CostError);

/// <summary>Measures depth, aliases, field count, introspection use and cost of an operation.</summary>
internal sealed class OperationAnalyzer
{
    private readonly Schema _schema;
    private readonly CostModel _costModel;
    private readonly int _defaultListSize;
    private readonly Dictionary<string, FragmentDefinitionNode> _fragments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Depth, int Aliases, int Fields)> _fragmentShape = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _fragmentCost = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, object?>? _variables;
    private string? _costError;

    private OperationAnalyzer(Schema schema, CostModel costModel, DocumentNode document, int defaultListSize, IReadOnlyDictionary<string, object?>? variables)
    {
        _schema = schema;
        _costModel = costModel;
        _defaultListSize = defaultListSize;
        _variables = variables;
        foreach (var definition in document.Definitions)
        {
            if (definition is FragmentDefinitionNode fragment)
            {
                _fragments.TryAdd(fragment.Name.Value, fragment);
            }
        }
    }

    /// <summary>Finds the operation a request selects, or null when it cannot be determined (the executor reports that).</summary>
    public static OperationDefinitionNode? SelectOperation(DocumentNode document, string? operationName)
    {
        OperationDefinitionNode? found = null;
        foreach (var definition in document.Definitions)
        {
            if (definition is not OperationDefinitionNode operation)
            {
                continue;
            }

            if (operationName is null)
            {
                if (found is not null)
                {
                    return null;
                }

                found = operation;
            }
            else if (operation.Name?.Value == operationName)
            {
                return operation;
            }
        }

        return found;
    }

    /// <summary>Analyses an operation. Cost is computed only when <paramref name="withCost"/> is set.</summary>
    public static OperationAnalysis Analyze(
        Schema schema,
        CostModel costModel,
        DocumentNode document,
        OperationDefinitionNode operation,
        int defaultListSize,
        bool withCost,
        IReadOnlyDictionary<string, object?>? variables)
    {
        var analyzer = new OperationAnalyzer(schema, costModel, document, defaultListSize, variables);
        var (depth, aliases, fields) = analyzer.Shape(operation.SelectionSet);
        analyzer._inProgress.Clear();
        var introspection = analyzer.UsesIntrospection(operation.SelectionSet);
        double? cost = null;
        if (withCost && schema.GetRootType(operation.Operation) is { } root)
        {
            analyzer._inProgress.Clear();
            cost = analyzer.SelectionSetCost(operation.SelectionSet, root, null, 1);
        }

        return new OperationAnalysis(depth, aliases, fields, introspection, cost, analyzer._costError);
    }

    /// <summary>Computes only the cost (for operations whose cost depends on variables).</summary>
    public static (double Cost, string? Error) Cost(
        Schema schema,
        CostModel costModel,
        DocumentNode document,
        OperationDefinitionNode operation,
        int defaultListSize,
        IReadOnlyDictionary<string, object?>? variables)
    {
        var analyzer = new OperationAnalyzer(schema, costModel, document, defaultListSize, variables);
        var root = schema.GetRootType(operation.Operation);
        var cost = root is null ? 0 : analyzer.SelectionSetCost(operation.SelectionSet, root, null, 1);
        return (cost, analyzer._costError);
    }

    private (int Depth, int Aliases, int Fields) Shape(SelectionSetNode selectionSet)
    {
        int depth = 0, aliases = 0, fields = 0;
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case FieldNode field:
                    fields++;
                    if (field.Alias is not null)
                    {
                        aliases++;
                    }

                    var childDepth = 0;
                    if (field.SelectionSet is { } child)
                    {
                        var shape = Shape(child);
                        childDepth = shape.Depth;
                        aliases += shape.Aliases;
                        fields += shape.Fields;
                    }

                    depth = Math.Max(depth, childDepth + 1);
                    break;
                case InlineFragmentNode inline:
                    var inner = Shape(inline.SelectionSet);
                    depth = Math.Max(depth, inner.Depth);
                    aliases += inner.Aliases;
                    fields += inner.Fields;
                    break;
                case FragmentSpreadNode spread:
                    var fragmentShape = FragmentShape(spread.Name.Value);
                    depth = Math.Max(depth, fragmentShape.Depth);
                    aliases += fragmentShape.Aliases;
                    fields += fragmentShape.Fields;
                    break;
            }
        }

        // Saturate instead of overflowing on fragment bombs; any saturated count exceeds every limit anyway.
        return (depth, Math.Min(aliases, int.MaxValue / 4), Math.Min(fields, int.MaxValue / 4));
    }

    // Memoised per fragment so that fragment bombs (each fragment spreading the previous one twice) stay linear.
    private (int Depth, int Aliases, int Fields) FragmentShape(string name)
    {
        if (_fragmentShape.TryGetValue(name, out var shape))
        {
            return shape;
        }

        if (!_fragments.TryGetValue(name, out var fragment) || !_inProgress.Add(name))
        {
            return default;
        }

        shape = Shape(fragment.SelectionSet);
        _fragmentShape[name] = shape;
        return shape;
    }

    private bool UsesIntrospection(SelectionSetNode selectionSet)
    {
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case FieldNode field when field.Name.Value is "__schema" or "__type":
                    return true;
                case InlineFragmentNode inline when UsesIntrospection(inline.SelectionSet):
                    return true;
                case FragmentSpreadNode spread
                    when _fragments.TryGetValue(spread.Name.Value, out var fragment) && _inProgress.Add(spread.Name.Value)
                        && UsesIntrospection(fragment.SelectionSet):
                    return true;
            }
        }

        return false;
    }

    private double SelectionSetCost(SelectionSetNode selectionSet, NamedType parentType, ListSizeInfo? sized, double sizedMultiplier)
    {
        double total = 0;
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case FieldNode field:
                    var multiplier = sized is not null && sized.SizedFields.Contains(field.Name.Value) ? sizedMultiplier : 1;
                    total += FieldCost(field, parentType, multiplier);
                    break;
                case InlineFragmentNode inline:
                    var type = inline.TypeCondition is { } condition ? _schema.GetType(condition.Name.Value) ?? parentType : parentType;
                    total += SelectionSetCost(inline.SelectionSet, type, sized, sizedMultiplier);
                    break;
                case FragmentSpreadNode spread:
                    if (sized is null && _fragmentCost.TryGetValue(spread.Name.Value, out var memo))
                    {
                        total += memo;
                    }
                    else if (_fragments.TryGetValue(spread.Name.Value, out var fragment) && _inProgress.Add(spread.Name.Value))
                    {
                        var fragmentType = _schema.GetType(fragment.TypeCondition.Name.Value) ?? parentType;
                        var fragmentCost = SelectionSetCost(fragment.SelectionSet, fragmentType, sized, sizedMultiplier);
                        _inProgress.Remove(spread.Name.Value);
                        if (sized is null)
                        {
                            // Context-free cost: memoised so fragment bombs stay linear.
                            _fragmentCost[spread.Name.Value] = fragmentCost;
                        }

                        total += fragmentCost;
                    }

                    break;
            }
        }

        return total;
    }

    private double FieldCost(FieldNode node, NamedType parentType, double parentMultiplier)
    {
        var name = node.Name.Value;
        if (name.StartsWith("__", StringComparison.Ordinal))
        {
            return 0;
        }

        var field = _schema.GetField(parentType, name);
        if (field is null)
        {
            return 0;
        }

        var info = _costModel.For(field);
        double cost = info.Weight;
        foreach (var argument in node.Arguments)
        {
            if (info.ArgumentWeights is not null && info.ArgumentWeights.TryGetValue(argument.Name.Value, out var weight))
            {
                cost += weight;
            }
        }

        var named = field.Type.Named;
        double listSize = 1;
        if (field.Type.Nullable is ListType)
        {
            listSize = ListSize(node, field, info.ListSize);
        }

        ListSizeInfo? sized = info.ListSize is { SizedFields.Count: > 0 } ? info.ListSize : null;
        var itemMultiplier = sized is null ? listSize : 1;
        var itemCost = _costModel.TypeWeight(named);
        if (node.SelectionSet is { } child)
        {
            itemCost += SelectionSetCost(child, named, sized, listSize);
        }

        return parentMultiplier * (cost + (itemMultiplier * itemCost));
    }

    private double ListSize(FieldNode node, OutputField field, ListSizeInfo? info)
    {
        if (info is null)
        {
            return _defaultListSize;
        }

        if (info.SlicingArguments.Count > 0)
        {
            double? max = null;
            var provided = 0;
            foreach (var slicing in info.SlicingArguments)
            {
                var value = ArgumentNumber(node, field, slicing, out var explicitlyProvided);
                if (explicitlyProvided)
                {
                    provided++;
                }

                if (value is { } v)
                {
                    max = Math.Max(max ?? 0, Math.Max(0, v));
                }
            }

            if (info.RequireOneSlicingArgument && provided != 1 && !(provided == 0 && max is not null))
            {
                _costError ??= $"Exactly one slicing argument ({string.Join(", ", info.SlicingArguments)}) must be provided to field '{field.Name}'.";
            }

            if (max is { } size)
            {
                return size;
            }
        }

        return info.AssumedSize ?? _defaultListSize;
    }

    private double? ArgumentNumber(FieldNode node, OutputField field, string name, out bool provided)
    {
        provided = false;
        foreach (var argument in node.Arguments)
        {
            if (argument.Name.Value != name)
            {
                continue;
            }

            var value = argument.Value switch
            {
                IntValueNode i => double.Parse(i.Value, CultureInfo.InvariantCulture),
                VariableNode v => _variables is not null && _variables.TryGetValue(v.Name.Value, out var raw) ? ToNumber(raw) : null,
                _ => (double?)null,
            };
            provided = value is not null;
            if (value is not null)
            {
                return value;
            }
        }

        if (field.Arguments.TryGetValue(name, out var definition) && definition.DefaultValue is IntValueNode defaultValue)
        {
            return double.Parse(defaultValue.Value, CultureInfo.InvariantCulture);
        }

        return null;
    }

    private static double? ToNumber(object? value) => value switch
    {
        int i => i,
        long l => l,
        double d => d,
        decimal m => (double)m,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        _ => null,
    };
}

/// <summary><c>@listSize</c> arguments of a field.</summary>
internal sealed record ListSizeInfo(int? AssumedSize, IReadOnlyList<string> SlicingArguments, IReadOnlySet<string> SizedFields, bool RequireOneSlicingArgument);

/// <summary>Cost directives of one field.</summary>
internal sealed record FieldCostInfo(double Weight, IReadOnlyDictionary<string, double>? ArgumentWeights, ListSizeInfo? ListSize);

/// <summary>The <c>@cost</c>/<c>@listSize</c> directives of a schema, read once per schema.</summary>
internal sealed class CostModel
{
    private static readonly FieldCostInfo Default = new(0, null, null);
    private readonly Dictionary<OutputField, FieldCostInfo> _fields = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<NamedType, double> _typeWeights = new(ReferenceEqualityComparer.Instance);

    public CostModel(Schema schema)
    {
        foreach (var type in schema.Types)
        {
            if (CostOf(type.Directives) is { } typeWeight)
            {
                _typeWeights[type] = typeWeight;
            }

            if (type is not IComplexOutputType complex)
            {
                continue;
            }

            foreach (var (_, field) in complex.Fields)
            {
                var weight = CostOf(field.Directives);
                Dictionary<string, double>? argumentWeights = null;
                foreach (var (argumentName, argument) in field.Arguments)
                {
                    if (CostOf(argument.Directives) is { } w)
                    {
                        (argumentWeights ??= new(StringComparer.Ordinal))[argumentName] = w;
                    }
                }

                var listSize = ListSizeOf(field.Directives);
                if (weight is not null || argumentWeights is not null || listSize is not null)
                {
                    _fields[field] = new FieldCostInfo(weight ?? 0, argumentWeights, listSize);
                }
            }
        }
    }

    public FieldCostInfo For(OutputField field) => _fields.GetValueOrDefault(field, Default);

    public double TypeWeight(NamedType type) =>
        _typeWeights.TryGetValue(type, out var weight) ? weight : type.IsComposite ? 1 : 0;

    private static double? CostOf(IEnumerable<AppliedDirective> directives)
    {
        foreach (var directive in directives)
        {
            if (directive.Name == "cost" && Argument(directive, "weight") is { } value)
            {
                var text = value switch
                {
                    StringValueNode s => s.Value,
                    IntValueNode i => i.Value,
                    FloatValueNode f => f.Value,
                    _ => null,
                };
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
                {
                    return weight;
                }
            }
        }

        return null;
    }

    private static ListSizeInfo? ListSizeOf(IEnumerable<AppliedDirective> directives)
    {
        foreach (var directive in directives)
        {
            if (directive.Name != "listSize")
            {
                continue;
            }

            int? assumed = Argument(directive, "assumedSize") is IntValueNode i && int.TryParse(i.Value, CultureInfo.InvariantCulture, out var n) ? n : null;
            var slicing = Strings(Argument(directive, "slicingArguments"));
            var sized = Strings(Argument(directive, "sizedFields"));
            var requireOne = Argument(directive, "requireOneSlicingArgument") is not BooleanValueNode { Value: false };
            return new ListSizeInfo(assumed, slicing, sized.ToHashSet(StringComparer.Ordinal), requireOne);
        }

        return null;
    }

    private static List<string> Strings(IValueNode? value) => value switch
    {
        ListValueNode list => [.. list.Values.OfType<StringValueNode>().Select(s => s.Value)],
        StringValueNode single => [single.Value],
        _ => [],
    };

    private static IValueNode? Argument(AppliedDirective directive, string name)
    {
        foreach (var argument in directive.Syntax.Arguments)
        {
            if (argument.Name.Value == name)
            {
                return argument.Value;
            }
        }

        return null;
    }
}
