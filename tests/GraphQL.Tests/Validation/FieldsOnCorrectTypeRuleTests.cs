namespace CrowNest.GraphQL.Tests.Validation;

/// <summary><c>FieldsOnCorrectTypeRule</c> against graphql-js 16 on the cases in TestData/cases.mjs (ported from graphql-js's rule tests).</summary>
public sealed class FieldsOnCorrectTypeRuleTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("FieldsOnCorrectTypeRule");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertRule("FieldsOnCorrectTypeRule", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("FieldsOnCorrectTypeRule", name);
}
