namespace CrowNest.Platform.Data;

public sealed class Organization
{
    public required string Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class User
{
    public required string Id { get; set; }
    public required string Email { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class OrganizationRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
}

public sealed class OrganizationMember
{
    public required string OrganizationId { get; set; }
    public required string UserId { get; set; }
    public required string Role { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class Workspace
{
    public required string Id { get; set; }
    public required string OrganizationId { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class WorkspaceRoles
{
    public const string Admin = "admin";
    public const string Editor = "editor";
    public const string Viewer = "viewer";
}

public sealed class WorkspaceMember
{
    public required string WorkspaceId { get; set; }
    public required string UserId { get; set; }
    public required string Role { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class Project
{
    public required string Id { get; set; }
    public required string WorkspaceId { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class ApiKey
{
    public required string Id { get; set; }
    public required string UserId { get; set; }
    public required string OrganizationId { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required byte[] KeyHash { get; set; }
    public string[] Scopes { get; set; } = [];
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public static class AppStatuses
{
    public const string Draft = "draft";
    public const string Live = "live";
}

public sealed class App
{
    public required string Id { get; set; }
    public required string WorkspaceId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string Handle { get; set; }
    public string? DefaultVersionId { get; set; }
    public string Status { get; set; } = AppStatuses.Draft;
    public bool PublicAccess { get; set; }
    public string? PagesProjectId { get; set; }
    public string? ApiKeyId { get; set; }

    /// <summary>Raw JSON object (jsonb); kept as text so the API returns exactly what was stored.</summary>
    public string Config { get; set; } = "{}";
    public string? CreatedBy { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    public string? RetentionTier { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class AppVersion
{
    public required string Id { get; set; }
    public required string AppId { get; set; }
    public int Number { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
