namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>NoUndefinedVariablesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class NoUndefinedVariablesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("NoUndefinedVariablesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("NoUndefinedVariablesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("NoUndefinedVariablesRule", name);
}
