using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.6.3 Input Object Field Uniqueness.</summary>
public sealed class UniqueInputFieldNamesRule(ValidationContext context) : ValidationRule(context)
{
    private readonly Stack<Dictionary<string, NameNode>> _stack = new();

    /// <inheritdoc />
    public override void EnterObjectValue(ObjectValueNode node) => _stack.Push(new(StringComparer.Ordinal));

    /// <inheritdoc />
    public override void LeaveObjectValue(ObjectValueNode node) => _stack.Pop();

    /// <inheritdoc />
    public override void EnterObjectField(ObjectFieldNode node)
    {
        var known = _stack.Peek();
        if (known.TryGetValue(node.Name.Value, out var previous))
        {
            Context.ReportError($"There can be only one input field named \"{node.Name.Value}\".", previous, node.Name);
        }
        else
        {
            known[node.Name.Value] = node.Name;
        }
    }
}
