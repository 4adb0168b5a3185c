namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>SingleFieldSubscriptionsRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class SingleFieldSubscriptionsRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("SingleFieldSubscriptionsRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("SingleFieldSubscriptionsRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("SingleFieldSubscriptionsRule", name);
}
