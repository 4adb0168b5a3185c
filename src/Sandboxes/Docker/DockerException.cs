namespace CrowNest.Sandboxes.Docker;

/// <summary>Classified Docker Engine API failure.</summary>
public enum DockerError
{
    /// <summary>The daemon socket is missing or refuses connections.</summary>
    DaemonUnavailable,

    /// <summary>HTTP 400: invalid parameters.</summary>
    BadRequest,

    /// <summary>HTTP 403: operation not permitted (e.g. read-only path).</summary>
    Forbidden,

    /// <summary>HTTP 404: no such container/image/exec.</summary>
    NotFound,

    /// <summary>HTTP 409: name in use, container not running, removal in progress.</summary>
    Conflict,

    /// <summary>HTTP 5xx: daemon-side failure.</summary>
    ServerError,

    /// <summary>Any other unexpected status or malformed response.</summary>
    Unexpected,
}

/// <summary>A failed Docker Engine API call.</summary>
public sealed class DockerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DockerException(DockerError error, int? statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        StatusCode = statusCode;
    }

    /// <summary>Failure class.</summary>
    public DockerError Error { get; }

    /// <summary>HTTP status code, when the daemon answered.</summary>
    public int? StatusCode { get; }

    /// <summary>Maps an HTTP status code to a <see cref="DockerError"/>.</summary>
    public static DockerError Classify(int statusCode) => statusCode switch
    {
        400 => DockerError.BadRequest,
        403 => DockerError.Forbidden,
        404 => DockerError.NotFound,
        409 => DockerError.Conflict,
        >= 500 => DockerError.ServerError,
        _ => DockerError.Unexpected,
    };
}
