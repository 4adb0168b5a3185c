namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>LoneAnonymousOperationRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class LoneAnonymousOperationRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("LoneAnonymousOperationRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("LoneAnonymousOperationRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("LoneAnonymousOperationRule", name);
}
