using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace CrowNest.Edge;

internal static partial class EdgeLog
{
    [LoggerMessage(1, LogLevel.Warning, "Preview {Slug}: forwarding to {Destination} failed with {Error} ({Failure})")]
    public static partial void ForwardFailed(this ILogger logger, string slug, string destination, ForwarderError error, EdgeFailure failure, Exception? exception);

    [LoggerMessage(7, LogLevel.Debug, "Preview {Slug}: client went away while forwarding ({Error})")]
    public static partial void ClientAborted(this ILogger logger, string slug, ForwarderError error);

    [LoggerMessage(2, LogLevel.Error, "Preview {Slug}: route lookup failed")]
    public static partial void RouteLookupFailed(this ILogger logger, string slug, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "Preview {PreviewId}: access link rejected ({Status})")]
    public static partial void AccessLinkRejected(this ILogger logger, string previewId, AccessLinkStatus status);

    [LoggerMessage(4, LogLevel.Debug, "Preview {PreviewId}: access link accepted, session cookie set")]
    public static partial void AccessLinkAccepted(this ILogger logger, string previewId);

    [LoggerMessage(6, LogLevel.Error, "Preview {PreviewId}: bearer authentication failed")]
    public static partial void AuthenticationFailed(this ILogger logger, string previewId, Exception exception);

    [LoggerMessage(5, LogLevel.Error, "Preview {PreviewId}: activity sink failed")]
    public static partial void ActivitySinkFailed(this ILogger logger, string previewId, Exception exception);
}
