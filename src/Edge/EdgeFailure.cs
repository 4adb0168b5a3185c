using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace CrowNest.Edge;

/// <summary>Why the edge answered a request itself instead of (fully) proxying it.</summary>
public enum EdgeFailure
{
    /// <summary>A request on the edge port for a host that is not <c>&lt;slug&gt;.&lt;preview domain&gt;</c>.</summary>
    UnknownHost,

    /// <summary>No such preview, or it is revoked or expired, or the caller's project access does not cover it.</summary>
    PreviewNotFound,

    /// <summary>No valid bearer key, session cookie or access link.</summary>
    Unauthorized,

    /// <summary>The route store or the bearer authenticator failed (database down): 503, not cached.</summary>
    RouteLookupFailed,

    /// <summary>The sandbox port refused or reset the connection, or broke off the exchange.</summary>
    PreviewUnavailable,

    /// <summary>The sandbox did not answer (or went idle) within the configured timeout.</summary>
    PreviewTimeout,

    /// <summary>The client sent a request body the edge could not read.</summary>
    InvalidRequest,

    /// <summary>The client went away; nothing is answered.</summary>
    ClientAborted,
}

/// <summary>Classification of forwarding errors and the status/code each failure answers with.</summary>
public static class EdgeFailures
{
    /// <summary>HTTP status the failure answers with (499 for <see cref="EdgeFailure.ClientAborted"/>, which is never sent).</summary>
    public static int StatusCode(this EdgeFailure failure) => failure switch
    {
        EdgeFailure.UnknownHost or EdgeFailure.PreviewNotFound => StatusCodes.Status404NotFound,
        EdgeFailure.Unauthorized => StatusCodes.Status401Unauthorized,
        EdgeFailure.RouteLookupFailed => StatusCodes.Status503ServiceUnavailable,
        EdgeFailure.PreviewUnavailable or EdgeFailure.PreviewTimeout => StatusCodes.Status502BadGateway,
        EdgeFailure.InvalidRequest => StatusCodes.Status400BadRequest,
        EdgeFailure.ClientAborted => StatusCodes.Status499ClientClosedRequest,
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, null),
    };

    /// <summary>Stable REST error code (<c>error.code</c>) of the failure.</summary>
    public static string ErrorCode(this EdgeFailure failure) => failure switch
    {
        EdgeFailure.UnknownHost or EdgeFailure.PreviewNotFound => "not_found",
        EdgeFailure.Unauthorized => "unauthorized",
        EdgeFailure.RouteLookupFailed => "service_unavailable",
        EdgeFailure.PreviewUnavailable or EdgeFailure.PreviewTimeout => "preview_unavailable",
        EdgeFailure.InvalidRequest => "invalid_request",
        EdgeFailure.ClientAborted => "client_closed",
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, null),
    };

    /// <summary>Classifies a YARP forwarding error by whose side failed.</summary>
    internal static EdgeFailure Classify(ForwarderError error) => error switch
    {
        ForwarderError.RequestTimedOut or ForwarderError.UpgradeActivityTimeout => EdgeFailure.PreviewTimeout,
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
            or ForwarderError.ResponseBodyClient or ForwarderError.UpgradeRequestCanceled
            or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseCanceled
            or ForwarderError.UpgradeResponseClient => EdgeFailure.ClientAborted,
        ForwarderError.RequestBodyClient => EdgeFailure.InvalidRequest,
        // Request, RequestCreation, RequestBodyDestination, ResponseHeaders, ResponseBodyDestination,
        // UpgradeRequestDestination, UpgradeResponseDestination, NoAvailableDestinations: the sandbox side failed.
        _ => EdgeFailure.PreviewUnavailable,
    };
}
