using System.Net;
using System.Text.Json;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>GraphQL over POST /graphql with an API key, and assertions on the result's data or error code.</summary>
public static class GraphQLAssert
{
    public static async Task<JsonElement> GraphQLAsync(this HttpClient client, string key, string query, object? variables = null)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/graphql", key, new { query, variables });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /graphql: {(int)response.StatusCode} {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public static JsonElement Data(JsonElement result)
    {
        Assert.False(result.TryGetProperty("errors", out var errors), "unexpected errors: " + errors);
        return result.GetProperty("data");
    }

    public static void AssertCode(JsonElement result, string code)
    {
        Assert.True(result.TryGetProperty("errors", out var errors), $"expected {code}, got {result}");
        Assert.Equal(code, errors[0].GetProperty("extensions").GetProperty("code").GetString());
    }
}
