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

    public sealed record SuccessDto(bool Success);

    public sealed record EnvVarDto(string Name, string Type, string Value);

    public sealed record EnvVarListDto(IReadOnlyList<EnvVarDto> Data);

    public sealed record SetEnvVarBody(string? Name, string? Value, string? Type);

    public sealed record DomainBody(string? Hostname);

    public sealed record DomainDto(string Id, string AppId, string Hostname, string Status, string? LastError, string? CreatedBy, string CreatedAt, string UpdatedAt);

    private const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapAppsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/apps").RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPatch("/{id}", UpdateAsync);
        group.MapDelete("/{id}", DeleteAsync);
        group.MapPost("/{id}/restore", RestoreAsync);
        group.MapDelete("/{id}/purge", PurgeAsync);
        group.MapGet("/{id}/env", ListEnvAsync);
        group.MapPut("/{id}/env", SetEnvAsync);
        group.MapDelete("/{id}/env", DeleteEnvAsync);
        group.MapGet("/{id}/domain", GetDomainAsync);
        group.MapPut("/{id}/domain", SetDomainAsync);
        group.MapDelete("/{id}/domain", RemoveDomainAsync);
        group.MapPost("/{id}/domain/verify", VerifyDomainAsync);
        endpoints.MapHandWrittenAppsBench();
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

            var source = (q.TryGetValue("source", out var sourceText) ? sourceText.ToString() : "") switch
            {
                "" => AppSource.Union,
                "workspace" => AppSource.Workspace,
                "integration" => AppSource.Integration,
                _ => (AppSource?)null,
            };
            if (source is null)
            {
                return Invalid("source: expected workspace or integration");
            }

            var (page, error) = await apps.ListAsync(principal.ToCaller(), new AppListQuery
            {
                Filter = filters.Count == 0 ? null : new AndFilter(filters),
                Order = order,
                Page = new PageRequest { First = before is null ? limit : null, After = after, Last = before is null ? null : limit, Before = before, IncludeTotal = true },
                Deleted = deletedFilter.Value,
                Source = source.Value,
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

    internal static async Task<Results<Ok<AppDto>, ApiError>> UpdateAsync(string id, HttpRequest request, ClaimsPrincipal principal, AppService apps, CancellationToken ct)
    {
        var (body, bodyError) = await ReadObjectAsync(request, ct);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var input = new UpdateAppInput();
        foreach (var property in body.EnumerateObject())
        {
            var v = property.Value;
            var isNull = v.ValueKind == JsonValueKind.Null;
            string? Text() => v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            switch (property.Name)
            {
                case "name" when v.ValueKind == JsonValueKind.String:
                    input = input with { SetName = true, Name = Text() };
                    break;
                case "description" when v.ValueKind == JsonValueKind.String || isNull:
                    input = input with { SetDescription = true, Description = Text() };
                    break;
                case "handle" when v.ValueKind == JsonValueKind.String:
                    input = input with { SetHandle = true, Handle = Text() };
                    break;
                case "publicAccess" when v.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    input = input with { SetPublicAccess = true, PublicAccess = v.GetBoolean() };
                    break;
                case "defaultVersionId" when v.ValueKind == JsonValueKind.String:
                    input = input with { SetDefaultVersionId = true, DefaultVersionId = Text() };
                    break;
                case "config" when v.ValueKind == JsonValueKind.Object:
                    input = input with { SetConfig = true, Config = v.GetRawText() };
                    break;
                case "name" or "description" or "handle" or "publicAccess" or "defaultVersionId" or "config":
                    return Invalid($"{property.Name}: wrong type ({v.ValueKind.ToString().ToLowerInvariant()})");
                default:
                    return Invalid($"{property.Name}: unknown field (known: name, description, handle, publicAccess, defaultVersionId, config)");
            }
        }

        var (app, error) = await apps.UpdateAsync(principal.ToCaller(), id, input, ct);
        return error is null ? TypedResults.Ok(ToDto(app!)) : new ApiError(error);
    }

    internal static async Task<Results<Ok<SuccessDto>, ApiError>> DeleteAsync(string id, ClaimsPrincipal principal, AppService apps, CancellationToken ct) =>
        Success(await apps.DeleteAsync(principal.ToCaller(), id, ct));

    internal static async Task<Results<Ok<AppDto>, ApiError>> RestoreAsync(string id, ClaimsPrincipal principal, AppService apps, CancellationToken ct)
    {
        var (app, error) = await apps.RestoreAsync(principal.ToCaller(), id, ct);
        return error is null ? TypedResults.Ok(ToDto(app!)) : new ApiError(error);
    }

    internal static async Task<Results<Ok<SuccessDto>, ApiError>> PurgeAsync(string id, ClaimsPrincipal principal, AppService apps, CancellationToken ct) =>
        Success(await apps.PurgeAsync(principal.ToCaller(), id, ct));

    internal static async Task<Results<Ok<EnvVarListDto>, ApiError>> ListEnvAsync(string id, ClaimsPrincipal principal, AppService apps, CancellationToken ct)
    {
        var (vars, error) = await apps.ListEnvAsync(principal.ToCaller(), id, ct);
        return error is null ? TypedResults.Ok(new EnvVarListDto(vars!.Select(v => new EnvVarDto(v.Name, v.Type, v.Value)).ToList())) : new ApiError(error);
    }

    internal static async Task<Results<Ok<SuccessDto>, ApiError>> SetEnvAsync(string id, HttpRequest request, ClaimsPrincipal principal, AppService apps, CancellationToken ct)
    {
        SetEnvVarBody? body;
        try
        {
            body = await request.ReadFromJsonAsync<SetEnvVarBody>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Invalid("body: expected a JSON object { name, value, type? }");
        }

        if (body is null)
        {
            return Invalid("body: expected a JSON object { name, value, type? }");
        }

        var (_, error) = await apps.SetEnvAsync(principal.ToCaller(), id, body.Name, body.Value, body.Type, ct);
        return error is null ? TypedResults.Ok(new SuccessDto(true)) : new ApiError(error);
    }

    internal static async Task<Results<Ok<SuccessDto>, ApiError>> DeleteEnvAsync(string id, HttpRequest request, ClaimsPrincipal principal, AppService apps, CancellationToken ct) =>
        Success(await apps.DeleteEnvAsync(principal.ToCaller(), id, request.Query["name"].ToString(), ct));

    internal static async Task<Results<Ok<DomainDto>, ContentHttpResult, ApiError>> GetDomainAsync(string id, ClaimsPrincipal principal, AppService apps, CancellationToken ct)
    {
        // No domain is a JSON null (the documented response is "any"), not an error: the app itself exists.
        var (domain, error) = await apps.GetDomainAsync(principal.ToCaller(), id, ct);
        if (error is not null)
        {
            return new ApiError(error);
        }

        return domain is null ? TypedResults.Text("null", "application/json") : TypedResults.Ok(ToDto(domain));
    }

    internal static async Task<Results<Ok<DomainDto>, ApiError>> SetDomainAsync(string id, HttpRequest request, ClaimsPrincipal principal, AppService apps, CancellationToken ct)
    {
        DomainBody? body;
        try
        {
            body = await request.ReadFromJsonAsync<DomainBody>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Invalid("body: expected a JSON object { hostname }");
        }

        var (domain, error) = await apps.SetDomainAsync(principal.ToCaller(), id, body?.Hostname, ct);
        return error is null ? TypedResults.Ok(ToDto(domain!)) : new ApiError(error);
    }

    internal static async Task<Results<Ok<SuccessDto>, ApiError>> RemoveDomainAsync(string id, ClaimsPrincipal principal, AppService apps, CancellationToken ct) =>
        Success(await apps.RemoveDomainAsync(principal.ToCaller(), id, ct));

    /// <summary>Not in the spec: checks the DNS TXT record now instead of waiting for the background pass.</summary>
    internal static async Task<Results<Ok<DomainDto>, ApiError>> VerifyDomainAsync(string id, ClaimsPrincipal principal, AppService apps, CancellationToken ct)
    {
        var (domain, error) = await apps.VerifyDomainAsync(principal.ToCaller(), id, ct);
        return error is null ? TypedResults.Ok(ToDto(domain!)) : new ApiError(error);
    }

    internal static DomainDto ToDto(CrowNest.Platform.Apps.AppDomain d) =>
        new(d.Id, d.AppId, d.Hostname, d.Status, d.LastError, d.CreatedBy, Timestamps.Format(d.CreatedAt), Timestamps.Format(d.UpdatedAt));

    private static Results<Ok<SuccessDto>, ApiError> Success(Result<bool> result) =>
        result.Error is { } error ? new ApiError(error) : TypedResults.Ok(new SuccessDto(true));

    private static async Task<(JsonElement Body, ApiError? Error)> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            var body = await request.ReadFromJsonAsync<JsonElement>(ct);
            return body.ValueKind == JsonValueKind.Object ? (body, null) : (default, Invalid("body: expected a JSON object"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (default, Invalid("body: expected a JSON object"));
        }
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
