namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>KnownArgumentNamesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class KnownArgumentNamesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("KnownArgumentNamesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("KnownArgumentNamesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("KnownArgumentNamesRule", name);
}
