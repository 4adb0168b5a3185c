namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>UniqueFragmentNamesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class UniqueFragmentNamesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("UniqueFragmentNamesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("UniqueFragmentNamesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("UniqueFragmentNamesRule", name);
}
