using System.Security.Claims;
using CrowNest.Edge;
using CrowNest.Platform;
using CrowNest.Platform.Previews;
using CrowNest.Server.Auth;
using CrowNest.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using EdgeRoute = CrowNest.Edge.PreviewRoute;

namespace CrowNest.Server.Previews;

/// <summary>The edge's routes come from the <c>previews</c> table (revoked rows included, so the edge answers 404).</summary>
public sealed class DatabasePreviewRouteStore(IServiceScopeFactory scopes) : IPreviewRouteStore
{
    public async ValueTask<EdgeRoute?> FindBySlugAsync(string slug, CancellationToken cancellationToken)
    {
        // The cache shares one lookup between requests, so it passes no request token: bound it here.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        await using var scope = scopes.CreateAsyncScope();
        var route = await scope.ServiceProvider.GetRequiredService<PreviewRouteLookup>().FindBySlugAsync(slug, timeout.Token);
        return route is null
            ? null
            : new EdgeRoute
            {
                PreviewId = route.PreviewId,
                Slug = route.Slug,
                ProjectId = route.ProjectId,
                OrganizationId = route.OrganizationId,
                SandboxId = route.SandboxId,
                TargetPort = route.Port,
                RevokedAt = route.RevokedAt,
            };
    }
}

/// <summary>A Bearer API key may open a preview when it has <c>preview:read</c> and can see the preview's project.</summary>
public sealed class ApiKeyPreviewAuthenticator(ApiKeyValidator keys, PreviewRouteLookup lookup) : IPreviewAuthenticator
{
    public async ValueTask<PreviewAuthResult> AuthenticateBearerAsync(string token, EdgeRoute route, CancellationToken cancellationToken)
    {
        var check = await keys.CheckAsync(token, cancellationToken);
        if (check.Principal is null)
        {
            return PreviewAuthResult.Unauthorized;
        }

        // Another tenant's preview and a visible one without preview:read both look absent to the key.
        return await lookup.CanReadPreviewAsync(check.Principal.ToCaller(), route.ProjectId, cancellationToken)
            ? PreviewAuthResult.Allowed
            : PreviewAuthResult.NotFound;
    }
}

/// <summary>
/// Keeps every instance's edge route cache in step with the <c>previews</c> table: <see cref="PreviewService"/>
/// NOTIFYs <c>crownest_previews</c> with the slug on create and revoke. After a lost connection everything is
/// invalidated, because notifications sent meanwhile are gone.
/// </summary>
public sealed partial class PreviewRouteInvalidator(NpgsqlDataSource dataSource, PreviewRouteCache cache, ILogger<PreviewRouteInvalidator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => cache.Invalidate(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {PreviewService.NotifyChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                cache.InvalidateAll();
                delay = TimeSpan.FromMilliseconds(200);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                LogListenerLost(logger, e.Message);
                cache.InvalidateAll();
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preview route listener lost its connection ({Reason}); reconnecting")]
    private static partial void LogListenerLost(ILogger logger, string reason);
}

/// <summary>The edge's HMAC signer behind <see cref="PreviewAccessLinkService"/>.</summary>
public sealed class EdgeAccessLinkSigner(PreviewAccessLinks links) : IPreviewAccessLinkSigner
{
    public string Parameter => EdgeOptions.AccessParameter;

    public string Sign(string previewId, TimeSpan lifetime) => links.Create(previewId, lifetime);
}

/// <summary><c>POST /v1/previews/{id}/access-links</c>: a short-lived signed link a browser or iframe can open.</summary>
public static class PreviewAccessLinksApi
{
    public sealed record AccessLinkRequest
    {
        public int? ExpiresInSeconds { get; init; }
    }

    public sealed record AccessLinkDto(string Url, string ExpiresAt);

    public sealed record AccessLinkEnvelope(AccessLinkDto AccessLink);

    public static IEndpointRouteBuilder MapPreviewAccessLinksApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/previews/{id}/access-links", CreateAsync).RequireAuthorization();
        return endpoints;
    }

    internal static async Task<Results<Created<AccessLinkEnvelope>, ApiError>> CreateAsync(
        string id, HttpRequest request, ClaimsPrincipal principal, PreviewAccessLinkService links, CancellationToken ct)
    {
        int? seconds = null;
        // The body is optional; JSON clients may send it chunked (no Content-Length).
        if (request.ContentLength != 0 && request.HasJsonContentType())
        {
            try
            {
                seconds = (await request.ReadFromJsonAsync<AccessLinkRequest>(ct))?.ExpiresInSeconds;
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
            {
                return new ApiError(PlatformError.Invalid("body: expected a JSON object"));
            }
        }

        var (link, error) = await links.CreateAsync(principal.ToCaller(), id, seconds, ct);
        return error is null
            ? TypedResults.Created((string?)null, new AccessLinkEnvelope(new AccessLinkDto(link!.Url, Timestamps.Format(link.ExpiresAt))))
            : new ApiError(error);
    }
}
