using System.Security.Claims;
using System.Text.Json;
using CrowNest.Platform;
using CrowNest.Platform.Tenancy;
using CrowNest.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrowNest.Server.Workspaces;

/// <summary>
/// REST <c>/api/workspaces</c>: the caller's visible workspaces (members see theirs, organization owners/admins all of
/// the key's organization) and creating one in the key's organization (needs the <c>admin</c> scope and an
/// organization owner/admin user).
/// </summary>
public static class WorkspacesApi
{
    public sealed record WorkspaceDto(string Id, string OrganizationId, string Name, string? ProjectId, string CreatedAt);

    public sealed record WorkspaceListDto(IReadOnlyList<WorkspaceDto> Data);

    public sealed record CreateWorkspaceBody(string? Name);

    public static IEndpointRouteBuilder MapWorkspacesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/workspaces").RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        return endpoints;
    }

    internal static async Task<Results<Ok<WorkspaceListDto>, ApiError>> ListAsync(ClaimsPrincipal principal, TenancyService tenancy, CancellationToken ct)
    {
        var (list, error) = await tenancy.ListWorkspacesAsync(principal.ToCaller(), ct);
        return error is null ? TypedResults.Ok(new WorkspaceListDto(list!.Select(ToDto).ToList())) : new ApiError(error);
    }

    internal static async Task<Results<Created<WorkspaceDto>, ApiError>> CreateAsync(HttpRequest request, ClaimsPrincipal principal, TenancyService tenancy, CancellationToken ct)
    {
        CreateWorkspaceBody? body;
        try
        {
            body = await request.ReadFromJsonAsync<CreateWorkspaceBody>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new ApiError(PlatformError.Invalid("body: expected a JSON object"));
        }

        if (body is null)
        {
            return new ApiError(PlatformError.Invalid("body: expected a JSON object"));
        }

        var (ws, error) = await tenancy.CreateWorkspaceAsync(principal.ToCaller(), new CreateWorkspaceInput { Name = body.Name }, ct);
        return error is null ? TypedResults.Created($"/api/workspaces/{ws!.Id}", ToDto(ws)) : new ApiError(error);
    }

    internal static WorkspaceDto ToDto(WorkspaceInfo w) => new(w.Id, w.OrganizationId, w.Name, w.ProjectId, Timestamps.Format(w.CreatedAt));
}
