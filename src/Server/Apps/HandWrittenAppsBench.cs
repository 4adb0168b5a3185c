using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using CrowNest.Platform;
using CrowNest.Platform.Auth;
using CrowNest.Server.Http;
using Npgsql;
using NpgsqlTypes;

namespace CrowNest.Server.Apps;

/// <summary>
/// Bench-only baseline for issue #4 Done-means 3b (<c>bench/apps/graphql-vs-npgsql.mjs</c>): what a hand-written
/// endpoint for one fixed GraphQL query costs. <c>GET /bench/apps?status=draft</c> answers exactly the JSON that
/// <c>{ apps(first: 20, filter: { status: { eq: $status } }, orderBy: [{ createdAt: desc }]) { nodes { id name
/// description handle status createdAt } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }</c>
/// answers, with one raw SQL statement (same visibility rule, filter, order and LIMIT 21) and a
/// <see cref="Utf8JsonWriter"/>. It sits behind the same API-key authentication as <c>/graphql</c> and is mapped only
/// when <c>Bench:HandWrittenApps</c> is true, so production servers never expose it.
/// </summary>
public static class HandWrittenAppsBench
{
    public const string ConfigKey = "Bench:HandWrittenApps";

    private const int PageSize = 20;

    // The order signature KeysetPager binds cursors to for [{ createdAt: desc }] (id tiebreaker follows desc).
    private const string OrderSignature = "createdAt:desc_nulls_first,id:desc_nulls_last";

    // Visibility as in Platform/Auth/Visibility.cs: workspaces of the key's organization the user is a member of, or
    // all of them for organization owners/admins.
    private const string Sql = """
        SELECT a.id, a.name, a.description, a.handle, a.status, a.created_at
        FROM apps a
        WHERE a.deleted_at IS NULL AND a.status = $3
          AND EXISTS (
            SELECT 1 FROM workspaces w
            WHERE w.id = a.workspace_id AND w.organization_id = $1
              AND (EXISTS (SELECT 1 FROM organization_members m
                           WHERE m.organization_id = $1 AND m.user_id = $2 AND m.role IN ('owner', 'admin'))
                   OR EXISTS (SELECT 1 FROM workspace_members wm WHERE wm.workspace_id = w.id AND wm.user_id = $2)))
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT 21
        """;

    public static IEndpointRouteBuilder MapHandWrittenAppsBench(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<bool>(ConfigKey))
        {
            endpoints.MapGet("/bench/apps", HandleAsync).RequireAuthorization();
            // Load-insensitive counters the benchmark reads around each run (allocation per request).
            endpoints.MapGet("/bench/stats", () => Results.Json(new BenchStats(GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0))))
                .RequireAuthorization();
        }

        return endpoints;
    }

    private static async Task HandleAsync(HttpContext http, NpgsqlDataSource dataSource)
    {
        var caller = http.User.ToCaller();
        if (!caller.Has(Scopes.AppRead) && !caller.Has(Scopes.AppWrite))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        var status = http.Request.Query["status"].ToString();
        var rows = new List<(string Id, string Name, string? Description, string Handle, string Status, DateTimeOffset CreatedAt)>(PageSize + 1);
        await using (var cmd = dataSource.CreateCommand(Sql))
        {
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.OrganizationId, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = caller.UserId, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status, NpgsqlDbType = NpgsqlDbType.Text });
            await using var reader = await cmd.ExecuteReaderAsync(http.RequestAborted);
            while (await reader.ReadAsync(http.RequestAborted))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }

        var hasNext = rows.Count > PageSize;
        if (hasNext)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var buffer = new ArrayBufferWriter<byte>(8192);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("data");
            json.WriteStartObject("apps");
            json.WriteStartArray("nodes");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteString("id", row.Id);
                json.WriteString("name", row.Name);
                json.WriteString("description", row.Description);
                json.WriteString("handle", row.Handle);
                json.WriteString("status", row.Status);
                json.WriteString("createdAt", Timestamps.Format(row.CreatedAt));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("pageInfo");
            json.WriteBoolean("hasNextPage", hasNext);
            json.WriteBoolean("hasPreviousPage", false);
            if (rows.Count > 0)
            {
                json.WriteString("startCursor", Cursor(rows[0].CreatedAt, rows[0].Id));
                json.WriteString("endCursor", Cursor(rows[^1].CreatedAt, rows[^1].Id));
            }
            else
            {
                json.WriteNull("startCursor");
                json.WriteNull("endCursor");
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = buffer.WrittenCount;
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted);
    }

    private sealed record BenchStats(long AllocatedBytes, int Gen0Collections);

    /// <summary>The cursor format of KeysetPager: base64url of <c>{"o": signature, "k": [utc ticks, id]}</c>.</summary>
    private static string Cursor(DateTimeOffset createdAt, string id)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("o", OrderSignature);
            json.WriteStartArray("k");
            json.WriteNumberValue(createdAt.UtcTicks);
            json.WriteStringValue(id);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Base64Url.EncodeToString(buffer.WrittenSpan);
    }
}
