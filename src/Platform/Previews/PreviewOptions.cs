namespace CrowNest.Platform.Previews;

/// <summary>Preview settings (section <c>Previews</c>); the server fills the URL parts from the edge's settings.</summary>
public sealed record PreviewOptions
{
    public const string Section = "Previews";

    /// <summary>Scheme of preview URLs (<c>http</c> in development, <c>https</c> in production).</summary>
    public string Scheme { get; init; } = "http";

    /// <summary>Host (and port when not the scheme's default) that slugs are prefixed to: <c>preview.localhost:5081</c>.</summary>
    public string BaseDomain { get; init; } = "preview.localhost:5081";

    /// <summary>Active (not revoked) previews allowed per project.</summary>
    public int MaxActivePerProject { get; init; } = 20;
}
