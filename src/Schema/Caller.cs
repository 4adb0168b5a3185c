namespace CrowNest.Schema;

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

/// <summary>Gives resolvers the authenticated caller; the host implements it from its authentication.</summary>
public interface ICallerAccessor
{
    /// <summary>The caller of the current request, or null when unauthenticated.</summary>
    Caller? Current { get; }
}
