using System.Diagnostics;
using System.Runtime.CompilerServices;
using CrowNest.GraphQL;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Types;
using CrowNest.Platform;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Previews;
using CrowNest.Platform.Sandboxes;
using CrowNest.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Schema.Resolvers;

/// <summary>
/// <c>sandboxUpdated</c>, <c>commandOutput</c> and <c>previewUpdated</c> over the topics the sandbox area publishes
/// (<see cref="SandboxTopics"/>). Each subscribes to its topic before reading the database, so nothing committed
/// between the two is missed; access is checked at subscribe time and re-checked whenever state is re-read.
/// </summary>
internal static class SandboxSubscriptionResolvers
{
    /// <summary>Chunks read per page while replaying stored output.</summary>
    private const int ReplayPageSize = 1000;

    /// <summary>Previews of a sandbox a <c>previewUpdated</c> subscriber follows (newest first, the listing maximum).</summary>
    private const int PreviewWindow = 100;

    /// <summary>While output flows inline, access is re-checked at least this often.</summary>
    private static readonly TimeSpan AccessRecheckInterval = TimeSpan.FromSeconds(1);

    public static void Register(SchemaBuilder builder)
    {
        builder.AddResolver("Subscription.sandboxUpdated", async ctx =>
        {
            var id = (string)ctx.Arguments["id"]!;
            var stream = await LiveQuery.StreamAsync<Sandbox>(ctx, SandboxTopics.Sandbox(id), async (services, caller, ct) =>
                await KeyErrorAsync(services, caller, ct) is { } keyError
                    ? keyError
                    : await services.GetRequiredService<SandboxService>().GetAsync(caller, id, ct));
            return UntilFinal(stream, ctx.CancellationToken);
        });
        builder.AddResolver("Subscription.commandOutput", async ctx =>
        {
            var afterSeq = ctx.Arguments.GetValueOrDefault("afterSeq") is { } a ? Convert.ToInt64(a, System.Globalization.CultureInfo.InvariantCulture) : 0;
            if (afterSeq < 0)
            {
                throw ErrorHelper.From(PlatformError.Invalid("afterSeq: must be 0 or more"));
            }

            return await CommandOutputAsync(ctx.Services, ctx.Caller(), (string)ctx.Arguments["commandId"]!, ctx.CancellationToken, afterSeq);
        });
        builder.AddResolver("Subscription.previewUpdated", async ctx =>
            await PreviewUpdatesAsync(ctx.Services, ctx.Caller(), (string)ctx.Arguments["sandboxId"]!, ctx.CancellationToken));
    }

    /// <summary>Ends a sandbox's stream after it reached a terminal status (nothing changes after that).</summary>
    private static async IAsyncEnumerable<Sandbox> UntilFinal(IAsyncEnumerable<Sandbox> source, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var sandbox in source.WithCancellation(cancellationToken))
        {
            yield return sandbox;
            if (sandbox.Status is SandboxStatuses.Destroyed or SandboxStatuses.Stopped or SandboxStatuses.Failed)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// A command's output after chunk <paramref name="afterSeq"/> (0 = from the first): subscribe, check access
    /// (NOT_FOUND / FORBIDDEN), replay what is stored, then live chunks with a higher <c>seq</c> (no gap, no duplicate);
    /// completes once the command exited and all of its output was delivered.
    /// </summary>
    internal static async Task<IAsyncEnumerable<CommandOutput>> CommandOutputAsync(IServiceProvider services, Caller caller, string commandId, CancellationToken cancellationToken, long afterSeq = 0)
    {
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var source = await services.GetRequiredService<ITopicEventReceiver>().SubscribeAsync<CommandOutputEvent>(SandboxTopics.CommandOutput(commandId), cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var (_, error) = await scope.ServiceProvider.GetRequiredService<SandboxService>().GetCommandAsync(caller, commandId, cancellationToken);
            if (error is not null)
            {
                throw ErrorHelper.From(error);
            }

            return StreamOutput(scopes, caller, commandId, source, afterSeq);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    private static async IAsyncEnumerable<CommandOutput> StreamOutput(
        IServiceScopeFactory scopes, Caller caller, string commandId, ISourceStream<CommandOutputEvent> source, long afterSeq,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var _ = source;
        var last = afterSeq;

        // Replay: everything stored so far (also the whole output when the command already finished).
        var replay = await ReadOutputAsync(scopes, caller, commandId, last, cancellationToken);
        var checkedAt = Stopwatch.GetTimestamp();
        foreach (var chunk in replay.Chunks)
        {
            last = chunk.Seq;
            yield return chunk;
        }

        if (replay.Finished)
        {
            yield break;
        }

        await foreach (var current in LiveQuery.ReadEventsOrFailAsync(source, cancellationToken))
        {
            var message = current.Kind == TopicEventKind.Message ? current.Message : null;
            if (message is { ExitStatus: null } && message.Seq <= last)
            {
                continue;
            }

            // Fast path: the next chunk travelled inline and access was checked recently.
            if (message is { ExitStatus: null, Data: { } data } && message.Seq == last + 1
                && Stopwatch.GetElapsedTime(checkedAt) < AccessRecheckInterval)
            {
                last = message.Seq;
                yield return new CommandOutput { CommandId = commandId, Seq = message.Seq, Stream = message.Stream ?? "stdout", Data = data, At = message.At ?? DateTimeOffset.UtcNow };
                continue;
            }

            // By reference (large chunk, gap, exit, reconnect or access re-check): load what follows the last one delivered.
            var read = await ReadOutputAsync(scopes, caller, commandId, last, cancellationToken);
            checkedAt = Stopwatch.GetTimestamp();
            foreach (var chunk in read.Chunks)
            {
                last = chunk.Seq;
                yield return chunk;
            }

            if (read.Finished)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// The command's status, then every stored chunk after <paramref name="after"/>: the pump records the exit only after
    /// storing the last chunk, so a finished status read first means the chunks read next are complete.
    /// </summary>
    private static async Task<(List<CommandOutput> Chunks, bool Finished)> ReadOutputAsync(
        IServiceScopeFactory scopes, Caller caller, string commandId, long after, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sandboxes = scope.ServiceProvider.GetRequiredService<SandboxService>();
        if (await KeyErrorAsync(scope.ServiceProvider, caller, cancellationToken) is { } keyError)
        {
            throw LostAccess(keyError);
        }

        var (command, error) = await sandboxes.GetCommandAsync(caller, commandId, cancellationToken);
        if (error is not null)
        {
            throw LostAccess(error);
        }

        var chunks = new List<CommandOutput>();
        var cursor = after.ToString(System.Globalization.CultureInfo.InvariantCulture);
        while (true)
        {
            var (page, pageError) = await sandboxes.GetOutputAsync(caller, commandId, ReplayPageSize, cursor, cancellationToken);
            if (pageError is not null)
            {
                throw LostAccess(pageError);
            }

            chunks.AddRange(page!.Data);
            if (!page.HasMore)
            {
                return (chunks, command!.Status != CommandStatuses.Running);
            }

            cursor = page.NextCursor;
        }
    }

    /// <summary>
    /// The sandbox's previews: the active ones first (current state), then each preview again whenever it is created or
    /// revoked. NOT_FOUND when the sandbox is not visible, FORBIDDEN without <c>preview:read</c>.
    /// </summary>
    internal static async Task<IAsyncEnumerable<Preview>> PreviewUpdatesAsync(IServiceProvider services, Caller caller, string sandboxId, CancellationToken cancellationToken)
    {
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var source = await services.GetRequiredService<ITopicEventReceiver>().SubscribeAsync<object>(SandboxTopics.Previews(sandboxId), cancellationToken);
        try
        {
            var (first, error) = await ListPreviewsAsync(scopes, caller, sandboxId, cancellationToken);
            if (error is not null)
            {
                throw ErrorHelper.From(error);
            }

            return StreamPreviews(scopes, caller, sandboxId, source, first!);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    private static async IAsyncEnumerable<Preview> StreamPreviews(
        IServiceScopeFactory scopes, Caller caller, string sandboxId, ISourceStream<object> source, IReadOnlyList<Preview> first,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var _ = source;
        // What the subscriber knows of each preview: whether (and when) it was revoked.
        var known = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        foreach (var preview in first)
        {
            known[preview.Id] = preview.RevokedAt;
            if (preview.RevokedAt is null)
            {
                yield return preview;
            }
        }

        // An event only says that the sandbox's previews changed: each one re-lists them.
        await foreach (var changed in LiveQuery.ReadEventsOrFailAsync(source, cancellationToken))
        {
            var (previews, error) = await ListPreviewsAsync(scopes, caller, sandboxId, CancellationToken.None);
            if (error is not null)
            {
                throw LostAccess(error);
            }

            foreach (var preview in previews!)
            {
                if (!known.TryGetValue(preview.Id, out var revokedAt) || revokedAt != preview.RevokedAt)
                {
                    known[preview.Id] = preview.RevokedAt;
                    yield return preview;
                }
            }
        }
    }

    /// <summary>The sandbox's newest previews, oldest first (the order they were created in).</summary>
    private static async Task<(List<Preview>? Previews, PlatformError? Error)> ListPreviewsAsync(IServiceScopeFactory scopes, Caller caller, string sandboxId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (await KeyErrorAsync(scope.ServiceProvider, caller, cancellationToken) is { } keyError)
        {
            return (null, keyError);
        }

        var (page, error) = await scope.ServiceProvider.GetRequiredService<PreviewService>().ListAsync(caller, sandboxId, PreviewWindow, null, cancellationToken);
        if (error is not null)
        {
            return (null, error);
        }

        var previews = page!.Data.ToList();
        previews.Reverse();
        return (previews, null);
    }

    /// <summary>
    /// FORBIDDEN once the subscriber's API key was revoked or expired: a subscription outlives the request that
    /// authenticated it, so each re-read checks the key again (the domain services trust the caller as given).
    /// </summary>
    private static async Task<PlatformError?> KeyErrorAsync(IServiceProvider services, Caller caller, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var active = await services.GetRequiredService<CrowNestDbContext>().ApiKeys
            .AnyAsync(k => k.Id == caller.ApiKeyId && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now), cancellationToken);
        return active ? null : new PlatformError(ErrorKind.Forbidden, "The API key was revoked or has expired");
    }

    /// <summary>The error ending a live subscription whose object is no longer visible to the subscriber.</summary>
    private static GraphQLException LostAccess(PlatformError error) => new(new GraphQLError(
        error.Kind == ErrorKind.Forbidden ? error.Message : "Access to the subscribed object was lost",
        LiveQuery.ForbiddenCode));
}
