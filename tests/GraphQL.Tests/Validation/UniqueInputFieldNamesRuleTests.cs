namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>UniqueInputFieldNamesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class UniqueInputFieldNamesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("UniqueInputFieldNamesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("UniqueInputFieldNamesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("UniqueInputFieldNamesRule", name);
}
