namespace CrowNest.GraphQL.Tests.Validation;

/// <summary>250 seeded random documents that follow the schema types (TestData/cases.mjs) validated with every rule, compared with graphql-js 16.</summary>
public sealed class TypedRandomDocumentsTests
{
    public static TheoryData<string> Cases => GraphQLJsCases.Names("TypedRandom");

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllRulesReportTheSameErrorsAsGraphQLJs(string name) => GraphQLJsCases.AssertAllRules("TypedRandom", name);
}
