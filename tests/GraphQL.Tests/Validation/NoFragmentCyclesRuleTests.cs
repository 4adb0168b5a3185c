namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>NoFragmentCyclesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class NoFragmentCyclesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("NoFragmentCyclesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("NoFragmentCyclesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("NoFragmentCyclesRule", name);
}
