namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>PossibleFragmentSpreadsRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class PossibleFragmentSpreadsRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("PossibleFragmentSpreadsRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("PossibleFragmentSpreadsRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("PossibleFragmentSpreadsRule", name);
}
