namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>ProvidedRequiredArgumentsRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class ProvidedRequiredArgumentsRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("ProvidedRequiredArgumentsRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("ProvidedRequiredArgumentsRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("ProvidedRequiredArgumentsRule", name);
}
