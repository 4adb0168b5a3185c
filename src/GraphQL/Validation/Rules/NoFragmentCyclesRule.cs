using System.Text;
using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Validation.Rules;

/// <summary>Spec 5.5.2.2 Fragment Spreads Must Not Form Cycles (reports every cycle once).</summary>
public sealed class NoFragmentCyclesRule(ValidationContext context) : ValidationRule(context)
{
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
    private readonly List<FragmentSpreadNode> _spreadPath = [];
    private readonly Dictionary<string, int> _spreadPathIndexByName = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override void EnterFragmentDefinition(FragmentDefinitionNode node) => DetectCycleRecursive(node);

    private void DetectCycleRecursive(FragmentDefinitionNode fragment)
    {
        var fragmentName = fragment.Name.Value;
        if (!_visited.Add(fragmentName))
        {
            return;
        }

        var spreadNodes = Context.GetFragmentSpreads(fragment.SelectionSet);
        if (spreadNodes.Count == 0)
        {
            return;
        }

        _spreadPathIndexByName[fragmentName] = _spreadPath.Count;
        foreach (var spreadNode in spreadNodes)
        {
            Context.CountWork(1);
            var spreadName = spreadNode.Name.Value;
            _spreadPath.Add(spreadNode);
            if (!_spreadPathIndexByName.TryGetValue(spreadName, out var cycleIndex))
            {
                if (Context.GetFragment(spreadName) is { } spreadFragment)
                {
                    DetectCycleRecursive(spreadFragment);
                }
            }
            else
            {
                var cyclePath = _spreadPath.GetRange(cycleIndex, _spreadPath.Count - cycleIndex);
                var via = new StringBuilder();
                for (var i = 0; i < cyclePath.Count - 1; i++)
                {
                    via.Append(i > 0 ? ", " : string.Empty).Append('"').Append(cyclePath[i].Name.Value).Append('"');
                }

                Context.ReportError(
                    $"Cannot spread fragment \"{spreadName}\" within itself" + (via.Length > 0 ? $" via {via}." : "."),
                    cyclePath);
            }

            _spreadPath.RemoveAt(_spreadPath.Count - 1);
        }

        _spreadPathIndexByName.Remove(fragmentName);
    }
}
