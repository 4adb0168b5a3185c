using System.Collections.Concurrent;
using System.Text.Json;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Tests.TestSupport;
using CrowNest.GraphQL.Types;
using CrowNest.GraphQL.Validation;

namespace CrowNest.GraphQL.Tests.Validation;

/// <summary>
/// Cases in TestData/cases.mjs with the errors graphql-js 16 reports for them (TestData/expected/*.json, produced by
/// TestData/generate.mjs). Tests compare our errors with graphql-js's: same count, same locations, same messages.
/// </summary>
public static class GraphQLJsCases
{
    private static readonly ConcurrentDictionary<string, Schema> Schemas = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, IReadOnlyList<JsCase>> Files = new(StringComparer.Ordinal);

    public static Schema GetSchema(string name) =>
        Schemas.GetOrAdd(name, n => new SchemaBuilder().AddTypeDefinitions(TestFiles.Read($"TestData/{n}.graphql")).UseDefaultResolvers().Build());

    public static IReadOnlyList<JsCase> Load(string ruleName) =>
        Files.GetOrAdd(ruleName, r =>
        {
            using var json = JsonDocument.Parse(TestFiles.Read($"TestData/expected/{r}.json"));
            var list = new List<JsCase>();
            foreach (var item in json.RootElement.EnumerateArray())
            {
                list.Add(new JsCase(
                    item.GetProperty("name").GetString()!,
                    item.GetProperty("schema").GetString()!,
                    item.GetProperty("query").GetString()!,
                    ReadErrors(item.GetProperty("errors")),
                    ReadErrors(item.GetProperty("allErrors"))!));
            }

            return list;
        });

    public static TheoryData<string> Names(string ruleName)
    {
        var data = new TheoryData<string>();
        foreach (var c in Load(ruleName))
        {
            data.Add(c.Name);
        }

        return data;
    }

    public static ValidationRuleFactory Factory(string ruleName)
    {
        var type = typeof(DocumentValidator).Assembly.GetType($"CrowNest.GraphQL.Validation.Rules.{ruleName}", throwOnError: true)!;
        return context => (ValidationRule)Activator.CreateInstance(type, context)!;
    }

    /// <summary>Runs only <paramref name="ruleName"/> and compares with graphql-js.</summary>
    public static void AssertRule(string ruleName, string caseName)
    {
        var c = Find(ruleName, caseName);
        var options = new ValidationOptions { Rules = [Factory(ruleName)] };
        var actual = DocumentValidator.Validate(GetSchema(c.Schema), Parser.Parse(c.Query), options);
        AssertSame(c.Errors ?? throw new InvalidOperationException("graphql-js has no such rule"), actual, c.Query);
    }

    /// <summary>Runs every rule graphql-js 16 runs and compares with graphql-js's full validation.</summary>
    public static void AssertAllRules(string ruleName, string caseName)
    {
        var c = Find(ruleName, caseName);
        var rules = new List<ValidationRuleFactory>();
        foreach (var factory in DocumentValidator.SpecifiedRules)
        {
            rules.Add(factory);
        }

        // graphql-js 16 has no KnownOperationTypesRule (it fails such operations at execution instead).
        rules.RemoveAt(3);
        var actual = DocumentValidator.Validate(GetSchema(c.Schema), Parser.Parse(c.Query), new ValidationOptions { Rules = rules });
        AssertSame(c.AllErrors, actual, c.Query);
    }

    public static JsCase Find(string ruleName, string caseName)
    {
        foreach (var c in Load(ruleName))
        {
            if (c.Name == caseName)
            {
                return c;
            }
        }

        throw new InvalidOperationException($"No case '{caseName}' for {ruleName}.");
    }

    public static void AssertSame(IReadOnlyList<JsError> expected, IReadOnlyList<GraphQLError> actual, string query)
    {
        var expectedText = string.Join("\n", expected.Select(e => Format(e.Message, e.Locations)));
        var actualText = string.Join("\n", actual.Select(e => Format(e.Message, e.Locations?.Select(l => (l.Line, l.Column)).ToList() ?? [])));
        Assert.True(expectedText == actualText, $"Query:\n{query}\n\nExpected (graphql-js):\n{expectedText}\n\nActual:\n{actualText}");
        foreach (var error in actual)
        {
            Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        }
    }

    private static string Format(string message, IReadOnlyList<(int Line, int Column)> locations) =>
        message + " @ " + string.Join(" ", locations.Select(l => $"{l.Line}:{l.Column}"));

    private static List<JsError>? ReadErrors(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var list = new List<JsError>();
        foreach (var e in element.EnumerateArray())
        {
            var locations = new List<(int, int)>();
            foreach (var l in e.GetProperty("locations").EnumerateArray())
            {
                locations.Add((l[0].GetInt32(), l[1].GetInt32()));
            }

            list.Add(new JsError(e.GetProperty("message").GetString()!, locations));
        }

        return list;
    }
}

public sealed record JsCase(string Name, string Schema, string Query, IReadOnlyList<JsError>? Errors, IReadOnlyList<JsError> AllErrors);

public sealed record JsError(string Message, IReadOnlyList<(int Line, int Column)> Locations);
