using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using CrowNest.Platform.Data;
using CrowNest.Platform.Previews;
using CrowNest.Platform.PreviewSessions;
using CrowNest.Platform.Sandboxes;
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
    ITopicEventSender events,
    ITopicEventReceiver receiver,
    IOptions<PreviewSessionOptions> options,
    SandboxActivity activity,
    ILogger<PreviewSessionSupervisor> logger) : IPreviewSessionLauncher
{
    /// <summary>Runtime ids of session sandboxes before sessions had sandbox records.</summary>
    private const string LegacyRuntimePrefix = "appprv-";

    /// <summary>Port the dev server is declared on inside the sandbox; the runtime maps it to a free host port.</summary>
    private const int AppPort = 3000;

    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, Running> _running = new(StringComparer.Ordinal);
    private readonly PreviewSessionOptions _options = options.Value;

    internal ChannelReader<string> Queue => _queue.Reader;

    public void Launch(string sessionId) => _queue.Writer.TryWrite(sessionId);

    /// <summary>Sandbox ids of sessions this instance is running (tests and diagnostics).</summary>
    internal string? SandboxOf(string sessionId) => _running.TryGetValue(sessionId, out var run) ? run.SandboxId : null;

    private sealed class Running(CancellationToken stopping)
    {
        public CancellationTokenSource Cancel { get; } = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        public Task Boot { get; set; } = Task.CompletedTask;
        /// <summary>The session's <c>sbx_</c> sandbox, set before the sandbox is recorded.</summary>
        public string? SandboxId { get; set; }

        /// <summary>Its id in the runtime, once created there.</summary>
        public string? RuntimeId { get; set; }
        public OutputTail Tail { get; } = new();
        public JsonObject Metadata { get; } = [];
        public List<Task> Pumps { get; } = [];

        /// <summary>Paths of the version's files written into the sandbox (what a resync may have to delete).</summary>
        public ConcurrentDictionary<string, byte> Files { get; } = new(StringComparer.Ordinal);
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
        catch (Exception e)
        {
            // Any failure ends the session as failed with its reason: an unexpected one (a database or runtime error)
            // must not leave it booting forever with a live sandbox.
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

        // The sandbox is a /v1 sandbox of the workspace's preview project: recorded first (so it is never an unowned
        // runtime sandbox), then created in the runtime under its sbx- runtime id, then published as a preview.
        var sandboxId = PrefixedId.New(PrefixedId.Sandbox);
        run.SandboxId = sandboxId;
        Preview? preview;
        SandboxPort port;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var sandboxes = scope.ServiceProvider.GetRequiredService<PreviewSessionSandboxes>();
            var row = await sandboxes.RecordAsync(sandboxId, session.WorkspaceId, runtime.Kind, session.CreatedBy, CancellationToken.None);
            var sandbox = await runtime.CreateAsync(new SandboxSpec { Id = row.RuntimeId, Ports = [AppPort] }, ct);
            port = sandbox.Ports.Single(p => p.Port == AppPort);
            // The edge connects to 127.0.0.1:<host port> (the process runtime listens on it; Docker publishes it).
            preview = await sandboxes.ActivateAsync(row, port.HostPort, ct) ?? throw new BootFailure("the sandbox was destroyed while the session was starting");
            run.RuntimeId = row.RuntimeId;
            run.Metadata["runtime"] = sandbox.Runtime;
            run.Metadata["sandboxId"] = sandboxId;
            run.Metadata["runtimeSandboxId"] = row.RuntimeId;
            run.Metadata["projectId"] = row.ProjectId;
            run.Metadata["previewId"] = preview.Id;
            run.Metadata["port"] = port.HostPort;
            run.Metadata["listenPort"] = port.ListenPort;
        }

        await UpdateAsync(id, s =>
        {
            s.SandboxId = sandboxId;
            s.PreviewId = preview.Id;
            s.Port = port.HostPort;
            s.Metadata = run.Metadata.ToJsonString();
        }, ct);

        // Subscribe before copying the files, so an edit made meanwhile is not lost (it is applied twice at worst).
        var changes = await receiver.SubscribeAsync<JsonElement>(PreviewSessionTopics.VersionFiles(session.VersionId), ct);
        var runtimeId = run.RuntimeId!;
        _ = Task.Run(() => MirrorEditsAsync(id, session.VersionId, runtimeId, run, changes, ct), CancellationToken.None);

        var versionFiles = await files.ListAsync(session.VersionId, ct);
        foreach (var file in versionFiles)
        {
            run.Files.TryAdd(file.Path, 0);
        }

        // One archive upload / extraction for the whole version (a round trip per file was the slow part of hydrating).
        await runtime.WriteFilesAsync(runtimeId, [.. versionFiles.Select(f => new SandboxFile(f.Path, f.Content))], ct);

        var manifest = versionFiles.FirstOrDefault(f => f.Path == "package.json");
        var package = ReadPackage(manifest);
        if (package.HasDependencies)
        {
            await UpdateAsync(id, s => s.Status = PreviewSessionStatuses.Installing, ct);
            var lockfile = versionFiles.Any(f => f.Path is "package-lock.json" or "npm-shrinkwrap.json");
            var install = lockfile ? "npm ci --no-audit --no-fund" : "npm install --no-audit --no-fund";
            run.Metadata["installCommand"] = install;
            var command = await runtime.StartCommandAsync(runtimeId, new SandboxCommandSpec
            {
                Command = install,
                Environment = new Dictionary<string, string> { ["npm_config_cache"] = "/tmp/.npm", ["npm_config_update_notifier"] = "false" },
            }, ct);
            var pump = PumpOutputAsync(runtimeId, command.Id, run, ct);
            run.Pumps.Add(pump);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.InstallTimeout);
            SandboxCommandInfo exited;
            try
            {
                exited = await runtime.WaitForExitAsync(runtimeId, command.Id, timeout.Token);
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
            : package.DevScript is { } devScript
                ? DevCommand(devScript, package.HasDevHooks, port.ListenPort)
                : throw new BootFailure(manifest is null ? "package.json not found in the app version" : "package.json has no \"dev\" script");
        run.Metadata["startCommand"] = start;
        await UpdateAsync(id, s =>
        {
            s.Status = PreviewSessionStatuses.Starting;
            s.Metadata = run.Metadata.ToJsonString();
        }, ct);
        var dev = await runtime.StartCommandAsync(runtimeId, new SandboxCommandSpec
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
        run.Pumps.Add(PumpOutputAsync(runtimeId, dev.Id, run, ct));
        var exitedEarly = runtime.WaitForExitAsync(runtimeId, dev.Id, ct);
        await WaitUntilAnswersAsync(port.HostPort, exitedEarly, ct);

        await UpdateAsync(id, s =>
        {
            s.Status = PreviewSessionStatuses.Ready;
            s.ReadyAt = DateTimeOffset.UtcNow;
            s.PreviewUrl = preview.Url;
            s.Metadata = run.Metadata.ToJsonString();
        }, ct);
        _ = WatchDevServerAsync(id, run, exitedEarly);
    }

    /// <summary>A ready session whose dev server exits (crash, its sandbox destroyed through /v1) fails and is torn down.</summary>
    private async Task WatchDevServerAsync(string id, Running run, Task<SandboxCommandInfo> exited)
    {
        string message;
        try
        {
            var info = await exited;
            message = $"the dev server exited with code {info.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}";
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (SandboxException e)
        {
            message = "the dev server is gone: " + e.Message;
        }

        if (_running.TryGetValue(id, out var current) && current == run)
        {
            LogBootFailed(logger, id, message);
            await FailAsync(id, run, message);
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

            // Connection refused costs microseconds: poll often, readiness is on the critical path of every boot.
            await Task.WhenAny(exited, Task.Delay(10, ct));
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

    /// <summary>
    /// Writes each changed file of the version into the sandbox (the dev server's watcher does the rest). After the
    /// change feed reconnected (changes may have been lost meanwhile) the sandbox is brought up to date with the version.
    /// </summary>
    private async Task MirrorEditsAsync(string id, string versionId, string sandboxId, Running run, ISourceStream<JsonElement> changes, CancellationToken ct)
    {
        await using var subscription = changes;
        try
        {
            await foreach (var change in changes.ReadEventsAsync(ct))
            {
                string path;
                if (change.IsReconnected)
                {
                    path = "(every file, after a reconnect)";
                }
                else if (change.Message.ValueKind != JsonValueKind.Object
                    || !change.Message.TryGetProperty("path", out var pathElement) || pathElement.GetString() is not { Length: > 0 } changed)
                {
                    continue;
                }
                else
                {
                    path = changed;
                }

                try
                {
                    if (change.IsReconnected)
                    {
                        await ResyncAsync(versionId, sandboxId, run, ct);
                    }
                    else if (IsDeletion(change.Message))
                    {
                        await runtime.DeleteFileAsync(sandboxId, path, ct);
                        run.Files.TryRemove(path, out _);
                    }
                    else if (await files.ReadAsync(versionId, path, ct) is { } file)
                    {
                        await runtime.WriteFileAsync(sandboxId, file.Path, file.Content, ct);
                        run.Files[file.Path] = 0;
                    }
                    else
                    {
                        await runtime.DeleteFileAsync(sandboxId, path, ct);
                        run.Files.TryRemove(path, out _);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // One change that cannot be applied (a database hiccup, a path the sandbox refuses) must not end
                    // the mirroring of every later edit.
                    LogEditFailed(logger, id, path, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Session stopped.
        }
    }

    /// <summary>Writes every file of the version into the sandbox and deletes the version's files that are gone.</summary>
    private async Task ResyncAsync(string versionId, string sandboxId, Running run, CancellationToken ct)
    {
        var current = await files.ListAsync(versionId, ct);
        var paths = current.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in run.Files.Keys.Where(p => !paths.Contains(p)).ToList())
        {
            await runtime.DeleteFileAsync(sandboxId, gone, ct);
            run.Files.TryRemove(gone, out _);
        }

        await runtime.WriteFilesAsync(sandboxId, [.. current.Select(f => new SandboxFile(f.Path, f.Content))], ct);
        foreach (var path in paths)
        {
            run.Files[path] = 0;
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

    private readonly record struct PackageInfo(bool HasDependencies, string? DevScript, bool HasDevHooks);

    /// <summary>
    /// The <c>dev</c> script with <c>--port</c> appended, run the way <c>npm run dev -- --port N</c> runs it (<c>sh -c</c>
    /// with <c>node_modules/.bin</c> first on PATH) but without starting npm, whose own startup costs ~0.3 s of CPU per
    /// boot. npm still runs it when <c>predev</c>/<c>postdev</c> hooks exist.
    /// </summary>
    private static string DevCommand(string script, bool hooks, int port)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        return hooks
            ? $"npm run dev -- --port {portText}"
            : $"export PATH=\"$PWD/node_modules/.bin:$PATH\" npm_lifecycle_event=dev; exec /bin/sh -c '{script.Replace("'", "'\\''", StringComparison.Ordinal)} --port {portText}'";
    }

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
            var hasScripts = root.TryGetProperty("scripts", out var scripts) && scripts.ValueKind == JsonValueKind.Object;
            var dev = hasScripts && scripts.TryGetProperty("dev", out var script) && script.ValueKind == JsonValueKind.String ? script.GetString() : null;
            var hooks = hasScripts && (scripts.TryGetProperty("predev", out _) || scripts.TryGetProperty("postdev", out _));
            return new PackageInfo(deps, dev, hooks);
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
        await DestroyAsync(id, run.SandboxId);
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

            await DestroyAsync(sessionId, run.SandboxId);
            run.Cancel.Dispose();
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
        var session = await db.AppPreviewSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, CancellationToken.None);
        if (session is null || PreviewSessionStatuses.IsTerminal(session.Status))
        {
            return;
        }

        // Sessions booted by another (earlier) server instance: their sandbox is destroyed by id (a no-op when this
        // instance just destroyed it: the row is no longer live).
        await DestroyAsync(sessionId, session.SandboxId);
        await UpdateAsync(sessionId, s =>
        {
            s.Status = PreviewSessionStatuses.Stopped;
            s.StoppedAt = DateTimeOffset.UtcNow;
        }, CancellationToken.None);
    }

    /// <summary>
    /// Stops sessions whose last heartbeat is older than the idle timeout and sessions of deleted apps, and tears down
    /// the sandboxes of sessions this instance runs whose rows are gone (their app was purged).
    /// </summary>
    internal async Task ReapAsync(CancellationToken ct)
    {
        List<(string Id, string? SandboxId)> idle;
        List<string> ofDeletedApps;
        List<string> purged = [];
        var cutoff = DateTimeOffset.UtcNow - _options.IdleTimeout;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
            idle = (await db.AppPreviewSessions
                .Where(s => s.Status != PreviewSessionStatuses.Stopped && s.Status != PreviewSessionStatuses.Failed && s.LastHeartbeatAt < cutoff)
                .Select(s => new { s.Id, s.SandboxId }).ToListAsync(ct)).ConvertAll(s => (s.Id, s.SandboxId));
            // A deleted app's preview must not keep serving (nor count edge traffic as activity).
            ofDeletedApps = await (from s in db.AppPreviewSessions
                                   join a in db.Apps on s.AppId equals a.Id
                                   where s.Status != PreviewSessionStatuses.Stopped && s.Status != PreviewSessionStatuses.Failed && a.DeletedAt != null
                                   select s.Id).ToListAsync(ct);
            // Rows exist before their boot is queued, so a running session without a row was deleted with its app.
            var running = _running.Keys.ToArray();
            if (running.Length > 0)
            {
                var existing = await db.AppPreviewSessions.Where(s => running.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
                purged = [.. running.Except(existing, StringComparer.Ordinal)];
            }
        }

        foreach (var id in ofDeletedApps.Concat(purged))
        {
            LogAppDeleted(logger, id);
            await StopAsync(id, ct);
        }

        foreach (var (id, sandboxId) in idle)
        {
            // Edge traffic not yet written as a heartbeat still counts.
            if (ofDeletedApps.Contains(id) || (sandboxId is not null && activity.SeenSince(sandboxId, cutoff)))
            {
                continue;
            }

            LogReaping(logger, id);
            await StopAsync(id, ct);
        }
    }

    public bool ActiveSince(string sandboxId, DateTimeOffset since) => activity.SeenSince(sandboxId, since);

    /// <summary>Writes the edge activity seen since the last flush as session heartbeats (see <see cref="SandboxActivity"/>).</summary>
    internal Task FlushActivityAsync(CancellationToken ct) => activity.FlushAsync(ct);

    /// <summary>
    /// After a restart: sessions left running by the previous server instance are adopted when their sandbox survived
    /// and the dev server still answers (Docker; the process runtime with <c>StopOnShutdown=false</c>); every other
    /// unfinished session is ended (booting → <c>failed</c>, ready → <c>stopped</c>) and its sandbox destroyed.
    /// Runtime sandboxes of the old <c>appprv-</c> naming are destroyed (sessions now run in <c>sbx-</c> sandboxes that
    /// the sandbox housekeeping reconciles). Runs after that housekeeping's own startup reconciliation.
    /// </summary>
    internal async Task RecoverAsync(CancellationToken ct)
    {
        List<AppPreviewSession> unfinished;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
            unfinished = await db.AppPreviewSessions.AsNoTracking()
                .Where(s => s.Status != PreviewSessionStatuses.Stopped && s.Status != PreviewSessionStatuses.Failed)
                .ToListAsync(ct);
        }

        foreach (var session in unfinished.Where(s => !_running.ContainsKey(s.Id)))
        {
            if (session.Status == PreviewSessionStatuses.Ready && await AdoptAsync(session, ct))
            {
                LogAdopted(logger, session.Id);
                continue;
            }

            LogAbandoned(logger, session.Id, session.Status);
            await DestroyAsync(session.Id, session.SandboxId);
            var booting = session.Status != PreviewSessionStatuses.Ready;
            await UpdateAsync(session.Id, s =>
            {
                s.Status = booting ? PreviewSessionStatuses.Failed : PreviewSessionStatuses.Stopped;
                s.Error = booting ? "the server restarted while the session was starting" : s.Error;
                s.StoppedAt = DateTimeOffset.UtcNow;
            }, CancellationToken.None);
        }

        foreach (var legacy in (await runtime.ListAsync(ct)).Where(i => i.Id.StartsWith(LegacyRuntimePrefix, StringComparison.Ordinal)))
        {
            await DestroyAsync("(legacy)", legacy.Id);
        }
    }

    private async Task<bool> AdoptAsync(AppPreviewSession session, CancellationToken stopping)
    {
        if (session.SandboxId is not { } sandboxId || !sandboxId.StartsWith(PrefixedId.Sandbox + "_", StringComparison.Ordinal) || session.Port is not { } hostPort)
        {
            return false;
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
            var live = await db.Sandboxes.AnyAsync(s => s.Id == sandboxId && (s.Status == SandboxStatuses.Running || s.Status == SandboxStatuses.Starting), stopping);
            if (!live || await runtime.InspectAsync(SandboxService.RuntimeIdOf(sandboxId), stopping) is null)
            {
                return false;
            }
        }

        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) })
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{hostPort}/"), HttpCompletionOption.ResponseHeadersRead, stopping);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stopping.IsCancellationRequested)
            {
                return false;
            }
        }

        var run = new Running(stopping) { SandboxId = sandboxId, RuntimeId = SandboxService.RuntimeIdOf(sandboxId) };
        if (session.Metadata is { } json && JsonNode.Parse(json) is JsonObject metadata)
        {
            foreach (var (key, value) in metadata)
            {
                run.Metadata[key] = value?.DeepClone();
            }
        }

        if (!_running.TryAdd(session.Id, run))
        {
            return true;
        }

        var changes = await receiver.SubscribeAsync<JsonElement>(PreviewSessionTopics.VersionFiles(session.VersionId), stopping);
        _ = Task.Run(() => MirrorEditsAsync(session.Id, session.VersionId, run.RuntimeId, run, changes, run.Cancel.Token), CancellationToken.None);
        // The files may have changed while no server mirrored them.
        foreach (var file in await files.ListAsync(session.VersionId, stopping))
        {
            run.Files.TryAdd(file.Path, 0);
            await runtime.WriteFileAsync(run.RuntimeId, file.Path, file.Content, stopping);
        }

        if (run.Metadata["commandId"]?.GetValue<string>() is { } commandId)
        {
            _ = WatchDevServerAsync(session.Id, run, runtime.WaitForExitAsync(run.RuntimeId, commandId, run.Cancel.Token));
        }

        return true;
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

    /// <summary>
    /// Destroys the session's sandbox through the sandbox records (runtime sandbox, commands, previews revoked), once:
    /// a sandbox that already ended is left alone. Legacy <c>appprv-</c> runtime sandboxes (before sessions had
    /// sandbox records) are destroyed in the runtime directly.
    /// </summary>
    /// <summary>Server shutdown leaving sessions running (<see cref="PreviewSessionOptions.StopOnShutdown"/> false): the next start adopts them.</summary>
    internal void DetachAll()
    {
        foreach (var id in _running.Keys.ToList())
        {
            if (_running.TryRemove(id, out var run))
            {
                run.Cancel.Cancel();
            }
        }
    }

    private async Task DestroyAsync(string sessionId, string? sandboxId)
    {
        if (sandboxId is null)
        {
            return;
        }

        try
        {
            if (sandboxId.StartsWith(LegacyRuntimePrefix, StringComparison.Ordinal))
            {
                await runtime.DestroyAsync(sandboxId, CancellationToken.None);
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var sandboxes = scope.ServiceProvider.GetRequiredService<PreviewSessionSandboxes>();
            if (!await sandboxes.DestroyAsync(sandboxId, "preview session " + sessionId + " ended", CancellationToken.None))
            {
                LogDestroyFailed(logger, sandboxId, "the runtime could not destroy it");
            }
        }
        catch (Exception e) when (e is SandboxException or DbUpdateException or Npgsql.NpgsqlException)
        {
            LogDestroyFailed(logger, sandboxId, e.Message);
        }
    }

    /// <summary>Applies a change unless the session already ended; persists and publishes it. Null when it had ended.</summary>
    private async Task<AppPreviewSession?> UpdateAsync(string id, Action<AppPreviewSession> change, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Row-locked, so a session another instance stopped or failed meanwhile is never brought back (terminal
            // states are final).
            var session = (await db.AppPreviewSessions.FromSql($"SELECT * FROM app_preview_sessions WHERE id = {id} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
            if (session is null || PreviewSessionStatuses.IsTerminal(session.Status))
            {
                return null;
            }

            change(session);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return await PublishAsync(session);
        }
    }

    private async Task<AppPreviewSession> PublishAsync(AppPreviewSession session)
    {
        var id = session.Id;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Preview session {SessionId}: its app was deleted: stopping it")]
    private static partial void LogAppDeleted(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Preview session {SessionId} is idle: stopping it")]
    private static partial void LogReaping(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preview session {SessionId}: stop failed: {Reason}")]
    private static partial void LogStopFailed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox {SandboxId}: destroy failed: {Reason}")]
    private static partial void LogDestroyFailed(ILogger logger, string sandboxId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Preview session {SessionId} survived the restart: adopted")]
    private static partial void LogAdopted(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Preview session {SessionId} ({Status}) did not survive the restart: ending it")]
    private static partial void LogAbandoned(ILogger logger, string sessionId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preview session {SessionId}: publishing its state failed: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string sessionId, string reason);
}
