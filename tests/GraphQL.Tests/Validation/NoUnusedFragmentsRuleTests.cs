namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>NoUnusedFragmentsRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class NoUnusedFragmentsRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("NoUnusedFragmentsRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("NoUnusedFragmentsRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("NoUnusedFragmentsRule", name);
}
