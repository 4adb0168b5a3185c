using System.Diagnostics.CodeAnalysis;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Port of graphql-js <c>src/execution/__tests__/variables-test.ts</c> (plus <c>@oneOf</c> and JSON number cases).</summary>
public sealed class VariablesTests
{
    private const string Sdl = """
        scalar ComplexScalar

        input TestInputObject {
          a: String
          b: [String]
          c: String!
          d: ComplexScalar
        }

        input TestNestedInputObject {
          na: TestInputObject!
          nb: String!
        }

        input OneOfInput @oneOf {
          a: String
          b: Int
        }

        enum TestEnum {
          NULL
          CUSTOM
          DEFAULT_VALUE
        }

        type TestType {
          fieldWithEnumInput(input: TestEnum): String
          fieldWithNonNullableEnumInput(input: TestEnum!): String
          fieldWithObjectInput(input: TestInputObject): String
          fieldWithNullableStringInput(input: String): String
          fieldWithNonNullableStringInput(input: String!): String
          fieldWithDefaultArgumentValue(input: String = "Hello World"): String
          fieldWithNonNullableStringInputAndDefaultArgumentValue(input: String! = "Hello World"): String
          fieldWithNestedInputObject(input: TestNestedInputObject): String
          fieldWithOneOf(input: OneOfInput): String
          fieldWithInt(input: Int): String
          list(input: [String]): String
          nnList(input: [String]!): String
          listNN(input: [String!]): String
          nnListNN(input: [String!]!): String
        }

        schema { query: TestType }
        """;

    private static readonly Schema TestSchema = BuildSchema(Sdl, b =>
    {
        b.AddScalar(new ComplexScalar());
        foreach (var field in new[]
        {
            "fieldWithEnumInput", "fieldWithNonNullableEnumInput", "fieldWithObjectInput", "fieldWithNullableStringInput",
            "fieldWithNonNullableStringInput", "fieldWithDefaultArgumentValue", "fieldWithNonNullableStringInputAndDefaultArgumentValue",
            "fieldWithNestedInputObject", "fieldWithOneOf", "fieldWithInt", "list", "nnList", "listNN", "nnListNN",
        })
        {
            b.AddResolver("TestType." + field, ctx => ctx.Arguments.TryGetValue("input", out var input) ? Messages.Inspect(input) : null);
        }
    });

    private sealed class ComplexScalar() : ScalarType("ComplexScalar")
    {
        public override bool TrySerialize(object? runtimeValue, out object? resultValue, [NotNullWhen(false)] out string? error)
        {
            resultValue = runtimeValue;
            error = null;
            return true;
        }

        public override bool TryParseValue(object? inputValue, out object? runtimeValue, [NotNullWhen(false)] out string? error)
        {
            Assert.Equal("SerializedValue", inputValue);
            runtimeValue = "DeserializedValue";
            error = null;
            return true;
        }

        public override bool TryParseLiteral(IValueNode literal, out object? runtimeValue, [NotNullWhen(false)] out string? error)
        {
            Assert.Equal("SerializedValue", Assert.IsType<StringValueNode>(literal).Value);
            runtimeValue = "DeserializedValue";
            error = null;
            return true;
        }
    }

    private static ExecutionResult Run(string query, string? variables = null) =>
        Execute(TestSchema, query, variables: variables is null ? null : Vars(variables));

    [Fact]
    public void InlineStructExecutesWithComplexInput() =>
        AssertJson("""{ "data": { "fieldWithObjectInput": "{ a: \"foo\", b: [\"bar\"], c: \"baz\" }" } }""",
            Run("""{ fieldWithObjectInput(input: {a: "foo", b: ["bar"], c: "baz"}) }"""));

    [Fact]
    public void InlineStructParsesSingleValueToList() =>
        AssertJson("""{ "data": { "fieldWithObjectInput": "{ a: \"foo\", b: [\"bar\"], c: \"baz\" }" } }""",
            Run("""{ fieldWithObjectInput(input: {a: "foo", b: "bar", c: "baz"}) }"""));

    [Fact]
    public void InlineStructParsesNullValueToNull() =>
        AssertJson("""{ "data": { "fieldWithObjectInput": "{ a: null, b: null, c: \"C\", d: null }" } }""",
            Run("""{ fieldWithObjectInput(input: {a: null, b: null, c: "C", d: null}) }"""));

    [Fact]
    public void InlineStructParsesNullValueInList() =>
        AssertJson("""{ "data": { "fieldWithObjectInput": "{ b: [\"A\", null, \"C\"], c: \"C\" }" } }""",
            Run("""{ fieldWithObjectInput(input: {b: ["A",null,"C"], c: "C"}) }"""));

    [Fact]
    public void InlineStructDoesNotUseIncorrectValue() =>
        AssertJson("""
            { "data": { "fieldWithObjectInput": null },
              "errors": [ { "message": "Argument \"input\" has invalid value [\"foo\", \"bar\", \"baz\"].",
                            "path": ["fieldWithObjectInput"], "locations": [ { "line": 3, "column": 41 } ] } ] }
            """, Run("\n          {\n            fieldWithObjectInput(input: [\"foo\", \"bar\", \"baz\"])\n          }\n"));

    [Fact]
    public void InlineStructRunsParseLiteralOnComplexScalar() =>
        AssertJson("""{ "data": { "fieldWithObjectInput": "{ c: \"foo\", d: \"DeserializedValue\" }" } }""",
            Run("""{ fieldWithObjectInput(input: {c: "foo", d: "SerializedValue"}) }"""));

    private const string Doc = "\n        query ($input: TestInputObject) {\n          fieldWithObjectInput(input: $input)\n        }\n      ";

    [Fact]
    public void VariableExecutesWithComplexInput() =>
        AssertJson("""{ "data": { "fieldWithObjectInput": "{ a: \"foo\", b: [\"bar\"], c: \"baz\" }" } }""",
            Run(Doc, """{ "input": { "a": "foo", "b": ["bar"], "c": "baz" } }"""));

    [Fact]
    public void VariableUsesUndefinedWhenNotProvided() =>
        AssertJson("""{ "data": { "fieldWithNullableStringInput": null } }""",
            Run("query q($input: String) { fieldWithNullableStringInput(input: $input) }", "{}"));

    [Fact]
    public void VariableUsesNullWhenExplicitNull() =>
        AssertJson("""{ "data": { "fieldWithNullableStringInput": "null" } }""",
            Run("query q($input: String) { fieldWithNullableStringInput(input: $input) }", """{ "input": null }"""));

    [Fact]
    public void VariableUsesDefaultValueWhenNotProvided() =>
        AssertJson("""{ "data": { "fieldWithObjectInput": "{ a: \"foo\", b: [\"bar\"], c: \"baz\" }" } }""",
            Run("""query ($input: TestInputObject = {a: "foo", b: ["bar"], c: "baz"}) { fieldWithObjectInput(input: $input) }"""));

    [Fact]
    public void VariableDoesNotUseDefaultWhenProvided() =>
        AssertJson("""{ "data": { "fieldWithNullableStringInput": "\"Variable value\"" } }""",
            Run("""query q($input: String = "Default value") { fieldWithNullableStringInput(input: $input) }""", """{ "input": "Variable value" }"""));

    [Fact]
    public void VariableUsesExplicitNullInsteadOfDefault() =>
        AssertJson("""{ "data": { "fieldWithNullableStringInput": "null" } }""",
            Run("""query q($input: String = "Default value") { fieldWithNullableStringInput(input: $input) }""", """{ "input": null }"""));

    [Fact]
    public void VariableUsesNullDefaultWhenNotProvided() =>
        AssertJson("""{ "data": { "fieldWithNullableStringInput": "null" } }""",
            Run("query q($input: String = null) { fieldWithNullableStringInput(input: $input) }", "{}"));

    [Fact]
    public void VariableParsesSingleValueToList() =>
        AssertJson("""{ "data": { "fieldWithObjectInput": "{ a: \"foo\", b: [\"bar\"], c: \"baz\" }" } }""",
            Run(Doc, """{ "input": { "a": "foo", "b": "bar", "c": "baz" } }"""));

    [Fact]
    public void VariableExecutesWithComplexScalarInput() =>
        AssertJson("""{ "data": { "fieldWithObjectInput": "{ c: \"foo\", d: \"DeserializedValue\" }" } }""",
            Run(Doc, """{ "input": { "c": "foo", "d": "SerializedValue" } }"""));

    [Fact]
    public void VariableErrorsOnNullForNestedNonNull()
    {
        var result = Run(Doc, """{ "input": { "a": "foo", "b": "bar", "c": null } }""");
        AssertJson("""
            { "errors": [ { "message": "Variable \"$input\" got invalid value null at \"input.c\"; Expected non-nullable type \"String!\" not to be null.",
                            "locations": [ { "line": 2, "column": 16 } ] } ] }
            """, result);
        Assert.Equal(ErrorCodes.BadUserInput, result.Errors![0].Code);
        Assert.False(result.HasData);
    }

    [Fact]
    public void VariableErrorsOnIncorrectType() =>
        AssertJson("""
            { "errors": [ { "message": "Variable \"$input\" got invalid value \"foo bar\"; Expected type \"TestInputObject\" to be an object.",
                            "locations": [ { "line": 2, "column": 16 } ] } ] }
            """, Run(Doc, """{ "input": "foo bar" }"""));

    [Fact]
    public void VariableErrorsOnOmissionOfNestedNonNull() =>
        AssertJson("""
            { "errors": [ { "message": "Variable \"$input\" got invalid value { a: \"foo\", b: \"bar\" }; Field \"c\" of required type \"String!\" was not provided.",
                            "locations": [ { "line": 2, "column": 16 } ] } ] }
            """, Run(Doc, """{ "input": { "a": "foo", "b": "bar" } }"""));

    [Fact]
    public void VariableErrorsOnDeepNestedErrorsAndWithManyErrors() =>
        AssertJson("""
            { "errors": [
                { "message": "Variable \"$input\" got invalid value { a: \"foo\" } at \"input.na\"; Field \"c\" of required type \"String!\" was not provided.",
                  "locations": [ { "line": 2, "column": 18 } ] },
                { "message": "Variable \"$input\" got invalid value { na: { a: \"foo\" } }; Field \"nb\" of required type \"String!\" was not provided.",
                  "locations": [ { "line": 2, "column": 18 } ] } ] }
            """, Run("\n          query ($input: TestNestedInputObject) {\n            fieldWithNestedObjectInput(input: $input)\n          }\n        ", """{ "input": { "na": { "a": "foo" } } }"""));

    [Fact]
    public void VariableErrorsOnAdditionOfUnknownInputField() =>
        AssertJson("""
            { "errors": [ { "message": "Variable \"$input\" got invalid value { a: \"foo\", b: \"bar\", c: \"baz\", extra: \"dog\" }; Field \"extra\" is not defined by type \"TestInputObject\".",
                            "locations": [ { "line": 2, "column": 16 } ] } ] }
            """, Run(Doc, """{ "input": { "a": "foo", "b": "bar", "c": "baz", "extra": "dog" } }"""));

    [Fact]
    public void VariableUnknownInputFieldSuggestsCloseNames() =>
        AssertJson("""
            { "errors": [ { "message": "Variable \"$input\" got invalid value { c: \"x\", bb: \"y\" }; Field \"bb\" is not defined by type \"TestInputObject\". Did you mean \"b\"?",
                            "locations": [ { "line": 2, "column": 16 } ] } ] }
            """, Run(Doc, """{ "input": { "c": "x", "bb": "y" } }"""));

    [Fact]
    public void EnumLiteralsAndVariablesCoerceToNames()
    {
        AssertJson("""{ "data": { "customValue": "\"CUSTOM\"", "defaultValue": "\"DEFAULT_VALUE\"", "nn": "\"NULL\"" } }""",
            Run("{ customValue: fieldWithEnumInput(input: CUSTOM) defaultValue: fieldWithEnumInput(input: DEFAULT_VALUE) nn: fieldWithNonNullableEnumInput(input: NULL) }"));
        AssertJson("""{ "data": { "fieldWithEnumInput": "\"CUSTOM\"" } }""",
            Run("query ($e: TestEnum) { fieldWithEnumInput(input: $e) }", """{ "e": "CUSTOM" }"""));
    }

    [Fact]
    public void EnumVariableRejectsUnknownValueWithSuggestion() =>
        AssertJson("""
            { "errors": [ { "message": "Variable \"$e\" got invalid value \"CUSTOMS\"; Value \"CUSTOMS\" does not exist in \"TestEnum\" enum. Did you mean the enum value \"CUSTOM\"?",
                            "locations": [ { "line": 1, "column": 8 } ] } ] }
            """, Run("query ($e: TestEnum) { fieldWithEnumInput(input: $e) }", """{ "e": "CUSTOMS" }"""));

    [Fact]
    public void EnumVariableRejectsNonString() =>
        AssertJson("""
            { "errors": [ { "message": "Variable \"$e\" got invalid value 1; Enum \"TestEnum\" cannot represent non-string value: 1.",
                            "locations": [ { "line": 1, "column": 8 } ] } ] }
            """, Run("query ($e: TestEnum) { fieldWithEnumInput(input: $e) }", """{ "e": 1 }"""));

    [Fact]
    public void NullableScalarsMayBeOmitted()
    {
        AssertJson("""{ "data": { "fieldWithNullableStringInput": null } }""", Run("{ fieldWithNullableStringInput }"));
        AssertJson("""{ "data": { "fieldWithNullableStringInput": null } }""", Run("query ($value: String) { fieldWithNullableStringInput(input: $value) }"));
        AssertJson("""{ "data": { "fieldWithNullableStringInput": null } }""", Run("query { fieldWithNullableStringInput(input: $value) }"));
        AssertJson("""{ "data": { "fieldWithNullableStringInput": "null" } }""", Run("query ($value: String) { fieldWithNullableStringInput(input: $value) }", """{ "value": null }"""));
        AssertJson("""{ "data": { "fieldWithNullableStringInput": "\"a\"" } }""", Run("query ($value: String) { fieldWithNullableStringInput(input: $value) }", """{ "value": "a" }"""));
        AssertJson("""{ "data": { "fieldWithNullableStringInput": "\"a\"" } }""", Run("""{ fieldWithNullableStringInput(input: "a") }"""));
    }

    [Fact]
    public void NonNullableVariableMayBeOmittedGivenADefault()
    {
        AssertJson("""{ "data": { "fieldWithNullableStringInput": "\"default\"" } }""",
            Run("""query ($value: String! = "default") { fieldWithNullableStringInput(input: $value) }"""));
        AssertJson("""{ "data": { "fieldWithNonNullableStringInput": "\"default\"" } }""",
            Run("""query ($value: String = "default") { fieldWithNonNullableStringInput(input: $value) }"""));
    }

    [Fact]
    public void NonNullableVariableMayNotBeOmitted() =>
        AssertJson("""
            { "errors": [ { "message": "Variable \"$value\" of required type \"String!\" was not provided.", "locations": [ { "line": 2, "column": 16 } ] } ] }
            """, Run("\n        query ($value: String!) {\n          fieldWithNonNullableStringInput(input: $value)\n        }\n      "));

    [Fact]
    public void NonNullableVariableMayNotBeNull() =>
        AssertJson("""
            { "errors": [ { "message": "Variable \"$value\" of non-null type \"String!\" must not be null.", "locations": [ { "line": 2, "column": 16 } ] } ] }
            """, Run("\n        query ($value: String!) {\n          fieldWithNonNullableStringInput(input: $value)\n        }\n      ", """{ "value": null }"""));

    [Fact]
    public void ReportsErrorForMissingNonNullableArgument() =>
        AssertJson("""
            { "data": { "fieldWithNonNullableStringInput": null },
              "errors": [ { "message": "Argument \"input\" of required type \"String!\" was not provided.", "locations": [ { "line": 1, "column": 3 } ], "path": ["fieldWithNonNullableStringInput"] } ] }
            """, Run("{ fieldWithNonNullableStringInput }"));

    [Fact]
    public void ReportsErrorForNonProvidedVariableForNonNullableArgument() =>
        AssertJson("""
            { "data": { "fieldWithNonNullableStringInput": null },
              "errors": [ { "message": "Argument \"input\" of required type \"String!\" was provided the variable \"$foo\" which was not provided a runtime value.",
                            "locations": [ { "line": 3, "column": 50 } ], "path": ["fieldWithNonNullableStringInput"] } ] }
            """, Run("\n        {\n          fieldWithNonNullableStringInput(input: $foo)\n        }\n      "));

    private const string ListDoc = "\n        query ($input: {0}) {\n          {1}(input: $input)\n        }\n      ";

    private static ExecutionResult RunList(string type, string field, string variables) =>
        Run(ListDoc.Replace("{0}", type, StringComparison.Ordinal).Replace("{1}", field, StringComparison.Ordinal), variables);

    [Fact]
    public void ListsAndNullability()
    {
        AssertJson("""{ "data": { "list": "null" } }""", RunList("[String]", "list", """{ "input": null }"""));
        AssertJson("""{ "data": { "list": "[\"A\"]" } }""", RunList("[String]", "list", """{ "input": ["A"] }"""));
        AssertJson("""{ "data": { "list": "[\"A\", null, \"B\"]" } }""", RunList("[String]", "list", """{ "input": ["A", null, "B"] }"""));
        AssertJson("""{ "errors": [ { "message": "Variable \"$input\" of non-null type \"[String]!\" must not be null.", "locations": [ { "line": 2, "column": 16 } ] } ] }""",
            RunList("[String]!", "nnList", """{ "input": null }"""));
        AssertJson("""{ "data": { "nnList": "[\"A\"]" } }""", RunList("[String]!", "nnList", """{ "input": ["A"] }"""));
        AssertJson("""{ "data": { "nnList": "[\"A\", null, \"B\"]" } }""", RunList("[String]!", "nnList", """{ "input": ["A", null, "B"] }"""));
        AssertJson("""{ "data": { "listNN": "null" } }""", RunList("[String!]", "listNN", """{ "input": null }"""));
        AssertJson("""{ "data": { "listNN": "[\"A\"]" } }""", RunList("[String!]", "listNN", """{ "input": ["A"] }"""));
        AssertJson("""{ "errors": [ { "message": "Variable \"$input\" got invalid value null at \"input[1]\"; Expected non-nullable type \"String!\" not to be null.", "locations": [ { "line": 2, "column": 16 } ] } ] }""",
            RunList("[String!]", "listNN", """{ "input": ["A", null, "B"] }"""));
        AssertJson("""{ "errors": [ { "message": "Variable \"$input\" of non-null type \"[String!]!\" must not be null.", "locations": [ { "line": 2, "column": 16 } ] } ] }""",
            RunList("[String!]!", "nnListNN", """{ "input": null }"""));
        AssertJson("""{ "data": { "nnListNN": "[\"A\"]" } }""", RunList("[String!]!", "nnListNN", """{ "input": ["A"] }"""));
        AssertJson("""{ "errors": [ { "message": "Variable \"$input\" got invalid value null at \"input[1]\"; Expected non-nullable type \"String!\" not to be null.", "locations": [ { "line": 2, "column": 16 } ] } ] }""",
            RunList("[String!]!", "nnListNN", """{ "input": ["A", null, "B"] }"""));
        AssertJson("""{ "data": { "list": "[\"A\"]" } }""", RunList("[String]", "list", """{ "input": "A" }"""));
    }

    [Fact]
    public void InvalidAndUnknownTypesCannotBeUsedAsValues()
    {
        AssertJson("""{ "errors": [ { "message": "Variable \"$input\" expected value of type \"TestType!\" which cannot be used as an input type.", "locations": [ { "line": 2, "column": 24 } ] } ] }""",
            Run("\n        query ($input: TestType!) {\n          fieldWithObjectInput(input: $input)\n        }\n      ", """{ "input": { "list": ["A", "B"] } }"""));
        AssertJson("""{ "errors": [ { "message": "Variable \"$input\" expected value of type \"UnknownType!\" which cannot be used as an input type.", "locations": [ { "line": 2, "column": 24 } ] } ] }""",
            Run("\n        query ($input: UnknownType!) {\n          fieldWithObjectInput(input: $input)\n        }\n      ", """{ "input": "WhoKnows" }"""));
    }

    [Fact]
    public void UsesArgumentDefaultValues()
    {
        AssertJson("""{ "data": { "fieldWithDefaultArgumentValue": "\"Hello World\"" } }""", Run("{ fieldWithDefaultArgumentValue }"));
        AssertJson("""{ "data": { "fieldWithDefaultArgumentValue": "\"Hello World\"" } }""",
            Run("query ($optional: String) { fieldWithDefaultArgumentValue(input: $optional) }"));
        AssertJson("""
            { "data": { "fieldWithDefaultArgumentValue": null },
              "errors": [ { "message": "Argument \"input\" has invalid value WRONG_TYPE.", "locations": [ { "line": 3, "column": 48 } ], "path": ["fieldWithDefaultArgumentValue"] } ] }
            """, Run("\n        {\n          fieldWithDefaultArgumentValue(input: WRONG_TYPE)\n        }\n      "));
        AssertJson("""{ "data": { "fieldWithNonNullableStringInputAndDefaultArgumentValue": "\"Hello World\"" } }""",
            Run("query optionalVariable($optional: String) { fieldWithNonNullableStringInputAndDefaultArgumentValue(input: $optional) }"));
    }

    [Fact]
    public void VariablesInsideListAndObjectLiterals()
    {
        AssertJson("""{ "data": { "fieldWithObjectInput": "{ a: \"x\", b: [\"y\", null], c: \"z\" }" } }""",
            Run("""query ($a: String, $b: String, $missing: String, $c: String!) { fieldWithObjectInput(input: {a: $a, b: [$b, $missing], c: $c}) }""",
                """{ "a": "x", "b": "y", "c": "z" }"""));

        // An absent variable in an object field is "not provided" (field omitted), not null.
        AssertJson("""{ "data": { "fieldWithObjectInput": "{ c: \"z\" }" } }""",
            Run("""query ($a: String, $c: String!) { fieldWithObjectInput(input: {a: $a, c: $c}) }""", """{ "c": "z" }"""));
    }

    [Fact]
    public void CollectsAllVariableErrorsUpToTheLimit()
    {
        var result = Run("query ($input: [String!]) { listNN(input: $input) }", """{ "input": [0, 1, 2] }""");
        Assert.False(result.HasData);
        Assert.Equal(3, result.Errors!.Count);
        Assert.All(result.Errors, e => Assert.StartsWith("Variable \"$input\" got invalid value ", e.Message, StringComparison.Ordinal));
        Assert.Contains("at \"input[2]\"; ", result.Errors[2].Message, StringComparison.Ordinal);

        var many = "[" + string.Join(", ", Enumerable.Range(0, 60)) + "]";
        var limited = Run("query ($input: [String!]) { listNN(input: $input) }", $$"""{ "input": {{many}} }""");
        Assert.Equal(51, limited.Errors!.Count);
        Assert.Equal("Too many errors processing variables, error limit reached. Execution aborted.", limited.Errors[^1].Message);
    }

    [Fact]
    public void OneOfInputObjects()
    {
        const string Query = "query ($input: OneOfInput) { fieldWithOneOf(input: $input) }";
        AssertJson("""{ "data": { "fieldWithOneOf": "{ a: \"x\" }" } }""", Run(Query, """{ "input": { "a": "x" } }"""));
        AssertJson("""
            { "errors": [ { "message": "Variable \"$input\" got invalid value { a: \"x\", b: 1 }; Exactly one key must be specified for OneOf type \"OneOfInput\".",
                            "locations": [ { "line": 1, "column": 8 } ] } ] }
            """, Run(Query, """{ "input": { "a": "x", "b": 1 } }"""));
        AssertJson("""
            { "errors": [ { "message": "Variable \"$input\" got invalid value null at \"input.a\"; Field \"a\" must be non-null.",
                            "locations": [ { "line": 1, "column": 8 } ] } ] }
            """, Run(Query, """{ "input": { "a": null } }"""));
        AssertJson("""{ "data": { "fieldWithOneOf": "{ b: 2 }" } }""", Run("{ fieldWithOneOf(input: {b: 2}) }"));
        AssertJson("""
            { "data": { "fieldWithOneOf": null },
              "errors": [ { "message": "Argument \"input\" has invalid value {a: \"x\", b: 2}.", "locations": [ { "line": 1, "column": 25 } ], "path": ["fieldWithOneOf"] } ] }
            """, Run("""{ fieldWithOneOf(input: {a: "x", b: 2}) }"""));
    }

    [Fact]
    public void IntegralJsonNumbersAreIntegers()
    {
        const string Query = "query ($i: Int) { fieldWithInt(input: $i) }";
        AssertJson("""{ "data": { "fieldWithInt": "1" } }""", Run(Query, """{ "i": 1.0 }"""));
        AssertJson("""{ "data": { "fieldWithInt": "1000" } }""", Run(Query, """{ "i": 1e3 }"""));
        var result = Run(Query, """{ "i": 1.5 }""");
        Assert.False(result.HasData);
        Assert.StartsWith("Variable \"$i\" got invalid value 1.5; ", result.Errors![0].Message, StringComparison.Ordinal);
    }
}
