namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>ExecutableDefinitionsRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class ExecutableDefinitionsRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("ExecutableDefinitionsRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("ExecutableDefinitionsRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("ExecutableDefinitionsRule", name);
}
