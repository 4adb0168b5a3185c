using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Validation;

/// <summary>A variable reference with the input type expected where it is used.</summary>
/// <param name="Node">The variable reference.</param>
/// <param name="Type">The expected input type at the position; null when unknown.</param>
/// <param name="DefaultValue">The default value of the argument or input field at the position, if any.</param>
/// <param name="ParentType">The enclosing input type (e.g. the input object owning the field); null when none.</param>
public readonly record struct VariableUsage(VariableNode Node, GraphQLType? Type, IValueNode? DefaultValue, GraphQLType? ParentType);

/// <summary>
/// The state of one validation run shared by all rules: the schema and document, the current position's type
/// information (graphql-js <c>TypeInfo</c>), pre-computed fragment maps and variable usages, and error reporting.
/// </summary>
public sealed class ValidationContext
{
    // graphql-js bounds fragment bookkeeping the same way so pathological fragment graphs abort instead of hanging.
    private const int FragmentWorkBudget = 50000;

    private readonly List<GraphQLError> _errors = [];
    private readonly int _maxErrors;
    private readonly Dictionary<string, FragmentDefinitionNode> _fragments = new(StringComparer.Ordinal);
    private readonly Dictionary<SelectionSetNode, List<FragmentSpreadNode>> _spreads = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<OperationDefinitionNode, List<FragmentDefinitionNode>> _referencedFragments = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SyntaxNode, List<VariableUsage>> _usages = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<OperationDefinitionNode, List<VariableUsage>> _recursiveUsages = new(ReferenceEqualityComparer.Instance);
    private TypeInfoWalker? _walker;
    private long _remainingFragmentWork = FragmentWorkBudget;

    internal ValidationContext(Schema schema, DocumentNode document, ValidationOptions options)
    {
        Schema = schema;
        Document = document;
        HideSuggestions = options.HideSuggestions;
        _maxErrors = options.MaxErrors;
        foreach (var definition in document.Definitions)
        {
            if (definition is FragmentDefinitionNode fragment)
            {
                // graphql-js keys fragments in an object, so the last definition of a duplicated name wins.
                _fragments[fragment.Name.Value] = fragment;
            }
        }
    }

    /// <summary>The schema validated against.</summary>
    public Schema Schema { get; }

    /// <summary>The document being validated.</summary>
    public DocumentNode Document { get; }

    /// <summary>True when messages must not contain "Did you mean" suggestions.</summary>
    public bool HideSuggestions { get; }

    /// <summary>The errors reported so far.</summary>
    public IReadOnlyList<GraphQLError> Errors => _errors;

    /// <summary>The work done so far (see <see cref="ValidationResult.WorkUnits"/>).</summary>
    public long WorkUnits { get; private set; }

    /// <summary>The output type of the current field, operation or fragment.</summary>
    public GraphQLType? Type => Walker.Type;

    /// <summary>The composite type owning the current selection set.</summary>
    public NamedType? ParentType => Walker.ParentType;

    /// <summary>The input type expected at the current argument or value.</summary>
    public GraphQLType? InputType => Walker.InputType;

    /// <summary>The input type enclosing the current value (the list or input object).</summary>
    public GraphQLType? ParentInputType => Walker.ParentInputType;

    /// <summary>The definition of the current field.</summary>
    public OutputField? FieldDef => Walker.FieldDef;

    /// <summary>The definition of the current directive (null when unknown or outside directives).</summary>
    public DirectiveDefinition? Directive => Walker.Directive;

    /// <summary>The directive node currently visited (null outside directives).</summary>
    public DirectiveNode? CurrentDirective => Walker.CurrentDirective;

    /// <summary>The definition of the current argument.</summary>
    public InputValue? Argument => Walker.Argument;

    /// <summary>The default value of the current argument or input field.</summary>
    public IValueNode? DefaultValue => Walker.DefaultValue;

    /// <summary>True while visiting a type-system definition or extension.</summary>
    public bool InTypeSystemDefinition => Walker.InTypeSystemDefinition;

    private TypeInfoWalker Walker => _walker ?? throw new InvalidOperationException("Validation has not started.");

    /// <summary>Reports an error located at the given nodes.</summary>
    public void ReportError(string message, params ReadOnlySpan<SyntaxNode?> nodes) =>
        ReportError(new GraphQLError(message, ErrorCodes.ValidationFailed).WithLocations(nodes));

    /// <summary>Reports an error located at the given nodes.</summary>
    public void ReportError(string message, IReadOnlyList<SyntaxNode> nodes)
    {
        var array = new SyntaxNode?[nodes.Count];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = nodes[i];
        }

        ReportError(message, array.AsSpan());
    }

    /// <summary>Reports an error; stops validation once the error limit is exceeded.</summary>
    public void ReportError(GraphQLError error)
    {
        if (_errors.Count >= _maxErrors)
        {
            _errors.Add(new GraphQLError(
                "Too many validation errors, error limit reached. Validation aborted.",
                ErrorCodes.ValidationFailed));
            throw new ValidationAbortedException();
        }

        _errors.Add(error);
    }

    /// <summary>The fragment definition with this name (the last one when duplicated).</summary>
    public FragmentDefinitionNode? GetFragment(string name) => _fragments.GetValueOrDefault(name);

    /// <summary>Every fragment spread inside a selection set (at any depth, not following fragments).</summary>
    public IReadOnlyList<FragmentSpreadNode> GetFragmentSpreads(SelectionSetNode selectionSet)
    {
        if (_spreads.TryGetValue(selectionSet, out var spreads))
        {
            return spreads;
        }

        spreads = [];
        var setsToVisit = new Stack<SelectionSetNode>();
        setsToVisit.Push(selectionSet);
        while (setsToVisit.TryPop(out var set))
        {
            CountWork(set.Selections.Count);
            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case FragmentSpreadNode spread:
                        spreads.Add(spread);
                        break;
                    case FieldNode { SelectionSet: { } fieldSet }:
                        setsToVisit.Push(fieldSet);
                        break;
                    case InlineFragmentNode inline:
                        setsToVisit.Push(inline.SelectionSet);
                        break;
                    default:
                        break;
                }
            }
        }

        _spreads[selectionSet] = spreads;
        return spreads;
    }

    /// <summary>Every fragment an operation uses, directly or through other fragments (each once).</summary>
    public IReadOnlyList<FragmentDefinitionNode> GetRecursivelyReferencedFragments(OperationDefinitionNode operation)
    {
        if (!_referencedFragments.TryGetValue(operation, out var fragments))
        {
            fragments = CollectReferencedFragments([operation]);
            _referencedFragments[operation] = fragments;
        }

        return fragments;
    }

    /// <summary>Every fragment any of the operations uses, directly or through other fragments (each once).</summary>
    public IReadOnlyList<FragmentDefinitionNode> GetRecursivelyReferencedFragments(IReadOnlyList<OperationDefinitionNode> operations) =>
        CollectReferencedFragments(operations);

    private List<FragmentDefinitionNode> CollectReferencedFragments(IReadOnlyList<OperationDefinitionNode> operations)
    {
        var names = new List<string>();
        var collected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            foreach (var spread in GetFragmentSpreads(operation.SelectionSet))
            {
                if (collected.Add(spread.Name.Value))
                {
                    names.Add(spread.Name.Value);
                }
            }
        }

        SpendFragmentWork(names.Count);
        var fragments = new List<FragmentDefinitionNode>();
        for (var i = 0; i < names.Count; i++)
        {
            if (GetFragment(names[i]) is { } fragment)
            {
                fragments.Add(fragment);
                var spreads = GetFragmentSpreads(fragment.SelectionSet);
                SpendFragmentWork(spreads.Count);
                foreach (var spread in spreads)
                {
                    if (collected.Add(spread.Name.Value))
                    {
                        names.Add(spread.Name.Value);
                    }
                }
            }
        }

        return fragments;
    }

    /// <summary>The variable references inside one operation or fragment definition (not following spreads).</summary>
    public IReadOnlyList<VariableUsage> GetVariableUsages(SyntaxNode executableDefinition)
    {
        if (_usages.TryGetValue(executableDefinition, out var usages))
        {
            return usages;
        }

        usages = [];
        if (!HasVariables(executableDefinition))
        {
            // Most documents (e.g. introspection) use no variables: skip the typed walk.
            _usages[executableDefinition] = usages;
            return usages;
        }

        var walker = new TypeInfoWalker(this, [], usages);
        switch (executableDefinition)
        {
            case OperationDefinitionNode operation:
                walker.WalkOperation(operation);
                break;
            case FragmentDefinitionNode fragment:
                walker.WalkFragmentDefinition(fragment);
                break;
            default:
                break;
        }

        _usages[executableDefinition] = usages;
        return usages;
    }

    private bool HasVariables(SyntaxNode definition) => definition switch
    {
        OperationDefinitionNode operation => HasVariables(operation.Directives) || HasVariables(operation.SelectionSet),
        FragmentDefinitionNode fragment => HasVariables(fragment.Directives) || HasVariables(fragment.SelectionSet),
        _ => true,
    };

    private bool HasVariables(SelectionSetNode selectionSet)
    {
        CountWork(selectionSet.Selections.Count);
        foreach (var selection in selectionSet.Selections)
        {
            if (HasVariables(selection.Directives))
            {
                return true;
            }

            switch (selection)
            {
                case FieldNode field:
                    foreach (var argument in field.Arguments)
                    {
                        if (ValidationTypes.ContainsVariable(argument.Value))
                        {
                            return true;
                        }
                    }

                    if (field.SelectionSet is { } fieldSet && HasVariables(fieldSet))
                    {
                        return true;
                    }

                    break;
                case InlineFragmentNode inline when HasVariables(inline.SelectionSet):
                    return true;
                default:
                    break;
            }
        }

        return false;
    }

    private static bool HasVariables(IReadOnlyList<DirectiveNode> directives)
    {
        foreach (var directive in directives)
        {
            foreach (var argument in directive.Arguments)
            {
                if (ValidationTypes.ContainsVariable(argument.Value))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The variable references of an operation including those in every fragment it uses.</summary>
    public IReadOnlyList<VariableUsage> GetRecursiveVariableUsages(OperationDefinitionNode operation)
    {
        if (_recursiveUsages.TryGetValue(operation, out var usages))
        {
            return usages;
        }

        var fragments = GetRecursivelyReferencedFragments(operation);
        SpendFragmentWork(fragments.Count);
        usages = [.. GetVariableUsages(operation)];
        foreach (var fragment in fragments)
        {
            var local = GetVariableUsages(fragment);
            SpendFragmentWork(local.Count);
            usages.AddRange(local);
        }

        _recursiveUsages[operation] = usages;
        return usages;
    }

    /// <summary>Charges fragment bookkeeping work; aborts validation ("Validation aborted.") when the budget is spent.</summary>
    public void SpendFragmentWork(int cost)
    {
        CountWork(cost);
        _remainingFragmentWork -= cost;
        if (_remainingFragmentWork < 0)
        {
            throw new ValidationAbortedException(new GraphQLError("Validation aborted.", ErrorCodes.ValidationFailed));
        }
    }

    /// <summary>Adds to <see cref="WorkUnits"/>.</summary>
    public void CountWork(int units) => WorkUnits += units;

    internal void AddAbortError(GraphQLError error) => _errors.Add(error);

    internal void Run(IReadOnlyList<ValidationRule> rules)
    {
        _walker = new TypeInfoWalker(this, rules);
        _walker.WalkDocument(Document);
    }
}

/// <summary>Thrown inside a validation run to stop it; the validator catches it.</summary>
internal sealed class ValidationAbortedException(GraphQLError? error = null) : Exception("Validation aborted.")
{
    public GraphQLError? Error { get; } = error;
}
