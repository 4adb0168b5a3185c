namespace CrowNest.Platform.Auth;

/// <summary>Who is calling: the API key and the user and organization it acts for.</summary>
public sealed record Caller
{
    /// <summary>The API key's prefixed ID.</summary>
    public required string ApiKeyId { get; init; }

    /// <summary>The user the key acts for.</summary>
    public required string UserId { get; init; }

    /// <summary>The key's organization.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Granted scopes.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }
}
