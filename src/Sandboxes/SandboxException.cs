using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;

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

    /// <summary>
    /// Classifies a failure thrown by an <see cref="ISandboxRuntime"/> call. A <see cref="SandboxException"/> is
    /// returned as is; transport failures that escaped a runtime (the engine's socket gone: <see cref="IOException"/>,
    /// <see cref="SocketException"/>, <see cref="HttpRequestException"/>, <see cref="TimeoutException"/>) become
    /// <see cref="SandboxErrorCode.RuntimeUnavailable"/>; OS refusals (<see cref="UnauthorizedAccessException"/>,
    /// <see cref="System.ComponentModel.Win32Exception"/>) become <see cref="SandboxErrorCode.Internal"/>. Anything
    /// else (cancellation, programming errors) is not a runtime failure and returns <see langword="false"/>.
    /// </summary>
    public static bool TryClassify(Exception exception, [NotNullWhen(true)] out SandboxException? failure)
    {
        ArgumentNullException.ThrowIfNull(exception);
        failure = exception switch
        {
            SandboxException sandbox => sandbox,
            IOException or SocketException or HttpRequestException or TimeoutException =>
                new SandboxException(SandboxErrorCode.RuntimeUnavailable, "The sandbox runtime is unreachable: " + exception.Message, exception),
            UnauthorizedAccessException or System.ComponentModel.Win32Exception =>
                new SandboxException(SandboxErrorCode.Internal, "The sandbox runtime failed: " + exception.Message, exception),
            _ => null,
        };
        return failure is not null;
    }
}
