namespace CrowNest.Platform;

/// <summary>
/// Why a platform operation was refused. REST maps a kind to a status and a snake_case <c>code</c>; GraphQL maps it
/// to an upper-case <c>extensions.code</c>. Adding a kind means adding both mappings (see <see cref="PlatformError"/>).
/// </summary>
public enum ErrorKind
{
    /// <summary>Malformed or invalid input (400 <c>invalid_request</c>).</summary>
    InvalidRequest,

    /// <summary>A malformed cursor, or one made for another ordering (400 <c>invalid_request</c>; GraphQL <c>INVALID_CURSOR</c>).</summary>
    InvalidCursor,

    /// <summary>No valid credentials (401 <c>unauthorized</c>).</summary>
    Unauthorized,

    /// <summary>A visible object, but the key lacks the scope or the user the role (403 <c>forbidden</c>).</summary>
    Forbidden,

    /// <summary>Absent, or another tenant's (404 <c>not_found</c>): the two are indistinguishable on purpose.</summary>
    NotFound,

    /// <summary>The state forbids it: a taken handle, purge of a live app (409 <c>conflict</c>).</summary>
    Conflict,

    /// <summary>A size limit (413 <c>quota_exceeded</c>).</summary>
    PayloadTooLarge,

    /// <summary>A count or rate limit (429 <c>quota_exceeded</c>).</summary>
    QuotaExceeded,

    /// <summary>The sandbox is destroyed (409 <c>sandbox_destroyed</c>).</summary>
    SandboxDestroyed,

    /// <summary>A preview <c>authMode</c> other than <c>authenticated</c> (400 <c>unsupported_preview_auth_mode</c>).</summary>
    UnsupportedPreviewAuthMode,

    /// <summary>A dependency (database, runtime) is unavailable (503 <c>unavailable</c>).</summary>
    Unavailable,
}

/// <summary>A refused operation: errors are data, exceptions are for programming errors.</summary>
public sealed record PlatformError(ErrorKind Kind, string Message)
{
    /// <summary>The REST <c>error.code</c>.</summary>
    public string Code => Kind switch
    {
        ErrorKind.InvalidRequest or ErrorKind.InvalidCursor => "invalid_request",
        ErrorKind.Unauthorized => "unauthorized",
        ErrorKind.Forbidden => "forbidden",
        ErrorKind.NotFound => "not_found",
        ErrorKind.Conflict => "conflict",
        ErrorKind.PayloadTooLarge or ErrorKind.QuotaExceeded => "quota_exceeded",
        ErrorKind.SandboxDestroyed => "sandbox_destroyed",
        ErrorKind.UnsupportedPreviewAuthMode => "unsupported_preview_auth_mode",
        ErrorKind.Unavailable => "unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    /// <summary>The HTTP status of the REST shim.</summary>
    public int Status => Kind switch
    {
        ErrorKind.InvalidRequest or ErrorKind.InvalidCursor or ErrorKind.UnsupportedPreviewAuthMode => 400,
        ErrorKind.Unauthorized => 401,
        ErrorKind.Forbidden => 403,
        ErrorKind.NotFound => 404,
        ErrorKind.Conflict or ErrorKind.SandboxDestroyed => 409,
        ErrorKind.PayloadTooLarge => 413,
        ErrorKind.QuotaExceeded => 429,
        ErrorKind.Unavailable => 503,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    /// <summary>The GraphQL <c>extensions.code</c>.</summary>
    public string GraphQLCode => Kind == ErrorKind.InvalidCursor ? "INVALID_CURSOR" : Code.ToUpperInvariant();

    public static PlatformError Invalid(string message) => new(ErrorKind.InvalidRequest, message);

    public static PlatformError InvalidCursor(string message) => new(ErrorKind.InvalidCursor, message);

    /// <summary>Not found, named by the kind of object (e.g. "App").</summary>
    public static PlatformError NotFound(string what) => new(ErrorKind.NotFound, $"{what} not found");

    public static PlatformError Forbidden(string message) => new(ErrorKind.Forbidden, message);

    /// <summary>The caller's key lacks <paramref name="scope"/>.</summary>
    public static PlatformError MissingScope(string scope) => new(ErrorKind.Forbidden, $"This API key lacks the '{scope}' scope");

    public static PlatformError Conflict(string message) => new(ErrorKind.Conflict, message);

    public static PlatformError TooLarge(string message) => new(ErrorKind.PayloadTooLarge, message);

    public static PlatformError Quota(string message) => new(ErrorKind.QuotaExceeded, message);
}

/// <summary>A value or a <see cref="PlatformError"/>.</summary>
public readonly struct Result<T>
{
    private Result(T? value, PlatformError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value when <see cref="Error"/> is null.</summary>
    public T? Value { get; }

    public PlatformError? Error { get; }

    public bool IsSuccess => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(PlatformError error) => new(default, error);

    /// <summary>Deconstructs into value and error, for <c>var (app, error) = await ...</c>.</summary>
    public void Deconstruct(out T? value, out PlatformError? error)
    {
        value = Value;
        error = Error;
    }
}
