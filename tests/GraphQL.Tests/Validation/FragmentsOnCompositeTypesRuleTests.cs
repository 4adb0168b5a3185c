namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>FragmentsOnCompositeTypesRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class FragmentsOnCompositeTypesRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("FragmentsOnCompositeTypesRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("FragmentsOnCompositeTypesRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("FragmentsOnCompositeTypesRule", name);
}
