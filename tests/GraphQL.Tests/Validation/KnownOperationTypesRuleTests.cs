using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Validation;
using CrowNest.GraphQL.Validation.Rules;

namespace CrowNest.GraphQL.Tests.Validation;

/// <summary>
/// <c>KnownOperationTypesRule</c> (spec draft "Operation Type Existence", graphql-js 17) has no graphql-js 16
/// counterpart, so its expectations are written here (graphql-js 17 messages and locations).
/// </summary>
public sealed class KnownOperationTypesRuleTests
{
    private static readonly ValidationOptions Only = new() { Rules = [c => new KnownOperationTypesRule(c)] };

    [Theory]
    [InlineData("{ dog { name } }")]
    [InlineData("query Q { dog { name } }")]
    public void QueriesAreAlwaysSupported(string query) =>
        Assert.Empty(DocumentValidator.Validate(GraphQLJsCases.GetSchema("harness"), Parser.Parse(query), Only));

    [Theory]
    [InlineData("mutation { dog { name } }", "mutation", 1, 1)]
    [InlineData("\n  subscription S { dog { name } }", "subscription", 2, 3)]
    public void ReportsOperationsTheSchemaDoesNotSupport(string query, string kind, int line, int column)
    {
        var errors = DocumentValidator.Validate(GraphQLJsCases.GetSchema("harness"), Parser.Parse(query), Only);
        var error = Assert.Single(errors);
        Assert.Equal($"The {kind} operation is not supported by the schema.", error.Message);
        Assert.Equal([new SourceLocation(line, column)], error.Locations);
        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
    }

    [Fact]
    public void AcceptsEveryKindOnASchemaWithAllRoots() =>
        Assert.Empty(DocumentValidator.Validate(
            GraphQLJsCases.GetSchema("directives"),
            Parser.Parse("query A { dummy } mutation B { dummy } subscription C { dummy }"),
            Only));

    [Fact]
    public void IsPartOfTheDefaultRules()
    {
        var errors = DocumentValidator.Validate(GraphQLJsCases.GetSchema("harness"), Parser.Parse("mutation M { dog { name } }"));
        Assert.Equal("The mutation operation is not supported by the schema.", Assert.Single(errors).Message);
    }
}
