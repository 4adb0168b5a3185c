using System.Security.Claims;
using System.Text.Json;
using CrowNest.Platform;
using CrowNest.Platform.PreviewSessions;
using CrowNest.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CrowNest.Server.PreviewSessions;

/// <summary>
/// REST app preview sessions: <c>POST /api/app-preview-sessions</c> (201 new, 200 warm session reused),
/// <c>GET</c>/<c>DELETE /api/apps/preview/{sessionId}</c> and <c>POST /api/apps/preview/{sessionId}/keepalive</c>.
/// </summary>
public static class PreviewSessionsApi
{
    public sealed record AppPreviewSessionDto(
        string Id,
        string WorkspaceId,
        string AppId,
        string VersionId,
        string Status,
        string? PreviewUrl,
        string? Error,
        JsonElement? Metadata,
        string LastHeartbeatAt,
        string? CreatedBy,
        string? StartedAt,
        string? ReadyAt,
        string? StoppedAt,
        string CreatedAt);

    public sealed record StartBody(string? AppVersionId);

    public sealed record SuccessDto(bool Success);

    public sealed record KeepAliveDto(string Id, string Status);

    public static IEndpointRouteBuilder MapPreviewSessionsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/app-preview-sessions", StartAsync).RequireAuthorization();
        var group = endpoints.MapGroup("/api/apps/preview").RequireAuthorization();
        group.MapGet("/{sessionId}", GetAsync);
        group.MapDelete("/{sessionId}", StopAsync);
        group.MapPost("/{sessionId}/keepalive", KeepAliveAsync);
        return endpoints;
    }

    internal static async Task<Results<Created<AppPreviewSessionDto>, Ok<AppPreviewSessionDto>, ApiError>> StartAsync(
        HttpRequest request, ClaimsPrincipal principal, PreviewSessionService sessions, CancellationToken ct)
    {
        StartBody? body;
        try
        {
            body = await request.ReadFromJsonAsync<StartBody>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new ApiError(PlatformError.Invalid("body: expected a JSON object"));
        }

        var (result, error) = await sessions.StartAsync(principal.ToCaller(), body?.AppVersionId, ct);
        if (error is not null)
        {
            return new ApiError(error);
        }

        var dto = ToDto(result!.Session);
        return result.Created ? TypedResults.Created($"/api/apps/preview/{dto.Id}", dto) : TypedResults.Ok(dto);
    }

    internal static async Task<Results<Ok<AppPreviewSessionDto>, ApiError>> GetAsync(string sessionId, ClaimsPrincipal principal, PreviewSessionService sessions, CancellationToken ct)
    {
        var (session, error) = await sessions.GetAsync(principal.ToCaller(), sessionId, ct);
        return error is null ? TypedResults.Ok(ToDto(session!)) : new ApiError(error);
    }

    internal static async Task<Results<Ok<SuccessDto>, ApiError>> StopAsync(string sessionId, ClaimsPrincipal principal, PreviewSessionService sessions, CancellationToken ct)
    {
        var (_, error) = await sessions.StopAsync(principal.ToCaller(), sessionId, ct);
        return error is null ? TypedResults.Ok(new SuccessDto(true)) : new ApiError(error);
    }

    internal static async Task<Results<Ok<KeepAliveDto>, ApiError>> KeepAliveAsync(string sessionId, ClaimsPrincipal principal, PreviewSessionService sessions, CancellationToken ct)
    {
        var (session, error) = await sessions.KeepAliveAsync(principal.ToCaller(), sessionId, ct);
        return error is null ? TypedResults.Ok(new KeepAliveDto(session!.Id, session.Status)) : new ApiError(error);
    }

    public static AppPreviewSessionDto ToDto(AppPreviewSession s)
    {
        JsonElement? metadata = null;
        if (s.Metadata is not null)
        {
            using var doc = JsonDocument.Parse(s.Metadata);
            metadata = doc.RootElement.Clone();
        }

        return new AppPreviewSessionDto(s.Id, s.WorkspaceId, s.AppId, s.VersionId, s.Status, s.PreviewUrl, s.Error, metadata,
            Timestamps.Format(s.LastHeartbeatAt), s.CreatedBy, Format(s.StartedAt), Format(s.ReadyAt), Format(s.StoppedAt), Timestamps.Format(s.CreatedAt));
    }

    private static string? Format(DateTimeOffset? value) => value is { } v ? Timestamps.Format(v) : null;
}
