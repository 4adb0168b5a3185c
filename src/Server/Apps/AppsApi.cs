using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrowNest.Server.Auth;
using CrowNest.Server.Data;
using CrowNest.Server.Querying;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CrowNest.Server.Apps;

/// <summary>
/// REST <c>/api/apps</c>. Visibility: apps in workspaces of the caller's organization that the caller's user is a
/// member of, or every workspace of that organization for org owners/admins. Anything else is indistinguishable
/// from absent: a foreign <c>workspace_id</c> lists nothing (200, empty), a foreign id is 404 <c>not_found</c>.
/// </summary>
public static partial class AppsApi
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

    internal static async Task<Results<Ok<AppListDto>, BadRequest<ErrorBody>>> ListAsync(HttpRequest request, ClaimsPrincipal principal, CrowNestDbContext db, CancellationToken ct)
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

            var source = Visible(db, principal);
            switch (q.TryGetValue("include_deleted", out var deleted) ? deleted.ToString() : "false")
            {
                case "false":
                    source = source.Where(x => x.DeletedAt == null);
                    break;
                case "true":
                    break;
                case "only":
                    source = source.Where(x => x.DeletedAt != null);
                    break;
                default:
                    return Invalid("include_deleted: expected one of false, true, only");
            }

            var page = await KeysetPager.PageAsync(
                source.AsNoTracking(),
                descriptor,
                filters.Count == 0 ? null : new AndFilter(filters),
                order,
                new PageRequest { First = before is null ? limit : null, After = after, Last = before is null ? null : limit, Before = before, IncludeTotal = true },
                ct);
            return TypedResults.Ok(new AppListDto(
                page.Items.Select(ToDto).ToList(),
                new PageInfoDto(page.Total, page.HasNextPage, page.HasPreviousPage, page.StartCursor, page.EndCursor)));
        }
        catch (QueryException e)
        {
            return Invalid(e.Message);
        }
    }

    internal static async Task<Results<Ok<AppDto>, NotFound<ErrorBody>>> GetAsync(string id, ClaimsPrincipal principal, CrowNestDbContext db, CancellationToken ct)
    {
        if (!PrefixedId.IsValid(id, PrefixedId.App))
        {
            return NotFound();
        }

        var app = await Visible(db, principal).AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return app is null ? NotFound() : TypedResults.Ok(ToDto(app));
    }

    public sealed record CreateAppRequest
    {
        public string? WorkspaceId { get; init; }
        public string? Name { get; init; }
        public string? Description { get; init; }
        public string? Handle { get; init; }
        public bool? PublicAccess { get; init; }
    }

    internal static async Task<Results<Created<AppDto>, BadRequest<ErrorBody>, NotFound<ErrorBody>, Conflict<ErrorBody>>> CreateAsync(HttpRequest request, ClaimsPrincipal principal, CrowNestDbContext db, CancellationToken ct)
    {
        CreateAppRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<CreateAppRequest>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Invalid("body: expected a JSON object");
        }

        if (body is null)
        {
            return Invalid("body: expected a JSON object");
        }

        if (string.IsNullOrWhiteSpace(body.WorkspaceId))
        {
            return Invalid("workspaceId: required");
        }

        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200)
        {
            return Invalid("name: required, 1-200 characters");
        }

        if (body.Handle is not null && !IsValidHandle(body.Handle))
        {
            return Invalid("handle: 3-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
        }

        var workspaceId = body.WorkspaceId;
        if (!await VisibleWorkspaces(db, principal).AnyAsync(w => w.Id == workspaceId, ct))
        {
            return TypedResults.NotFound(new ErrorBody(new ErrorDetail("not_found", "Workspace not found")));
        }

        var handle = body.Handle ?? GenerateHandle(name);
        if (await db.Apps.AnyAsync(x => x.Handle == handle, ct))
        {
            return Conflict(handle);
        }

        var now = DateTimeOffset.UtcNow;
        var userId = principal.FindFirstValue(CrowNestClaims.UserId);
        var app = new App
        {
            Id = PrefixedId.New(PrefixedId.App, now),
            WorkspaceId = workspaceId,
            Name = name,
            Description = body.Description,
            Handle = handle,
            PublicAccess = body.PublicAccess ?? false,
            ApiKeyId = null,
            CreatedBy = userId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var version = new AppVersion { Id = PrefixedId.New(PrefixedId.AppVersion, now), AppId = app.Id, Number = 1, CreatedBy = userId, CreatedAt = now };
        app.DefaultVersionId = version.Id;
        db.Apps.Add(app);
        db.AppVersions.Add(version);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Lost a race for the same handle.
            return Conflict(handle);
        }

        // Read back so the response carries what PostgreSQL stored (microsecond timestamps, normalized jsonb).
        var stored = await db.Apps.AsNoTracking().SingleAsync(x => x.Id == app.Id, ct);
        return TypedResults.Created($"/api/apps/{app.Id}", ToDto(stored));
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex HandlePattern();

    internal static bool IsValidHandle(string handle) => HandlePattern().IsMatch(handle);

    /// <summary>DNS-safe: slug of the name (up to 40 chars) plus 8 random base36 characters.</summary>
    internal static string GenerateHandle(string name)
    {
        var slug = new string(name.ToLowerInvariant().Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '-').ToArray());
        slug = string.Join('-', slug.Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (slug.Length > 40)
        {
            slug = slug[..40].TrimEnd('-');
        }

        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var suffix = RandomNumberGenerator.GetString(alphabet, 8);
        return slug.Length == 0 ? "app-" + suffix : $"{slug}-{suffix}";
    }

    private static IQueryable<Workspace> VisibleWorkspaces(CrowNestDbContext db, ClaimsPrincipal principal)
    {
        var userId = principal.FindFirstValue(CrowNestClaims.UserId) ?? "";
        var orgId = principal.FindFirstValue(CrowNestClaims.OrganizationId) ?? "";
        return db.Workspaces.Where(w => w.OrganizationId == orgId
            && (db.OrganizationMembers.Any(m => m.OrganizationId == orgId && m.UserId == userId && (m.Role == OrganizationRoles.Owner || m.Role == OrganizationRoles.Admin))
                || db.WorkspaceMembers.Any(m => m.WorkspaceId == w.Id && m.UserId == userId)));
    }

    private static IQueryable<App> Visible(CrowNestDbContext db, ClaimsPrincipal principal)
    {
        var workspaces = VisibleWorkspaces(db, principal);
        return db.Apps.Where(x => workspaces.Any(w => w.Id == x.WorkspaceId));
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
            a.ApiKeyId, config.RootElement.Clone(), a.CreatedBy, a.DeletedAt is { } d ? Timestamp(d) : null, a.RetentionTier, Timestamp(a.CreatedAt), Timestamp(a.UpdatedAt));
    }

    /// <summary>UTC ISO-8601 with milliseconds and Z.</summary>
    internal static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static BadRequest<ErrorBody> Invalid(string message) =>
        TypedResults.BadRequest(new ErrorBody(new ErrorDetail("invalid_request", message)));

    private static NotFound<ErrorBody> NotFound() =>
        TypedResults.NotFound(new ErrorBody(new ErrorDetail("not_found", "App not found")));

    private static Conflict<ErrorBody> Conflict(string handle) =>
        TypedResults.Conflict(new ErrorBody(new ErrorDetail("conflict", $"handle '{handle}' is already taken")));
}
