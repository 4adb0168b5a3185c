namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>VariablesInAllowedPositionRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class VariablesInAllowedPositionRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("VariablesInAllowedPositionRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("VariablesInAllowedPositionRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("VariablesInAllowedPositionRule", name);
}
