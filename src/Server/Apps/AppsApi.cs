using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using CrowNest.Platform;
using CrowNest.Platform.Apps;
using CrowNest.Platform.Data;
using CrowNest.Platform.Querying;
using CrowNest.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrowNest.Server.Apps;

/// <summary>
/// REST <c>/api/apps</c>. Visibility: apps in workspaces of the caller's organization that the caller's user is a
/// member of, or every workspace of that organization for org owners/admins. Anything else is indistinguishable
/// from absent: a foreign <c>workspace_id</c> lists nothing (200, empty), a foreign id is 404 <c>not_found</c>.
/// </summary>
public static class AppsApi
{
    public sealed record AppDto(
        string Id,
        string WorkspaceId,
        string Name,
        string? Description,
        string Handle,
        string? DefaultVersionId,
        string Status,
        bool PublicAccess,
        string? PagesProjectId,
        string? ApiKeyId,
        JsonElement Config,
        string? CreatedBy,
        string? DeletedAt,
        string? RetentionTier,
        string CreatedAt,
        string UpdatedAt);

    public sealed record PageInfoDto(long? Total, bool HasNextPage, bool HasPreviousPage, string? StartCursor, string? EndCursor);

    public sealed record AppListDto(IReadOnlyList<AppDto> Data, PageInfoDto PageInfo);

    private const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapAppsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/apps").RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapGet("/{id}", GetAsync);
        return endpoints;
    }

    internal static async Task<Results<Ok<AppListDto>, ApiError>> ListAsync(HttpRequest request, ClaimsPrincipal principal, AppService apps, CancellationToken ct)
    {
        var q = request.Query;
        try
        {
            var limit = MaxLimit;
            if (q.TryGetValue("limit", out var limitText)
                && (!int.TryParse(limitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            {
                return Invalid($"limit: must be an integer between 1 and {MaxLimit}");
            }

            string? after = q.TryGetValue("after", out var a) ? a.ToString() : null;
            string? before = q.TryGetValue("before", out var b) ? b.ToString() : null;
            if (after is not null && before is not null)
            {
                return Invalid("after and before cannot be combined");
            }

            var descriptor = AppQueryDescriptor.Instance;
            var filters = new List<FilterNode>();
            if (q.TryGetValue("filter", out var filterText) && !string.IsNullOrWhiteSpace(filterText))
            {
                filters.Add(FilterParser.Parse(filterText.ToString(), descriptor));
            }

            var order = OrderByParser.Parse(q.TryGetValue("orderBy", out var orderText) ? orderText.ToString() : null, descriptor);
            if (q.TryGetValue("ids", out var idsText))
            {
                var ids = idsText.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                filters.Add(new FieldFilter(descriptor.Fields["id"], FilterOperator.In, ids.Cast<object>().ToList()));
            }

            if (q.TryGetValue("name", out var name) && !string.IsNullOrEmpty(name))
            {
                filters.Add(new FieldFilter(descriptor.Fields["name"], FilterOperator.ContainsInsensitive, name.ToString()));
            }

            foreach (var (parameter, field) in new[]
            {
                ("workspace_id", "workspaceId"), ("status", "status"), ("public_access", "publicAccess"),
                ("default_version_id", "defaultVersionId"), ("api_key_id", "apiKeyId"), ("created_by", "createdBy"),
                ("retention_tier", "retentionTier"),
            })
            {
                if (q.TryGetValue(parameter, out var value))
                {
                    filters.Add(Shorthand(descriptor.Fields[field], parameter, value.ToString()));
                }
            }

            var deletedFilter = (q.TryGetValue("include_deleted", out var deleted) ? deleted.ToString() : "false") switch
            {
                "false" => DeletedFilter.Exclude,
                "true" => DeletedFilter.Include,
                "only" => DeletedFilter.Only,
                _ => (DeletedFilter?)null,
            };
            if (deletedFilter is null)
            {
                return Invalid("include_deleted: expected one of false, true, only");
            }

            var (page, error) = await apps.ListAsync(principal.ToCaller(), new AppListQuery
            {
                Filter = filters.Count == 0 ? null : new AndFilter(filters),
                Order = order,
                Page = new PageRequest { First = before is null ? limit : null, After = after, Last = before is null ? null : limit, Before = before, IncludeTotal = true },
                Deleted = deletedFilter.Value,
            }, ct);
            if (error is not null)
            {
                return new ApiError(error);
            }

            return TypedResults.Ok(new AppListDto(
                page!.Items.Select(ToDto).ToList(),
                new PageInfoDto(page.Total, page.HasNextPage, page.HasPreviousPage, page.StartCursor, page.EndCursor)));
        }
        catch (QueryException e)
        {
            return Invalid(e.Message);
        }
    }

    internal static async Task<Results<Ok<AppDto>, ApiError>> GetAsync(string id, ClaimsPrincipal principal, AppService apps, CancellationToken ct)
    {
        var (app, error) = await apps.GetAsync(principal.ToCaller(), id, ct);
        return error is null ? TypedResults.Ok(ToDto(app!)) : new ApiError(error);
    }

    internal static async Task<Results<Created<AppDto>, ApiError>> CreateAsync(HttpRequest request, ClaimsPrincipal principal, AppService apps, CancellationToken ct)
    {
        CreateAppInput? body;
        try
        {
            body = await request.ReadFromJsonAsync<CreateAppInput>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Invalid("body: expected a JSON object");
        }

        if (body is null)
        {
            return Invalid("body: expected a JSON object");
        }

        var (app, error) = await apps.CreateAsync(principal.ToCaller(), body, ct);
        return error is null ? TypedResults.Created($"/api/apps/{app!.Id}", ToDto(app)) : new ApiError(error);
    }

    private static FieldFilter Shorthand(FieldDescriptor field, string parameter, string value)
    {
        using var doc = JsonDocument.Parse(field.Kind == FieldKind.Boolean && value is "true" or "false" ? value : JsonSerializer.Serialize(value));
        return new FieldFilter(field, FilterOperator.Eq, FilterParser.ParseValue(doc.RootElement, field, parameter));
    }

    internal static AppDto ToDto(App a)
    {
        using var config = JsonDocument.Parse(a.Config);
        return new AppDto(a.Id, a.WorkspaceId, a.Name, a.Description, a.Handle, a.DefaultVersionId, a.Status, a.PublicAccess, a.PagesProjectId,
            a.ApiKeyId, config.RootElement.Clone(), a.CreatedBy, a.DeletedAt is { } d ? Timestamps.Format(d) : null, a.RetentionTier, Timestamps.Format(a.CreatedAt), Timestamps.Format(a.UpdatedAt));
    }

    private static ApiError Invalid(string message) => new(PlatformError.Invalid(message));
}
