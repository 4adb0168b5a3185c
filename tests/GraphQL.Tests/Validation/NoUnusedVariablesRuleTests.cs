namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>NoUnusedVariablesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class NoUnusedVariablesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("NoUnusedVariablesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("NoUnusedVariablesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("NoUnusedVariablesRule", name);
}
