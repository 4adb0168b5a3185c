namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>UniqueArgumentNamesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class UniqueArgumentNamesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("UniqueArgumentNamesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("UniqueArgumentNamesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("UniqueArgumentNamesRule", name);
}
