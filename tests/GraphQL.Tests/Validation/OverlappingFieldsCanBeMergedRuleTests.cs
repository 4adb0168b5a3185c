namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>OverlappingFieldsCanBeMergedRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class OverlappingFieldsCanBeMergedRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("OverlappingFieldsCanBeMergedRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("OverlappingFieldsCanBeMergedRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("OverlappingFieldsCanBeMergedRule", name);
}
