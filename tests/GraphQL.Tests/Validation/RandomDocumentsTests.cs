namespace CrowNest.GraphQL.Tests.Validation;

/// <summary>400 seeded random documents (TestData/cases.mjs) validated with every rule, compared with graphql-js 16.</summary>
public sealed class RandomDocumentsTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("Random");

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("Random", name);
}
