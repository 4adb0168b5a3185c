using System.Security.Claims;
using CrowNest.Edge;
using CrowNest.Platform;
using CrowNest.Platform.Previews;
using CrowNest.Sandboxes;
using CrowNest.Server.Auth;
using CrowNest.Server.Hosting;
using CrowNest.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using EdgeRoute = CrowNest.Edge.PreviewRoute;

namespace CrowNest.Server.Previews;

/// <summary>The edge's routes come from the <c>previews</c> table (revoked rows included, so the edge answers 404).</summary>
public sealed class DatabasePreviewRouteStore(IServiceScopeFactory scopes, ISandboxRuntime runtime) : IPreviewRouteStore
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
                TargetPort = await HostPortAsync(route, timeout.Token),
                RevokedAt = route.RevokedAt,
                ExpiresAt = route.ExpiresAt,
            };
    }

    /// <summary>
    /// A process jail shares the host network (its port is the host port); a container's port is published on a
    /// random 127.0.0.1 port. An unpublished container port maps to 0 (unreachable → 502), never to a host service.
    /// </summary>
    private async ValueTask<int> HostPortAsync(CrowNest.Platform.Previews.PreviewRoute route, CancellationToken ct)
    {
        if (route.RevokedAt is not null || route.Runtime != "docker" || runtime.Kind != "docker")
        {
            return route.Port;
        }

        try
        {
            var info = await runtime.InspectAsync(route.RuntimeSandboxId, ct);
            // Rows may name the container port (/v1 previews) or the host port it is published on.
            var ports = info?.Ports ?? [];
            return ports.FirstOrDefault(p => p.Port == route.Port)?.HostPort ?? (ports.Any(p => p.HostPort == route.Port) ? route.Port : 0);
        }
        catch (SandboxException)
        {
            return 0;
        }
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
public sealed class PreviewRouteInvalidator(NpgsqlDataSource dataSource, PreviewRouteCache cache, ILogger<PreviewRouteInvalidator> logger)
    : NotifyListener(dataSource, PreviewService.NotifyChannel, logger)
{
    protected override void OnNotification(string payload) => cache.Invalidate(payload);

    protected override void OnReset() => cache.InvalidateAll();
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
        // The body is optional; JSON clients may send it chunked (no Content-Length). A body that is not JSON is
        // refused rather than ignored (curl -d sends a form type): the caller asked for a lifetime it would not get.
        if (request.ContentLength != 0 && !request.HasJsonContentType() && (request.ContentLength > 0 || request.ContentType is not null))
        {
            return new ApiError(PlatformError.Invalid("body: expected a JSON object (Content-Type: application/json)"));
        }

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
