using System.Text;
using CrowNest.Subscriptions;
using Microsoft.Extensions.Logging;

namespace CrowNest.Platform.Sandboxes;

/// <summary>
/// Pub/sub topics of sandboxes, commands and previews (the GraphQL subscriptions <c>sandboxUpdated</c>,
/// <c>commandOutput</c> and <c>previewUpdated</c> listen on them). Events only say what changed; subscribers re-read
/// the state as themselves, so visibility is re-checked and nothing large travels through NOTIFY.
/// </summary>
public static class SandboxTopics
{
    /// <summary>A sandbox's status (or error) changed. Message: <see cref="SandboxChanged"/>.</summary>
    public static string Sandbox(string sandboxId) => $"sandbox:{sandboxId}";

    /// <summary>A command stored output or exited. Message: <see cref="CommandOutputEvent"/>.</summary>
    public static string CommandOutput(string commandId) => $"commandOutput:{commandId}";

    /// <summary>A preview of the sandbox was created or revoked. Message: <see cref="SandboxPreviewsChanged"/>.</summary>
    public static string Previews(string sandboxId) => $"sandboxPreviews:{sandboxId}";
}

/// <summary>A sandbox's new status.</summary>
public sealed record SandboxChanged
{
    public required string SandboxId { get; init; }
    public required string Status { get; init; }
}

/// <summary>
/// A command's output chunk <see cref="Seq"/> was stored (<see cref="Data"/> inline only when small, otherwise
/// subscribers load it from <c>command_output</c> by reference), or the command exited (<see cref="ExitStatus"/> set;
/// published after its last chunk was stored).
/// </summary>
public sealed record CommandOutputEvent
{
    public required string CommandId { get; init; }

    /// <summary>The stored chunk's sequence number; on exit the last stored one (0 when there was no output).</summary>
    public long Seq { get; init; }

    public string? Stream { get; init; }

    /// <summary>The chunk's text when at most <see cref="SandboxEventPublisher.MaxInlineBytes"/> UTF-8 bytes; else null.</summary>
    public string? Data { get; init; }

    public DateTimeOffset? At { get; init; }

    /// <summary>The command's final status (<see cref="CommandStatuses"/>) when this event announces its exit.</summary>
    public string? ExitStatus { get; init; }
}

/// <summary>A preview of the sandbox was created or revoked (<see cref="PreviewId"/> null: possibly several).</summary>
public sealed record SandboxPreviewsChanged
{
    public required string SandboxId { get; init; }
    public string? PreviewId { get; init; }
}

/// <summary>
/// Publishes the sandbox area's events after the change is committed. Publishing never fails the operation: a lost
/// event is logged (subscribers re-read state after a pub/sub reconnect). No-op when no pub/sub is registered.
/// </summary>
public sealed partial class SandboxEventPublisher(ILogger<SandboxEventPublisher> logger, ITopicEventSender? sender = null)
{
    /// <summary>Largest chunk (UTF-8 bytes) carried inline; keeps every event far below NOTIFY's 8000-byte limit.</summary>
    public const int MaxInlineBytes = 4000;

    public Task SandboxChangedAsync(string sandboxId, string status) =>
        SendAsync(SandboxTopics.Sandbox(sandboxId), new SandboxChanged { SandboxId = sandboxId, Status = status });

    public Task OutputStoredAsync(CommandOutput chunk) =>
        SendAsync(SandboxTopics.CommandOutput(chunk.CommandId), new CommandOutputEvent
        {
            CommandId = chunk.CommandId,
            Seq = chunk.Seq,
            Stream = chunk.Stream,
            Data = Encoding.UTF8.GetMaxByteCount(chunk.Data.Length) <= MaxInlineBytes || Encoding.UTF8.GetByteCount(chunk.Data) <= MaxInlineBytes ? chunk.Data : null,
            At = chunk.At,
        });

    public Task CommandExitedAsync(string commandId, long lastSeq, string status) =>
        SendAsync(SandboxTopics.CommandOutput(commandId), new CommandOutputEvent { CommandId = commandId, Seq = lastSeq, ExitStatus = status });

    public Task PreviewsChangedAsync(string sandboxId, string? previewId = null) =>
        SendAsync(SandboxTopics.Previews(sandboxId), new SandboxPreviewsChanged { SandboxId = sandboxId, PreviewId = previewId });

    private async Task SendAsync<T>(string topic, T message)
    {
        if (sender is null)
        {
            return;
        }

        try
        {
            // Not cancellable: the change is committed, its event should go out even if the request was aborted.
            await sender.SendAsync(topic, message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SubscriptionException or ObjectDisposedException or System.Text.Json.JsonException or NotSupportedException)
        {
            // Never fail the caller (e.g. the output pump, which would record the command as failed).
            LogPublishFailed(logger, topic, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish an event on {Topic}")]
    private static partial void LogPublishFailed(ILogger logger, string topic, Exception exception);
}
