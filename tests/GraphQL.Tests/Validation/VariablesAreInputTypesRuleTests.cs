namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>VariablesAreInputTypesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class VariablesAreInputTypesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("VariablesAreInputTypesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("VariablesAreInputTypesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("VariablesAreInputTypesRule", name);
}
