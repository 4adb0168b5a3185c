namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>ValuesOfCorrectTypeRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class ValuesOfCorrectTypeRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("ValuesOfCorrectTypeRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("ValuesOfCorrectTypeRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("ValuesOfCorrectTypeRule", name);
}
