namespace CrowNest.Edge;

/// <summary>Preview edge settings (config section <c>Edge</c>).</summary>
public sealed record EdgeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Edge";

    /// <summary>Default listen URL of the edge.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5081";

    /// <summary>URL the edge listens on; every request arriving on its port is an edge request.</summary>
    public string Url { get; init; } = DefaultUrl;

    /// <summary>Host suffix of preview hosts: <c>&lt;name&gt;.preview.localhost</c>.</summary>
    public string PreviewDomain { get; init; } = "preview.localhost";

    /// <summary>The port of <see cref="Url"/>.</summary>
    public int Port => new Uri(Url).Port;
}
