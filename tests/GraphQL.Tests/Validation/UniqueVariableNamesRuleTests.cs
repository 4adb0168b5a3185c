namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>UniqueVariableNamesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class UniqueVariableNamesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("UniqueVariableNamesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("UniqueVariableNamesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("UniqueVariableNamesRule", name);
}
