namespace CrowNest.GraphQL.Tests.Validation;

/// <summary>Documents that trip many rules at once, compared with graphql-js 16's full <c>specifiedRules</c> run.</summary>
public sealed class SpecifiedRulesTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("AllRules");

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("AllRules", name);
}
