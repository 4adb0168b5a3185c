using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Tests.TestSupport;
using CrowNest.GraphQL.Validation;
using CrowNest.GraphQL.Validation.Rules;

namespace CrowNest.GraphQL.Tests.Validation;

public sealed class DocumentValidatorTests
{
    private static readonly GraphQL.Types.Schema Harness = GraphQLJsCases.GetSchema("harness");

    [Fact]
    public void TheFullIntrospectionQueryIsValidAndCheap()
    {
        var document = Parser.Parse(TestFiles.Read("TestData/introspection.graphql"));
        var result = DocumentValidator.Run(Harness, document);
        Assert.Empty(result.Errors);
        Assert.False(result.Aborted);

        // Visits each node a small constant number of times (the main walk, variable usages and fragment checks).
        Assert.InRange(result.WorkUnits, 100, 3000);
    }

    [Fact]
    public void StopsAtMaxErrorsWithAFinalLimitError()
    {
        var document = Parser.Parse("{ a b c d e }");
        var errors = DocumentValidator.Validate(Harness, document, new ValidationOptions { MaxErrors = 2 });
        Assert.Equal(
            [
                "Cannot query field \"a\" on type \"QueryRoot\".",
                "Cannot query field \"b\" on type \"QueryRoot\".",
                "Too many validation errors, error limit reached. Validation aborted.",
            ],
            errors.Select(e => e.Message));
        Assert.All(errors, e => Assert.Equal(ErrorCodes.ValidationFailed, e.Code));
        Assert.True(DocumentValidator.Run(Harness, document, new ValidationOptions { MaxErrors = 2 }).Aborted);
    }

    [Fact]
    public void DefaultErrorLimitIs100()
    {
        var query = "{ " + string.Join(" ", Enumerable.Range(0, 150).Select(i => $"f{i}")) + " }";
        var errors = DocumentValidator.Validate(Harness, Parser.Parse(query));
        Assert.Equal(101, errors.Count);
        Assert.Equal("Too many validation errors, error limit reached. Validation aborted.", errors[^1].Message);
    }

    [Fact]
    public void HideSuggestionsRemovesDidYouMean()
    {
        var document = Parser.Parse("{ dog { nam } }");
        Assert.Equal(
            "Cannot query field \"nam\" on type \"Dog\". Did you mean \"name\"?",
            Assert.Single(DocumentValidator.Validate(Harness, document)).Message);
        Assert.Equal(
            "Cannot query field \"nam\" on type \"Dog\".",
            Assert.Single(DocumentValidator.Validate(Harness, document, new ValidationOptions { HideSuggestions = true })).Message);
    }

    [Fact]
    public void RunsOnlyTheGivenRules()
    {
        var document = Parser.Parse("query Q($unused: Int) { unknownField }");
        var errors = DocumentValidator.Validate(Harness, document, new ValidationOptions { Rules = [c => new NoUnusedVariablesRule(c)] });
        Assert.Equal("Variable \"$unused\" is never used in operation \"Q\".", Assert.Single(errors).Message);
    }

    [Fact]
    public void CustomRulesSeeTypeInformation()
    {
        var seen = new List<string>();
        var options = new ValidationOptions { Rules = [c => new RecordingRule(c, seen)] };
        DocumentValidator.Validate(Harness, Parser.Parse("{ dog { name(surname: true) } }"), options);
        Assert.Equal(["dog:QueryRoot:Dog", "name:Dog:String", "arg surname:Boolean"], seen);
    }

    [Fact]
    public void ValidDocumentsHaveNoErrors()
    {
        var document = Parser.Parse("""
            query Q($id: ID, $cmd: DogCommand = SIT, $skip: Boolean!) {
              human(id: $id) { name pets { name ... on Dog { doesKnowCommand(dogCommand: $cmd) } } relatives { name } }
              dog @skip(if: $skip) { ...DogFields mother { ...DogFields } }
              catOrDog { __typename ... on Cat { furColor } ... on Dog { barkVolume } }
              complicatedArgs { complexArgField(complexArg: { requiredField: true, stringListField: ["a", null] }) oneOfArgField(oneOfArg: { intField: 1 }) }
            }
            fragment DogFields on Dog { name nickname isHouseTrained(atOtherHomes: false) }
            """);
        var result = DocumentValidator.Run(Harness, document);
        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
    }

    private sealed class RecordingRule(ValidationContext context, List<string> seen) : ValidationRule(context)
    {
        public override void EnterField(FieldNode node) =>
            seen.Add($"{node.Name.Value}:{Context.ParentType?.Name}:{Context.Type}");

        public override void EnterArgument(ArgumentNode node) =>
            seen.Add($"arg {node.Name.Value}:{Context.InputType}");
    }
}
