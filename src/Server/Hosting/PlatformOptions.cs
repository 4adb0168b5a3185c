namespace CrowNest.Server.Hosting;

/// <summary>Where the API listens (config section <c>Api</c>).</summary>
public sealed record ApiOptions
{
    public const string Section = "Api";
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public string Url { get; init; } = DefaultUrl;
}

/// <summary>Whether this process serves previews itself (config section <c>Edge</c>, key <c>InProcess</c>).</summary>
public sealed record EdgeHostingOptions
{
    /// <summary>
    /// Serve previews on <c>Edge:Url</c> in the platform's own process (default). False when standalone edges
    /// (<c>./crownest edge</c>) serve them: the platform then neither binds the edge port nor answers preview hosts.
    /// </summary>
    public bool InProcess { get; init; } = true;
}

/// <summary>Database behaviour at startup (config section <c>Database</c>).</summary>
public sealed record DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply pending migrations at startup.</summary>
    public bool Migrate { get; init; } = true;
}

/// <summary>Resolved database location: an external server, or the platform-owned embedded cluster.</summary>
public sealed class DatabaseLocation(string? externalConnectionString)
{
    public string? ExternalConnectionString { get; } = string.IsNullOrWhiteSpace(externalConnectionString) ? null : externalConnectionString;

    public bool IsEmbedded => ExternalConnectionString is null;
}
