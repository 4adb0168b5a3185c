namespace CrowNest.Sandboxes;

/// <summary>Stable error codes of sandbox operations (map to GraphQL <c>extensions.code</c> / REST error codes).</summary>
public enum SandboxErrorCode
{
    /// <summary>The sandbox does not exist.</summary>
    SandboxNotFound,

    /// <summary>The command does not exist in the sandbox.</summary>
    CommandNotFound,

    /// <summary>A sandbox with the id already exists.</summary>
    AlreadyExists,

    /// <summary>Invalid argument (id, path, limits).</summary>
    InvalidArgument,

    /// <summary>Isolation (bubblewrap) is unavailable and <c>Sandboxes:AllowUnisolated</c> is not set.</summary>
    IsolationUnavailable,

    /// <summary>The container engine is unreachable.</summary>
    RuntimeUnavailable,

    /// <summary>The sandbox image is missing (run <c>scripts/sandbox-image/build.sh</c>).</summary>
    ImageNotFound,

    /// <summary>Starting a process failed.</summary>
    StartFailed,

    /// <summary>Unexpected runtime failure.</summary>
    Internal,
}

/// <summary>A failed sandbox operation.</summary>
public sealed class SandboxException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SandboxException(SandboxErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    /// <summary>Stable error code.</summary>
    public SandboxErrorCode Code { get; }
}
