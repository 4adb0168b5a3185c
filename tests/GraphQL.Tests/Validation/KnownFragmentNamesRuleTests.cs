namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>KnownFragmentNamesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class KnownFragmentNamesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("KnownFragmentNamesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("KnownFragmentNamesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("KnownFragmentNamesRule", name);
}
