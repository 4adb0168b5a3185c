namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>KnownDirectivesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class KnownDirectivesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("KnownDirectivesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("KnownDirectivesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("KnownDirectivesRule", name);
}
