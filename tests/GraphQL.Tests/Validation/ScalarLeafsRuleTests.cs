namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>ScalarLeafsRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class ScalarLeafsRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("ScalarLeafsRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("ScalarLeafsRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("ScalarLeafsRule", name);
}
