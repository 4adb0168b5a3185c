using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using CrowNest.Platform.Data;
using CrowNest.Platform.PreviewSessions;
using CrowNest.Sandboxes;
using CrowNest.Subscriptions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrowNest.Server.PreviewSessions;

/// <summary>
/// Runs preview sessions: boots them off the request path (hydrating → installing → starting → ready), mirrors live
/// file edits into their sandboxes, stops them on request or when idle. Every transition is persisted and published on
/// <see cref="PreviewSessionTopics.Session"/>.
/// </summary>
public sealed partial class PreviewSessionSupervisor(
    IServiceScopeFactory scopes,
    ISandboxRuntime runtime,
    IAppVersionFileSource files,
    IPreviewSessionPublisher publisher,
    ITopicEventSender events,
    ITopicEventReceiver receiver,
    IOptions<PreviewSessionOptions> options,
    ILogger<PreviewSessionSupervisor> logger) : IPreviewSessionLauncher
{
    /// <summary>Port the dev server is declared on inside the sandbox; the runtime maps it to a free host port.</summary>
    private const int AppPort = 3000;

    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, Running> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _activity = new(StringComparer.Ordinal);
    private readonly PreviewSessionOptions _options = options.Value;

    internal ChannelReader<string> Queue => _queue.Reader;

    public void Launch(string sessionId) => _queue.Writer.TryWrite(sessionId);

    /// <summary>Sandbox ids of sessions this instance is running (tests and diagnostics).</summary>
    internal string? SandboxOf(string sessionId) => _running.TryGetValue(sessionId, out var run) ? run.SandboxId : null;

    private sealed class Running(CancellationToken stopping)
    {
        public CancellationTokenSource Cancel { get; } = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        public Task Boot { get; set; } = Task.CompletedTask;
        public string? SandboxId { get; set; }
        public OutputTail Tail { get; } = new();
        public JsonObject Metadata { get; } = [];
        public List<Task> Pumps { get; } = [];
    }

    /// <summary>Last characters of the session's command output (kept for failure reports).</summary>
    private sealed class OutputTail
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();

        public void Append(string text, int max)
        {
            lock (_lock)
            {
                _text.Append(text);
                if (_text.Length > max)
                {
                    _text.Remove(0, _text.Length - max);
                }
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>A boot step failed with a message for the user.</summary>
    private sealed class BootFailure(string message) : Exception(message);

    internal void Start(string sessionId, CancellationToken stopping)
    {
        var run = new Running(stopping);
        if (!_running.TryAdd(sessionId, run))
        {
            return;
        }

        run.Boot = Task.Run(() => RunAsync(sessionId, run), CancellationToken.None);
    }

    private async Task RunAsync(string id, Running run)
    {
        var ct = run.Cancel.Token;
        try
        {
            await BootAsync(id, run, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped while booting: StopAsync records the outcome.
        }
        catch (Exception e) when (e is BootFailure or SandboxException or IOException or HttpRequestException or JsonException or DbUpdateException)
        {
            LogBootFailed(logger, id, e.Message);
            await FailAsync(id, run, e is BootFailure ? e.Message : $"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task BootAsync(string id, Running run, CancellationToken ct)
    {
        var session = await UpdateAsync(id, s => s.StartedAt = DateTimeOffset.UtcNow, ct);
        if (session is null)
        {
            // Stopped before the boot began.
            _running.TryRemove(id, out _);
            return;
        }

        // Named after the session (not the sbx- ids of the /v1 sandboxes, whose reconciliation destroys unknown sbx- sandboxes).
        var sandbox = await runtime.CreateAsync(new SandboxSpec { Id = "appprv-" + id[(AppPreviewSession.IdPrefix.Length + 1)..].ToLowerInvariant(), Ports = [AppPort] }, ct);
        run.SandboxId = sandbox.Id;
        var port = sandbox.Ports.Single(p => p.Port == AppPort);
        run.Metadata["runtime"] = sandbox.Runtime;
        run.Metadata["sandboxId"] = sandbox.Id;
        run.Metadata["port"] = port.HostPort;
        run.Metadata["listenPort"] = port.ListenPort;
        await UpdateAsync(id, s =>
        {
            s.SandboxId = sandbox.Id;
            s.Port = port.HostPort;
            s.Metadata = run.Metadata.ToJsonString();
        }, ct);

        // Subscribe before copying the files, so an edit made meanwhile is not lost (it is applied twice at worst).
        var changes = await receiver.SubscribeAsync<JsonElement>(PreviewSessionTopics.VersionFiles(session.VersionId), ct);
        _ = Task.Run(() => MirrorEditsAsync(id, session.VersionId, sandbox.Id, changes, ct), CancellationToken.None);

        var versionFiles = await files.ListAsync(session.VersionId, ct);
        foreach (var file in versionFiles)
        {
            await runtime.WriteFileAsync(sandbox.Id, file.Path, file.Content, ct);
        }

        var manifest = versionFiles.FirstOrDefault(f => f.Path == "package.json");
        var package = ReadPackage(manifest);
        if (package.HasDependencies)
        {
            await UpdateAsync(id, s => s.Status = PreviewSessionStatuses.Installing, ct);
            var lockfile = versionFiles.Any(f => f.Path is "package-lock.json" or "npm-shrinkwrap.json");
            var install = lockfile ? "npm ci --no-audit --no-fund" : "npm install --no-audit --no-fund";
            run.Metadata["installCommand"] = install;
            var command = await runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec
            {
                Command = install,
                Environment = new Dictionary<string, string> { ["npm_config_cache"] = "/tmp/.npm", ["npm_config_update_notifier"] = "false" },
            }, ct);
            var pump = PumpOutputAsync(sandbox.Id, command.Id, run, ct);
            run.Pumps.Add(pump);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.InstallTimeout);
            SandboxCommandInfo exited;
            try
            {
                exited = await runtime.WaitForExitAsync(sandbox.Id, command.Id, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new BootFailure($"'{install}' did not finish within {_options.InstallTimeout.TotalSeconds:0} s");
            }

            await pump;
            if (exited.ExitCode != 0)
            {
                throw new BootFailure($"'{install}' exited with code {exited.ExitCode}");
            }
        }

        var start = _options.StartCommand is { Length: > 0 } configured
            ? configured.Replace("{port}", port.ListenPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            : package.HasDevScript
                ? $"npm run dev -- --port {port.ListenPort.ToString(CultureInfo.InvariantCulture)}"
                : throw new BootFailure(manifest is null ? "package.json not found in the app version" : "package.json has no \"dev\" script");
        run.Metadata["startCommand"] = start;
        await UpdateAsync(id, s =>
        {
            s.Status = PreviewSessionStatuses.Starting;
            s.Metadata = run.Metadata.ToJsonString();
        }, ct);
        var dev = await runtime.StartCommandAsync(sandbox.Id, new SandboxCommandSpec
        {
            Command = start,
            Environment = new Dictionary<string, string>
            {
                ["PORT"] = port.ListenPort.ToString(CultureInfo.InvariantCulture),
                ["npm_config_cache"] = "/tmp/.npm",
                ["npm_config_update_notifier"] = "false",
            },
        }, ct);
        run.Metadata["commandId"] = dev.Id;
        run.Pumps.Add(PumpOutputAsync(sandbox.Id, dev.Id, run, ct));
        var exitedEarly = runtime.WaitForExitAsync(sandbox.Id, dev.Id, ct);
        await WaitUntilAnswersAsync(port.HostPort, exitedEarly, ct);

        var published = await publisher.PublishAsync(new PreviewSessionTarget(id, session.WorkspaceId, session.AppId, session.CreatedBy, sandbox.Id, port.HostPort), ct);
        var ready = await UpdateAsync(id, s =>
        {
            s.Status = PreviewSessionStatuses.Ready;
            s.ReadyAt = DateTimeOffset.UtcNow;
            s.PreviewUrl = published.Url;
            s.PreviewId = published.PreviewId;
            s.Metadata = run.Metadata.ToJsonString();
        }, ct);
        if (ready is null && published.PreviewId is not null)
        {
            await publisher.RevokeAsync(published.PreviewId, CancellationToken.None);
        }
    }

    private async Task WaitUntilAnswersAsync(int hostPort, Task<SandboxCommandInfo> exited, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTimeOffset.UtcNow + _options.ReadyTimeout;
        var url = new Uri($"http://127.0.0.1:{hostPort}/");
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (exited.IsCompleted)
            {
                var code = exited.IsCompletedSuccessfully ? exited.Result.ExitCode : null;
                throw new BootFailure($"the dev server exited with code {code?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} before answering HTTP");
            }

            try
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
                return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Listening but slow: keep waiting until the deadline.
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new BootFailure($"the dev server did not answer HTTP on its port within {_options.ReadyTimeout.TotalSeconds:0} s");
            }

            await Task.WhenAny(exited, Task.Delay(50, ct));
        }
    }

    private async Task PumpOutputAsync(string sandboxId, string commandId, Running run, CancellationToken ct)
    {
        try
        {
            await foreach (var chunk in runtime.StreamOutputAsync(sandboxId, commandId, 0, ct))
            {
                run.Tail.Append(chunk.Text, _options.OutputTailChars);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SandboxException)
        {
            // The sandbox is going away; the tail holds what arrived.
        }
    }

    /// <summary>Writes each changed file of the version into the sandbox (the dev server's watcher does the rest).</summary>
    private async Task MirrorEditsAsync(string id, string versionId, string sandboxId, ISourceStream<JsonElement> changes, CancellationToken ct)
    {
        await using var _ = changes;
        try
        {
            await foreach (var change in changes.ReadEventsAsync(ct))
            {
                if (change.IsReconnected || change.Message.ValueKind != JsonValueKind.Object
                    || !change.Message.TryGetProperty("path", out var pathElement) || pathElement.GetString() is not { Length: > 0 } path)
                {
                    continue;
                }

                try
                {
                    if (IsDeletion(change.Message))
                    {
                        await runtime.DeleteFileAsync(sandboxId, path, ct);
                        continue;
                    }

                    var file = await files.ReadAsync(versionId, path, ct);
                    if (file is null)
                    {
                        await runtime.DeleteFileAsync(sandboxId, path, ct);
                    }
                    else
                    {
                        await runtime.WriteFileAsync(sandboxId, file.Path, file.Content, ct);
                    }
                }
                catch (SandboxException e)
                {
                    LogEditFailed(logger, id, path, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Session stopped.
        }
    }

    private static bool IsDeletion(JsonElement message)
    {
        if (message.TryGetProperty("deleted", out var deleted) && deleted.ValueKind == JsonValueKind.True)
        {
            return true;
        }

        foreach (var name in (string[])["kind", "type", "change", "op", "action"])
        {
            if (message.TryGetProperty(name, out var kind) && kind.ValueKind == JsonValueKind.String
                && kind.GetString()?.ToUpperInvariant() is "DELETE" or "DELETED" or "REMOVE" or "REMOVED")
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct PackageInfo(bool HasDependencies, bool HasDevScript);

    private static PackageInfo ReadPackage(AppVersionFile? manifest)
    {
        if (manifest is null)
        {
            return default;
        }

        try
        {
            using var doc = JsonDocument.Parse(manifest.Content);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new BootFailure("package.json is not a JSON object");
            }

            var deps = new[] { "dependencies", "devDependencies" }.Any(name =>
                root.TryGetProperty(name, out var d) && d.ValueKind == JsonValueKind.Object && d.EnumerateObject().Any());
            var dev = root.TryGetProperty("scripts", out var scripts) && scripts.ValueKind == JsonValueKind.Object
                && scripts.TryGetProperty("dev", out var script) && script.ValueKind == JsonValueKind.String;
            return new PackageInfo(deps, dev);
        }
        catch (JsonException e)
        {
            throw new BootFailure($"package.json is not valid JSON: {e.Message}");
        }
    }

    private async Task FailAsync(string id, Running run, string message)
    {
        _running.TryRemove(id, out _);
        try
        {
            // The command has usually exited: let its last output reach the tail before the sandbox goes.
            await Task.WhenAll(run.Pumps).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            // Still running (e.g. a dev server that never answered): keep what arrived.
        }

        await run.Cancel.CancelAsync();
        await DestroyAsync(run.SandboxId);
        run.Metadata["outputTail"] = run.Tail.ToString();
        await UpdateAsync(id, s =>
        {
            s.Status = PreviewSessionStatuses.Failed;
            s.Error = message;
            s.StoppedAt = DateTimeOffset.UtcNow;
            s.Metadata = run.Metadata.ToJsonString();
        }, CancellationToken.None);
        run.Cancel.Dispose();
    }

    public async Task StopAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (_running.TryRemove(sessionId, out var run))
        {
            await run.Cancel.CancelAsync();
            try
            {
                await run.Boot.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // Destroying the sandbox below ends whatever the boot waits on.
            }

            await DestroyAsync(run.SandboxId);
            run.Cancel.Dispose();
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
        var session = await db.AppPreviewSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, CancellationToken.None);
        if (session is null || PreviewSessionStatuses.IsTerminal(session.Status))
        {
            return;
        }

        // Sessions booted by another (earlier) server instance: their sandbox is destroyed by id.
        await DestroyAsync(session.SandboxId);
        if (session.PreviewId is not null)
        {
            await publisher.RevokeAsync(session.PreviewId, CancellationToken.None);
        }

        await UpdateAsync(sessionId, s =>
        {
            s.Status = PreviewSessionStatuses.Stopped;
            s.StoppedAt = DateTimeOffset.UtcNow;
        }, CancellationToken.None);
    }

    /// <summary>Stops sessions whose last heartbeat is older than the idle timeout.</summary>
    internal async Task ReapAsync(CancellationToken ct)
    {
        await FlushActivityAsync(ct);
        List<string> idle;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
            var cutoff = DateTimeOffset.UtcNow - _options.IdleTimeout;
            idle = await db.AppPreviewSessions
                .Where(s => s.Status != PreviewSessionStatuses.Stopped && s.Status != PreviewSessionStatuses.Failed && s.LastHeartbeatAt < cutoff)
                .Select(s => s.Id).ToListAsync(ct);
        }

        foreach (var id in idle)
        {
            LogReaping(logger, id);
            await StopAsync(id, ct);
        }
    }

    /// <summary>Records edge traffic for a session's sandbox; written as a heartbeat at most once per debounce interval.</summary>
    public void TouchSandbox(string sandboxId)
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        _activity.AddOrUpdate(sandboxId, now, (_, _) => now);
    }

    internal async Task FlushActivityAsync(CancellationToken ct)
    {
        if (_activity.IsEmpty)
        {
            return;
        }

        var touched = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var key in _activity.Keys)
        {
            if (_activity.TryRemove(key, out var ticks))
            {
                touched[key] = new DateTimeOffset(ticks, TimeSpan.Zero);
            }
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
        foreach (var (sandboxId, at) in touched)
        {
            await db.AppPreviewSessions
                .Where(s => s.SandboxId == sandboxId && s.Status != PreviewSessionStatuses.Stopped && s.Status != PreviewSessionStatuses.Failed && s.LastHeartbeatAt < at)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastHeartbeatAt, at), ct);
        }
    }

    /// <summary>Stops every session this instance runs (server shutdown): their dev servers die with the server anyway.</summary>
    internal async Task StopAllAsync()
    {
        foreach (var id in _running.Keys.ToList())
        {
            try
            {
                await StopAsync(id, CancellationToken.None);
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or Npgsql.NpgsqlException)
            {
                LogStopFailed(logger, id, e.Message);
            }
        }
    }

    private async Task DestroyAsync(string? sandboxId)
    {
        if (sandboxId is null)
        {
            return;
        }

        try
        {
            await runtime.DestroyAsync(sandboxId, CancellationToken.None);
        }
        catch (SandboxException e)
        {
            LogDestroyFailed(logger, sandboxId, e.Message);
        }
    }

    /// <summary>Applies a change unless the session already ended; persists and publishes it. Null when it had ended.</summary>
    private async Task<AppPreviewSession?> UpdateAsync(string id, Action<AppPreviewSession> change, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
        var session = await db.AppPreviewSessions.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (session is null || PreviewSessionStatuses.IsTerminal(session.Status))
        {
            return null;
        }

        change(session);
        await db.SaveChangesAsync(ct);
        try
        {
            await events.SendAsync(PreviewSessionTopics.Session(id), PreviewSessionsApi.ToDto(session), CancellationToken.None);
        }
        catch (SubscriptionException e)
        {
            LogPublishFailed(logger, id, e.Message);
        }

        return session;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preview session {SessionId} failed: {Reason}")]
    private static partial void LogBootFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preview session {SessionId}: could not apply the change of {Path}: {Reason}")]
    private static partial void LogEditFailed(ILogger logger, string sessionId, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Preview session {SessionId} is idle: stopping it")]
    private static partial void LogReaping(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preview session {SessionId}: stop failed: {Reason}")]
    private static partial void LogStopFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox {SandboxId}: destroy failed: {Reason}")]
    private static partial void LogDestroyFailed(ILogger logger, string sandboxId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preview session {SessionId}: publishing its state failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string sessionId, string reason);
}
