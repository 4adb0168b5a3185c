namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>KnownTypeNamesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class KnownTypeNamesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("KnownTypeNamesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("KnownTypeNamesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("KnownTypeNamesRule", name);
}
