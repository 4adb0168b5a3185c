namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>UniqueOperationNamesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class UniqueOperationNamesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("UniqueOperationNamesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("UniqueOperationNamesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("UniqueOperationNamesRule", name);
}
