namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>MaxIntrospectionDepthRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class MaxIntrospectionDepthRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("MaxIntrospectionDepthRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("MaxIntrospectionDepthRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("MaxIntrospectionDepthRule", name);
}
