using CrowNest.Platform.Auth;

namespace CrowNest.Platform.Previews;

/// <summary>Signs access-link tokens the preview edge accepts (implemented by the host over the edge's signer).</summary>
public interface IPreviewAccessLinkSigner
{
    /// <summary>The query parameter the edge exchanges for its cookie.</summary>
    string Parameter { get; }

    /// <summary>A token for <paramref name="previewId"/> valid for <paramref name="lifetime"/>.</summary>
    string Sign(string previewId, TimeSpan lifetime);
}

/// <summary>A short-lived signed link a browser or iframe can open.</summary>
public sealed record PreviewAccessLink(string Url, DateTimeOffset ExpiresAt);

/// <summary>
/// Access links for REST <c>POST /v1/previews/{id}/access-links</c> and GraphQL <c>createPreviewAccessLink</c>: one
/// place for the access check (<c>preview:read</c>, revoked → not found), then the lifetime rules (default 300 s,
/// 1–3600 s), and the URL shape.
/// </summary>
public sealed class PreviewAccessLinkService(PreviewService previews, IPreviewAccessLinkSigner signer, TimeProvider time)
{
    public const int DefaultSeconds = 300;
    public const int MaxSeconds = 3600;

    public async Task<Result<PreviewAccessLink>> CreateAsync(Caller caller, string previewId, int? expiresInSeconds, CancellationToken ct)
    {
        // not_found and forbidden come before input errors, as everywhere else: a bad lifetime tells another tenant nothing.
        var (preview, error) = await previews.GetAsync(caller, previewId, ct);
        if (error is not null)
        {
            return error;
        }

        if (preview!.RevokedAt is not null)
        {
            return PlatformError.NotFound("Preview");
        }

        var seconds = expiresInSeconds ?? DefaultSeconds;
        if (seconds is < 1 or > MaxSeconds)
        {
            return PlatformError.Invalid($"expiresInSeconds: must be between 1 and {MaxSeconds}");
        }

        var lifetime = TimeSpan.FromSeconds(seconds);
        var token = signer.Sign(preview.Id, lifetime);
        var url = $"{preview.Url.TrimEnd('/')}/?{signer.Parameter}={Uri.EscapeDataString(token)}";
        return new PreviewAccessLink(url, time.GetUtcNow() + lifetime);
    }
}
