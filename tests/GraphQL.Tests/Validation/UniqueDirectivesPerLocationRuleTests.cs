namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>UniqueDirectivesPerLocationRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class UniqueDirectivesPerLocationRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("UniqueDirectivesPerLocationRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("UniqueDirectivesPerLocationRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("UniqueDirectivesPerLocationRule", name);
}
