using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using CrowNest.Platform;
using CrowNest.Platform.Data;
using CrowNest.Platform.Previews;
using CrowNest.Platform.Sandboxes;
using CrowNest.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CrowNest.Server.Sandboxes;

/// <summary>
/// REST <c>/v1</c> projects, sandboxes, commands and previews. Resources are wrapped (<c>{"sandbox":{...}}</c>),
/// lists are <c>{data, hasMore}</c> newest first with <c>limit</c> and <c>cursor</c> (the next page's cursor is
/// the last item's id, also returned as <c>nextCursor</c>).
/// </summary>
public static class SandboxesApi
{
    public sealed record ProjectDto(string Id, string WorkspaceId, string Name, string CreatedAt, string UpdatedAt);

    public sealed record SandboxDto(string Id, string OrgId, string ProjectId, string Status, string Runtime, string CreatedAt, string? ExpiresAt, string? DestroyedAt);

    public sealed record CommandDto(string Id, string SandboxId, string Command, string? Cwd, string Status, int? ExitCode, string StartedAt, string? ExitedAt);

    public sealed record OutputChunkDto(long Seq, string Stream, string Data, string At);

    public sealed record PreviewDto(string Id, string Slug, string Url, string OrgId, string ProjectId, string SandboxId, int Port, string AuthMode, string CreatedAt, string? ExpiresAt, string? RevokedAt);

    public sealed record ProjectEnvelope(ProjectDto Project);

    public sealed record SandboxEnvelope(SandboxDto Sandbox);

    public sealed record CommandEnvelope(CommandDto Command);

    public sealed record PreviewEnvelope(PreviewDto Preview);

    public sealed record ListDto<T>(IReadOnlyList<T> Data, bool HasMore, string? NextCursor);

    private sealed record ProjectBody(string? Name, string? WorkspaceId);

    private sealed record SandboxBody(string? ProjectId, int? TimeoutSeconds);

    private sealed record CommandBody(string? Command, string? Cwd, Dictionary<string, string>? Env);

    private sealed record PreviewBody(int? Port, string? AuthMode, string? SourceCommandId);

    public static IEndpointRouteBuilder MapSandboxesApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1").RequireAuthorization();
        v1.MapPost("/projects", CreateProjectAsync);
        v1.MapGet("/projects", ListProjectsAsync);
        v1.MapGet("/projects/{id}", GetProjectAsync);
        v1.MapPost("/sandboxes", CreateSandboxAsync);
        v1.MapGet("/sandboxes", ListSandboxesAsync);
        v1.MapGet("/sandboxes/{id}", GetSandboxAsync);
        v1.MapDelete("/sandboxes/{id}", DestroySandboxAsync);
        v1.MapPost("/sandboxes/{id}/commands", RunCommandAsync);
        v1.MapGet("/sandboxes/{id}/commands", ListCommandsAsync);
        v1.MapGet("/commands/{id}", GetCommandAsync);
        v1.MapPost("/commands/{id}/kill", KillCommandAsync);
        v1.MapGet("/commands/{id}/output", OutputAsync);
        v1.MapPost("/sandboxes/{id}/previews", CreatePreviewAsync);
        v1.MapGet("/sandboxes/{id}/previews", ListPreviewsAsync);
        v1.MapGet("/previews/{id}", GetPreviewAsync);
        v1.MapDelete("/previews/{id}", RevokePreviewAsync);
        return endpoints;
    }

    internal static async Task<Results<Created<ProjectEnvelope>, ApiError>> CreateProjectAsync(HttpRequest request, ClaimsPrincipal principal, ProjectService projects, CancellationToken ct)
    {
        var (body, invalid) = await ReadAsync<ProjectBody>(request, ct);
        if (invalid is not null)
        {
            return invalid;
        }

        var (project, error) = await projects.CreateAsync(principal.ToCaller(), new CreateProjectInput { Name = body!.Name, WorkspaceId = body.WorkspaceId }, ct);
        return error is null ? TypedResults.Created($"/v1/projects/{project!.Id}", new ProjectEnvelope(ToDto(project))) : new ApiError(error);
    }

    internal static async Task<Results<Ok<ListDto<ProjectDto>>, ApiError>> ListProjectsAsync(HttpRequest request, ClaimsPrincipal principal, ProjectService projects, CancellationToken ct)
    {
        if (Limit(request) is { Error: { } bad })
        {
            return new ApiError(bad);
        }

        var (page, error) = await projects.ListAsync(principal.ToCaller(), Limit(request).Value, Cursor(request), ct);
        return error is null ? TypedResults.Ok(ToList(page!, ToDto)) : new ApiError(error);
    }

    internal static async Task<Results<Ok<ProjectEnvelope>, ApiError>> GetProjectAsync(string id, ClaimsPrincipal principal, ProjectService projects, CancellationToken ct)
    {
        var (project, error) = await projects.GetAsync(principal.ToCaller(), id, ct);
        return error is null ? TypedResults.Ok(new ProjectEnvelope(ToDto(project!))) : new ApiError(error);
    }

    internal static async Task<Results<Created<SandboxEnvelope>, ApiError>> CreateSandboxAsync(HttpRequest request, ClaimsPrincipal principal, SandboxService sandboxes, CancellationToken ct)
    {
        var (body, invalid) = await ReadAsync<SandboxBody>(request, ct);
        if (invalid is not null)
        {
            return invalid;
        }

        var (sandbox, error) = await sandboxes.CreateAsync(principal.ToCaller(), new CreateSandboxInput { ProjectId = body!.ProjectId, TimeoutSeconds = body.TimeoutSeconds }, ct);
        return error is null ? TypedResults.Created($"/v1/sandboxes/{sandbox!.Id}", new SandboxEnvelope(ToDto(sandbox))) : new ApiError(error);
    }

    internal static async Task<Results<Ok<ListDto<SandboxDto>>, ApiError>> ListSandboxesAsync(HttpRequest request, ClaimsPrincipal principal, SandboxService sandboxes, CancellationToken ct)
    {
        var limit = Limit(request);
        if (limit.Error is { } bad)
        {
            return new ApiError(bad);
        }

        var projectId = request.Query.TryGetValue("projectId", out var p) ? p.ToString() : null;
        var (page, error) = await sandboxes.ListAsync(principal.ToCaller(), projectId, limit.Value, Cursor(request), ct);
        return error is null ? TypedResults.Ok(ToList(page!, ToDto)) : new ApiError(error);
    }

    internal static async Task<Results<Ok<SandboxEnvelope>, ApiError>> GetSandboxAsync(string id, ClaimsPrincipal principal, SandboxService sandboxes, CancellationToken ct)
    {
        var (sandbox, error) = await sandboxes.GetAsync(principal.ToCaller(), id, ct);
        return error is null ? TypedResults.Ok(new SandboxEnvelope(ToDto(sandbox!))) : new ApiError(error);
    }

    internal static async Task<Results<Ok<SandboxEnvelope>, ApiError>> DestroySandboxAsync(string id, ClaimsPrincipal principal, SandboxService sandboxes, CancellationToken ct)
    {
        var (sandbox, error) = await sandboxes.DestroyAsync(principal.ToCaller(), id, ct);
        return error is null ? TypedResults.Ok(new SandboxEnvelope(ToDto(sandbox!))) : new ApiError(error);
    }

    internal static async Task<Results<Created<CommandEnvelope>, ApiError>> RunCommandAsync(string id, HttpRequest request, ClaimsPrincipal principal, SandboxService sandboxes, CancellationToken ct)
    {
        var (body, invalid) = await ReadAsync<CommandBody>(request, ct);
        if (invalid is not null)
        {
            return invalid;
        }

        var (command, error) = await sandboxes.RunCommandAsync(principal.ToCaller(), id, new RunCommandInput { Command = body!.Command, Cwd = body.Cwd, Env = body.Env }, ct);
        return error is null ? TypedResults.Created($"/v1/commands/{command!.Id}", new CommandEnvelope(ToDto(command))) : new ApiError(error);
    }

    internal static async Task<Results<Ok<ListDto<CommandDto>>, ApiError>> ListCommandsAsync(string id, HttpRequest request, ClaimsPrincipal principal, SandboxService sandboxes, CancellationToken ct)
    {
        var limit = Limit(request);
        if (limit.Error is { } bad)
        {
            return new ApiError(bad);
        }

        var (page, error) = await sandboxes.ListCommandsAsync(principal.ToCaller(), id, limit.Value, Cursor(request), ct);
        return error is null ? TypedResults.Ok(ToList(page!, ToDto)) : new ApiError(error);
    }

    internal static async Task<Results<Ok<CommandEnvelope>, ApiError>> GetCommandAsync(string id, ClaimsPrincipal principal, SandboxService sandboxes, CancellationToken ct)
    {
        var (command, error) = await sandboxes.GetCommandAsync(principal.ToCaller(), id, ct);
        return error is null ? TypedResults.Ok(new CommandEnvelope(ToDto(command!))) : new ApiError(error);
    }

    internal static async Task<Results<Ok<CommandEnvelope>, ApiError>> KillCommandAsync(string id, ClaimsPrincipal principal, SandboxService sandboxes, CancellationToken ct)
    {
        var (command, error) = await sandboxes.KillCommandAsync(principal.ToCaller(), id, ct);
        return error is null ? TypedResults.Ok(new CommandEnvelope(ToDto(command!))) : new ApiError(error);
    }

    /// <summary>The SSE id of the final <c>exit</c> event; reconnecting with it as <c>Last-Event-ID</c> gets 204.</summary>
    public const string ExitEventId = "exit";

    /// <summary>
    /// Paged JSON (<c>limit</c> up to 1000, <c>cursor</c> = a sequence number), or with <c>Accept: text/event-stream</c>
    /// Server-Sent Events (<c>id</c> = sequence, <c>event</c> = stdout|stderr, <c>data</c> = the chunk as JSON) live
    /// until the command ends, then an <c>exit</c> event (id <see cref="ExitEventId"/>) with the final command.
    /// <c>Last-Event-ID</c> (or, for a first connection, <c>cursor</c>) resumes after that sequence; after the exit
    /// event it answers 204 No Content, which tells an EventSource-style client to stop reconnecting. A client that
    /// disconnects ends the stream (the request's token stops the polling). A quiet stream gets a <c>: keep-alive</c>
    /// comment every <see cref="SandboxApiOptions.StreamKeepAliveInterval"/>.
    /// </summary>
    internal static async Task<IResult> OutputAsync(string id, HttpContext http, ClaimsPrincipal principal, SandboxService sandboxes, CancellationToken ct)
    {
        var request = http.Request;
        var caller = principal.ToCaller();
        var wantsEvents = request.Headers.Accept.Any(a => a?.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) == true);
        if (!wantsEvents)
        {
            var limit = Limit(request, 1000);
            if (limit.Error is { } bad)
            {
                return new ApiError(bad);
            }

            var (page, error) = await sandboxes.GetOutputAsync(caller, id, limit.Value ?? 100, Cursor(request), ct);
            return error is null ? TypedResults.Ok(ToList(page!, ToDto)) : new ApiError(error);
        }

        var (_, notVisible) = await sandboxes.GetCommandAsync(caller, id, ct);
        if (notVisible is not null)
        {
            return new ApiError(notVisible);
        }

        long after = 0;
        var resume = request.Headers["Last-Event-ID"].ToString();
        if (resume == ExitEventId)
        {
            return Results.NoContent();
        }

        if (resume.Length > 0 && !long.TryParse(resume, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            return new ApiError(PlatformError.Invalid("Last-Event-ID: expected a sequence number"));
        }

        if (resume.Length == 0 && Cursor(request) is { } cursor && !long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            return new ApiError(PlatformError.InvalidCursor("cursor: malformed cursor"));
        }

        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers[HeaderNames.ContentType] = "text/event-stream";
        response.Headers[HeaderNames.CacheControl] = "no-cache";
        // nginx buffers proxied responses by default, which would hold events back until the buffer fills.
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await response.Body.FlushAsync(ct);
            await foreach (var chunk in sandboxes.StreamOutputAsync(id, after, ct))
            {
                if (chunk is null)
                {
                    // A comment line: ignored by SSE clients, keeps idle proxies from closing a quiet stream.
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }

                var json = JsonSerializer.Serialize(ToDto(chunk), JsonSerializerOptions.Web);
                await response.WriteAsync($"id: {chunk.Seq.ToString(CultureInfo.InvariantCulture)}\nevent: {chunk.Stream}\ndata: {json}\n\n", ct);
                await response.Body.FlushAsync(ct);
            }

            var (final, _) = await sandboxes.GetCommandAsync(caller, id, ct);
            if (final is not null)
            {
                await response.WriteAsync($"id: {ExitEventId}\nevent: exit\ndata: {JsonSerializer.Serialize(ToDto(final), JsonSerializerOptions.Web)}\n\n", ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: nothing to answer, and not an application error.
        }

        return Results.Empty;
    }

    internal static async Task<Results<Created<PreviewEnvelope>, Ok<PreviewEnvelope>, ApiError>> CreatePreviewAsync(string id, HttpRequest request, ClaimsPrincipal principal, PreviewService previews, CancellationToken ct)
    {
        var (body, invalid) = await ReadAsync<PreviewBody>(request, ct);
        if (invalid is not null)
        {
            return invalid;
        }

        var (created, error) = await previews.CreateAsync(principal.ToCaller(), id, new CreatePreviewInput { Port = body!.Port, AuthMode = body.AuthMode, SourceCommandId = body.SourceCommandId }, ct);
        if (error is not null)
        {
            return new ApiError(error);
        }

        var envelope = new PreviewEnvelope(ToDto(created!.Preview));
        return created.Existing ? TypedResults.Ok(envelope) : TypedResults.Created($"/v1/previews/{created.Preview.Id}", envelope);
    }

    internal static async Task<Results<Ok<ListDto<PreviewDto>>, ApiError>> ListPreviewsAsync(string id, HttpRequest request, ClaimsPrincipal principal, PreviewService previews, CancellationToken ct)
    {
        var limit = Limit(request);
        if (limit.Error is { } bad)
        {
            return new ApiError(bad);
        }

        var (page, error) = await previews.ListAsync(principal.ToCaller(), id, limit.Value, Cursor(request), ct);
        return error is null ? TypedResults.Ok(ToList(page!, ToDto)) : new ApiError(error);
    }

    internal static async Task<Results<Ok<PreviewEnvelope>, ApiError>> GetPreviewAsync(string id, ClaimsPrincipal principal, PreviewService previews, CancellationToken ct)
    {
        var (preview, error) = await previews.GetAsync(principal.ToCaller(), id, ct);
        return error is null ? TypedResults.Ok(new PreviewEnvelope(ToDto(preview!))) : new ApiError(error);
    }

    internal static async Task<Results<Ok<PreviewEnvelope>, ApiError>> RevokePreviewAsync(string id, ClaimsPrincipal principal, PreviewService previews, CancellationToken ct)
    {
        var (preview, error) = await previews.RevokeAsync(principal.ToCaller(), id, ct);
        return error is null ? TypedResults.Ok(new PreviewEnvelope(ToDto(preview!))) : new ApiError(error);
    }

    internal static ProjectDto ToDto(Project p) => new(p.Id, p.WorkspaceId, p.Name, Timestamps.Format(p.CreatedAt), Timestamps.Format(p.UpdatedAt));

    internal static SandboxDto ToDto(Sandbox s) => new(s.Id, s.OrganizationId, s.ProjectId, s.Status, s.Runtime, Timestamps.Format(s.CreatedAt), Timestamps.Format(s.ExpiresAt), Timestamps.Format(s.DestroyedAt));

    internal static CommandDto ToDto(SandboxCommand c) => new(c.Id, c.SandboxId, c.Command, c.Cwd, c.Status, c.ExitCode, Timestamps.Format(c.StartedAt), Timestamps.Format(c.ExitedAt));

    internal static OutputChunkDto ToDto(CommandOutput o) => new(o.Seq, o.Stream, o.Data, Timestamps.Format(o.At));

    internal static PreviewDto ToDto(Preview p) => new(p.Id, p.Slug, p.Url, p.OrganizationId, p.ProjectId, p.SandboxId, p.Port, p.AuthMode, Timestamps.Format(p.CreatedAt), Timestamps.Format(p.ExpiresAt), Timestamps.Format(p.RevokedAt));

    private static ListDto<TDto> ToList<T, TDto>(ListPage<T> page, Func<T, TDto> map) => new([.. page.Data.Select(map)], page.HasMore, page.NextCursor);

    private static string? Cursor(HttpRequest request) => request.Query.TryGetValue("cursor", out var c) && c.ToString().Length > 0 ? c.ToString() : null;

    private static Result<int?> Limit(HttpRequest request, int max = 100)
    {
        if (!request.Query.TryGetValue("limit", out var text))
        {
            return (int?)null;
        }

        return int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit >= 1 && limit <= max
            ? limit
            : PlatformError.Invalid($"limit: must be an integer between 1 and {max.ToString(CultureInfo.InvariantCulture)}");
    }

    private static async Task<(T? Body, ApiError? Error)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, new ApiError(PlatformError.Invalid("body: expected Content-Type: application/json")));
        }

        try
        {
            var body = await request.ReadFromJsonAsync<T>(ct);
            return body is null ? (null, new ApiError(PlatformError.Invalid("body: expected a JSON object"))) : (body, null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (null, new ApiError(PlatformError.Invalid("body: expected a JSON object with the documented fields")));
        }
    }
}
