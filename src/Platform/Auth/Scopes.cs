namespace CrowNest.Platform.Auth;

/// <summary>API-key scopes. <c>admin</c> implies every other scope.</summary>
public static class Scopes
{
    public const string AppRead = "app:read";
    public const string AppWrite = "app:write";
    public const string AppDeploy = "app:deploy";
    public const string PreviewCreate = "preview:create";
    public const string PreviewRead = "preview:read";
    public const string PreviewRevoke = "preview:revoke";
    public const string SandboxRead = "sandbox:read";
    public const string SandboxWrite = "sandbox:write";
    public const string Admin = "admin";

    /// <summary>Every scope a key may be given.</summary>
    public static IReadOnlyList<string> All { get; } =
        [AppRead, AppWrite, AppDeploy, PreviewCreate, PreviewRead, PreviewRevoke, SandboxRead, SandboxWrite, Admin];

    /// <summary>Whether the caller's key grants <paramref name="scope"/>.</summary>
    public static bool Has(this Caller caller, string scope) =>
        caller.Scopes.Contains(scope) || caller.Scopes.Contains(Admin);
}
