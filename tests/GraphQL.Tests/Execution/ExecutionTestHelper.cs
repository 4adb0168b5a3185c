using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Builds schemas from SDL, executes documents and compares results as JSON (graphql-js <c>expectJSON</c> style).</summary>
internal static class ExecutionTestHelper
{
    public static Schema BuildSchema(string sdl, Action<SchemaBuilder>? configure = null, bool defaultResolvers = true)
    {
        var builder = new SchemaBuilder().AddTypeDefinitions(sdl);
        if (defaultResolvers)
        {
            builder.UseDefaultResolvers();
        }

        configure?.Invoke(builder);
        return builder.Build();
    }

    public static ExecutionResult Execute(
        Schema schema,
        string query,
        object? rootValue = null,
        IReadOnlyDictionary<string, object?>? variables = null,
        string? operationName = null) =>
        ExecuteAsync(schema, query, rootValue, variables, operationName).AsTask().GetAwaiter().GetResult();

    public static ValueTask<ExecutionResult> ExecuteAsync(
        Schema schema,
        string query,
        object? rootValue = null,
        IReadOnlyDictionary<string, object?>? variables = null,
        string? operationName = null) =>
        Executor.ExecuteAsync(new ExecutionRequest
        {
            Schema = schema,
            Document = Parser.Parse(query),
            RootValue = rootValue,
            VariableValues = variables,
            OperationName = operationName,
        });

    /// <summary>Variables from a JSON object literal, as a transport would pass them.</summary>
    public static IReadOnlyDictionary<string, object?> Vars(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonInput.ToDictionary(document.RootElement);
    }

    /// <summary>Asserts the result equals <paramref name="expectedJson"/> (errors without extensions unless the expectation has them).</summary>
    public static void AssertJson(string expectedJson, ExecutionResult result, bool unorderedErrors = false)
    {
        var expected = JsonNode.Parse(expectedJson)!;
        var includeExtensions = expectedJson.Contains("\"extensions\"", StringComparison.Ordinal);
        var actual = JsonNode.Parse(ToJson(result, includeExtensions))!;
        if (unorderedErrors)
        {
            SortErrors(expected);
            SortErrors(actual);
        }

        Assert.True(
            JsonNode.DeepEquals(expected, actual),
            $"Expected:\n{expected.ToJsonString()}\nActual:\n{actual.ToJsonString()}");
    }

    private static void SortErrors(JsonNode node)
    {
        if (node["errors"] is JsonArray errors)
        {
            var sorted = errors
                .Select(e => e!.ToJsonString())
                .OrderBy(e => JsonNode.Parse(e)!["message"]?.ToJsonString() + JsonNode.Parse(e)!["path"]?.ToJsonString(), StringComparer.Ordinal)
                .ToList();
            errors.Clear();
            foreach (var e in sorted)
            {
                errors.Add(JsonNode.Parse(e));
            }
        }
    }

    public static string ToJson(ExecutionResult result, bool includeExtensions = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            if (result.Errors is { } errors)
            {
                writer.WritePropertyName("errors");
                writer.WriteStartArray();
                foreach (var error in errors)
                {
                    writer.WriteStartObject();
                    writer.WriteString("message", error.Message);
                    if (error.Locations is { } locations)
                    {
                        writer.WritePropertyName("locations");
                        writer.WriteStartArray();
                        foreach (var location in locations)
                        {
                            writer.WriteStartObject();
                            writer.WriteNumber("line", location.Line);
                            writer.WriteNumber("column", location.Column);
                            writer.WriteEndObject();
                        }

                        writer.WriteEndArray();
                    }

                    if (error.Path is { } path)
                    {
                        writer.WritePropertyName("path");
                        WriteValue(writer, path);
                    }

                    if (includeExtensions)
                    {
                        writer.WritePropertyName("extensions");
                        WriteValue(writer, error.Extensions);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (result.HasData)
            {
                writer.WritePropertyName("data");
                WriteValue(writer, result.Data);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string DataJson(ExecutionResult result)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteValue(writer, result.Data);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, item);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
