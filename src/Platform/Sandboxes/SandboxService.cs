using System.Runtime.CompilerServices;
using System.Text.Json;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Previews;
using CrowNest.Sandboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrowNest.Platform.Sandboxes;

public sealed record CreateSandboxInput
{
    public string? ProjectId { get; init; }
    public int? TimeoutSeconds { get; init; }
}

public sealed record RunCommandInput
{
    public string? Command { get; init; }
    public string? Cwd { get; init; }
    public IReadOnlyDictionary<string, string>? Env { get; init; }
}

/// <summary>
/// Sandboxes and their commands (REST <c>/v1/sandboxes</c>, <c>/v1/commands</c> and GraphQL). A sandbox is visible
/// when its project's workspace is; reads need <c>sandbox:read</c> (or <c>sandbox:write</c>), changes
/// <c>sandbox:write</c>. Status changes are published on <see cref="SandboxTopics.Sandbox"/> (and revoked previews on
/// <see cref="SandboxTopics.Previews"/>). A runtime failure (<see cref="SandboxException.TryClassify"/>) is data:
/// <see cref="ErrorKind.Unavailable"/> (503 <c>unavailable</c>), never an exception, and leaves the rows as they were.
/// </summary>
public sealed class SandboxService(CrowNestDbContext db, ISandboxRuntime runtime, CommandSupervisor supervisor, IOptions<SandboxApiOptions> options, SandboxEventPublisher? events = null, CommandOutputSignal? signal = null)
{
    /// <summary>Largest accepted command line (UTF-8 bytes); longer ones would fail in the runtime's argv (E2BIG).</summary>
    public const int MaxCommandBytes = 64 * 1024;

    /// <summary>The sandbox directory as commands see it; <c>cwd</c> may name it absolutely.</summary>
    public const string SandboxMount = "/sandbox";

    /// <summary>Striped in-process locks that serialize destroys of one sandbox (bounded; no per-id cleanup).</summary>
    private static readonly SemaphoreSlim[] DestroyGates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    private readonly SandboxApiOptions _options = options.Value;

    public IQueryable<Sandbox> VisibleSandboxes(Caller caller)
    {
        var projects = db.VisibleProjects(caller);
        return db.Sandboxes.Where(s => projects.Any(p => p.Id == s.ProjectId));
    }

    public async Task<Result<Sandbox>> CreateAsync(Caller caller, CreateSandboxInput input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.ProjectId))
        {
            return PlatformError.Invalid("projectId: required");
        }

        var timeout = input.TimeoutSeconds ?? _options.DefaultTimeoutSeconds;
        if (timeout < 1 || timeout > _options.MaxTimeoutSeconds)
        {
            return PlatformError.Invalid($"timeoutSeconds: must be between 1 and {_options.MaxTimeoutSeconds}");
        }

        var projectId = input.ProjectId;
        if (!PrefixedId.IsValid(projectId, PrefixedId.Project) || !await db.VisibleProjects(caller).AnyAsync(p => p.Id == projectId, ct))
        {
            return PlatformError.NotFound("Project");
        }

        if (!caller.Has(Scopes.SandboxWrite))
        {
            return PlatformError.MissingScope(Scopes.SandboxWrite);
        }

        var now = DateTimeOffset.UtcNow;
        var id = PrefixedId.New(PrefixedId.Sandbox, now);
        var sandbox = new Sandbox
        {
            Id = id,
            OrganizationId = caller.OrganizationId,
            ProjectId = projectId,
            Status = SandboxStatuses.Starting,
            Runtime = runtime.Kind,
            RuntimeId = RuntimeIdOf(id),
            CreatedBy = caller.UserId,
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(timeout),
        };
        db.Sandboxes.Add(sandbox);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        try
        {
            await runtime.CreateAsync(new SandboxSpec { Id = sandbox.RuntimeId }, ct);
        }
        catch (Exception failure) when (SandboxException.TryClassify(failure, out var e))
        {
            await db.Sandboxes.Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SandboxStatuses.Failed).SetProperty(x => x.Error, e.Message), CancellationToken.None);
            await PublishAsync(id, SandboxStatuses.Failed, previews: false);
            return new PlatformError(ErrorKind.Unavailable, "The sandbox could not be created: " + e.Message);
        }

        await db.Sandboxes.Where(s => s.Id == id && s.Status == SandboxStatuses.Starting)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SandboxStatuses.Running), CancellationToken.None);
        sandbox.Status = SandboxStatuses.Running;
        await PublishAsync(id, SandboxStatuses.Running, previews: false);
        return sandbox;
    }

    public async Task<Result<Sandbox>> GetAsync(Caller caller, string id, CancellationToken ct)
    {
        var sandbox = PrefixedId.IsValid(id, PrefixedId.Sandbox)
            ? await VisibleSandboxes(caller).AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct)
            : null;
        if (sandbox is null)
        {
            return PlatformError.NotFound("Sandbox");
        }

        return ProjectService.CanRead(caller) ? sandbox : PlatformError.MissingScope(Scopes.SandboxRead);
    }

    public async Task<Result<ListPage<Sandbox>>> ListAsync(Caller caller, string? projectId, int? limit, string? cursor, CancellationToken ct)
    {
        if (!ProjectService.CanRead(caller))
        {
            return PlatformError.MissingScope(Scopes.SandboxRead);
        }

        var source = VisibleSandboxes(caller);
        if (projectId is not null)
        {
            source = source.Where(s => s.ProjectId == projectId);
        }

        return await ProjectVisibility.PageByIdAsync(source, s => s.Id, (q, c) => q.Where(s => string.Compare(s.Id, c) < 0), s => s.Id, limit, cursor, PrefixedId.Sandbox, ct);
    }

    /// <summary>Destroys the runtime sandbox and revokes its previews; idempotent (a destroyed one is returned as is).</summary>
    public async Task<Result<Sandbox>> DestroyAsync(Caller caller, string id, CancellationToken ct)
    {
        var (sandbox, error) = await GetAsync(caller, id, ct);
        if (error is not null)
        {
            return error;
        }

        if (!caller.Has(Scopes.SandboxWrite))
        {
            return PlatformError.MissingScope(Scopes.SandboxWrite);
        }

        if (sandbox!.Status == SandboxStatuses.Destroyed)
        {
            return sandbox;
        }

        var destroyed = await DestroyCoreAsync(sandbox, SandboxStatuses.Destroyed, null, ct);
        // The sandbox stays as it was (status, commands, previews): a later DELETE may succeed.
        return destroyed is null ? new PlatformError(ErrorKind.Unavailable, "The sandbox runtime could not destroy the sandbox; try again") : destroyed;
    }

    /// <summary>
    /// Kills the runtime sandbox, records <paramref name="status"/>, settles commands and revokes previews. Concurrent
    /// destroys of one sandbox (two DELETEs, DELETE and the reaper) are serialized, and a sandbox that is already
    /// destroyed keeps its first <c>destroyedAt</c>: every caller gets the same stored record. Null when the runtime
    /// failed (<see cref="SandboxException.TryClassify"/>): nothing was recorded.
    /// </summary>
    internal async Task<Sandbox?> DestroyCoreAsync(Sandbox sandbox, string status, string? reason, CancellationToken ct)
    {
        var gate = DestroyGates[(int)((uint)StringComparer.Ordinal.GetHashCode(sandbox.Id) % (uint)DestroyGates.Length)];
        await gate.WaitAsync(ct);
        try
        {
            var current = await db.Sandboxes.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sandbox.Id, ct);
            if (current is null || current.Status == SandboxStatuses.Destroyed)
            {
                return current;
            }

            var running = await db.SandboxCommands.Where(c => c.SandboxId == sandbox.Id && c.Status == CommandStatuses.Running).Select(c => c.Id).ToListAsync(ct);
            running.ForEach(supervisor.MarkKilled);
            try
            {
                await runtime.DestroyAsync(sandbox.RuntimeId, ct);
            }
            catch (Exception failure) when (SandboxException.TryClassify(failure, out _))
            {
                // Not destroyed: commands that end by themselves later are not reported as killed.
                running.ForEach(supervisor.UnmarkKilled);
                return null;
            }

            var now = DateTimeOffset.UtcNow;
            await db.SandboxCommands.Where(c => c.SandboxId == sandbox.Id && c.Status == CommandStatuses.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CommandStatuses.Killed).SetProperty(c => c.ExitedAt, now), CancellationToken.None);
            running.ForEach(PulseOutput);
            // A sandbox lost at a restart (stopped) keeps the moment it was found gone.
            await db.Sandboxes.Where(s => s.Id == sandbox.Id && s.Status != SandboxStatuses.Destroyed)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, status).SetProperty(x => x.DestroyedAt, x => x.DestroyedAt ?? now).SetProperty(x => x.Error, x => reason ?? x.Error), CancellationToken.None);
            await PreviewService.RevokeForSandboxAsync(db, sandbox.Id, now, CancellationToken.None);
            await PublishAsync(sandbox.Id, status, previews: true);
            var stored = await db.Sandboxes.AsNoTracking().FirstAsync(s => s.Id == sandbox.Id, CancellationToken.None);
            sandbox.Status = stored.Status;
            sandbox.DestroyedAt = stored.DestroyedAt;
            sandbox.Error = stored.Error;
            return sandbox;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<Result<SandboxCommand>> RunCommandAsync(Caller caller, string sandboxId, RunCommandInput input, CancellationToken ct)
    {
        var (sandbox, error) = await GetAsync(caller, sandboxId, ct);
        if (error is not null)
        {
            return error;
        }

        if (!caller.Has(Scopes.SandboxWrite))
        {
            return PlatformError.MissingScope(Scopes.SandboxWrite);
        }

        if (string.IsNullOrWhiteSpace(input.Command))
        {
            return PlatformError.Invalid("command: required");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(input.Command) > MaxCommandBytes)
        {
            return PlatformError.Invalid($"command: at most {MaxCommandBytes} bytes");
        }

        var (cwd, badCwd) = NormalizeCwd(input.Cwd);
        if (badCwd is not null)
        {
            return badCwd;
        }

        var env = input.Env ?? new Dictionary<string, string>();
        if (env.FirstOrDefault(e => e.Value is null) is { Key: { } nullName })
        {
            // JSON null passes deserialization into Dictionary<string, string>; the runtime would throw on it.
            return PlatformError.Invalid($"env.{nullName}: expected a string");
        }

        try
        {
            SandboxIds.ValidateEnvironment(env);
        }
        catch (SandboxException e)
        {
            return PlatformError.Invalid("env: " + e.Message);
        }

        if (!sandbox!.IsLive)
        {
            return new PlatformError(ErrorKind.SandboxDestroyed, $"The sandbox is {sandbox.Status}");
        }

        SandboxCommandInfo started;
        try
        {
            started = await runtime.StartCommandAsync(sandbox.RuntimeId, new SandboxCommandSpec { Command = input.Command, Environment = env, WorkingDirectory = cwd }, ct);
        }
        catch (Exception failure) when (SandboxException.TryClassify(failure, out var e))
        {
            return e.Code switch
            {
                SandboxErrorCode.InvalidArgument => PlatformError.Invalid(e.Message),
                SandboxErrorCode.SandboxNotFound => new PlatformError(ErrorKind.SandboxDestroyed, "The sandbox no longer exists in the runtime"),
                _ => new PlatformError(ErrorKind.Unavailable, "The command could not be started: " + e.Message),
            };
        }

        var command = new SandboxCommand
        {
            Id = PrefixedId.New(PrefixedId.Command),
            SandboxId = sandbox.Id,
            RuntimeCommandId = started.Id,
            Command = input.Command,
            Cwd = cwd,
            Env = JsonSerializer.Serialize(env),
            Status = CommandStatuses.Running,
            StartedAt = started.StartedAt,
        };
        db.SandboxCommands.Add(command);
        await db.SaveChangesAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
        supervisor.Start(command.Id, sandbox.RuntimeId, started.Id);
        return command;
    }

    public async Task<Result<SandboxCommand>> GetCommandAsync(Caller caller, string id, CancellationToken ct)
    {
        var command = PrefixedId.IsValid(id, PrefixedId.Command)
            ? await db.SandboxCommands.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && VisibleSandboxes(caller).Any(s => s.Id == c.SandboxId), ct)
            : null;
        if (command is null)
        {
            return PlatformError.NotFound("Command");
        }

        return ProjectService.CanRead(caller) ? command : PlatformError.MissingScope(Scopes.SandboxRead);
    }

    public async Task<Result<ListPage<SandboxCommand>>> ListCommandsAsync(Caller caller, string sandboxId, int? limit, string? cursor, CancellationToken ct)
    {
        var (_, error) = await GetAsync(caller, sandboxId, ct);
        if (error is not null)
        {
            return error;
        }

        return await ProjectVisibility.PageByIdAsync(db.SandboxCommands.Where(c => c.SandboxId == sandboxId), c => c.Id, (q, c) => q.Where(x => string.Compare(x.Id, c) < 0), c => c.Id, limit, cursor, PrefixedId.Command, ct);
    }

    /// <summary>
    /// SIGTERM, then SIGKILL after the grace period; a finished command is returned as is. When the runtime fails to
    /// stop it (other than "gone") the answer is <see cref="ErrorKind.Unavailable"/> and the command stays
    /// <c>running</c> (it was not killed; a later kill may succeed).
    /// </summary>
    public async Task<Result<SandboxCommand>> KillCommandAsync(Caller caller, string id, CancellationToken ct)
    {
        var (command, error) = await GetCommandAsync(caller, id, ct);
        if (error is not null)
        {
            return error;
        }

        if (!caller.Has(Scopes.SandboxWrite))
        {
            return PlatformError.MissingScope(Scopes.SandboxWrite);
        }

        if (command!.Status != CommandStatuses.Running || command.RuntimeCommandId is null)
        {
            return command;
        }

        var sandbox = await db.Sandboxes.AsNoTracking().FirstAsync(s => s.Id == command.SandboxId, ct);
        supervisor.MarkKilled(command.Id);
        try
        {
            await runtime.StopCommandAsync(sandbox.RuntimeId, command.RuntimeCommandId, _options.KillGracePeriod, ct);
        }
        catch (SandboxException e) when (e.Code is SandboxErrorCode.SandboxNotFound or SandboxErrorCode.CommandNotFound)
        {
            await db.SandboxCommands.Where(c => c.Id == command.Id && c.Status == CommandStatuses.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CommandStatuses.Killed).SetProperty(c => c.ExitedAt, DateTimeOffset.UtcNow), CancellationToken.None);
            PulseOutput(command.Id);
        }
        catch (Exception failure) when (SandboxException.TryClassify(failure, out var e))
        {
            supervisor.UnmarkKilled(command.Id);
            return new PlatformError(ErrorKind.Unavailable, "The command could not be killed: " + e.Message);
        }

        await supervisor.WaitAsync(command.Id, _options.KillGracePeriod + TimeSpan.FromSeconds(5));
        return await db.SandboxCommands.AsNoTracking().FirstAsync(c => c.Id == command.Id, CancellationToken.None);
    }

    /// <summary>A page of stored output after the cursor (a sequence number; chunks in order; the next cursor is the last seq).</summary>
    public async Task<Result<ListPage<CommandOutput>>> GetOutputAsync(Caller caller, string commandId, int? limit, string? cursor, CancellationToken ct)
    {
        var (_, error) = await GetCommandAsync(caller, commandId, ct);
        if (error is not null)
        {
            return error;
        }

        var take = limit ?? 100;
        if (take is < 1 or > 1000)
        {
            return PlatformError.Invalid("limit: must be an integer between 1 and 1000");
        }

        long after = 0;
        if (cursor is not null && (!long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out after) || after < 0))
        {
            return PlatformError.InvalidCursor("cursor: malformed cursor");
        }

        var rows = await db.CommandOutput.AsNoTracking().Where(o => o.CommandId == commandId && o.Seq > after).OrderBy(o => o.Seq).Take(take + 1).ToListAsync(ct);
        var hasMore = rows.Count > take;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return new ListPage<CommandOutput>(rows, hasMore, rows.Count > 0 ? rows[^1].Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : cursor);
    }

    /// <summary>
    /// Stored chunks after <paramref name="afterSeq"/>, then new ones as the pump stores them, until the command has
    /// finished and everything was delivered (the pump records the exit only after the last chunk). A null item is a
    /// keep-alive: nothing new for <see cref="SandboxApiOptions.StreamKeepAliveInterval"/>. Access is checked by the
    /// caller (<see cref="GetCommandAsync"/>). Between reads it sleeps until <see cref="CommandOutputSignal"/> pulses
    /// (output stored or exit recorded, by this process or, through NOTIFY, another), a keep-alive is due, or
    /// <see cref="SandboxApiOptions.StreamSafetyPollInterval"/> passed.
    /// </summary>
    public async IAsyncEnumerable<CommandOutput?> StreamOutputAsync(string commandId, long afterSeq, [EnumeratorCancellation] CancellationToken ct)
    {
        using var watch = signal?.Subscribe(commandId);
        var quietSince = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            // Taken before the reads: a change committed while they run completes it, so no wake-up is lost.
            var pulse = watch?.NextPulse;
            var status = await db.SandboxCommands.Where(c => c.Id == commandId).Select(c => c.Status).FirstAsync(ct);
            var rows = await db.CommandOutput.AsNoTracking().Where(o => o.CommandId == commandId && o.Seq > afterSeq).OrderBy(o => o.Seq).Take(500).ToListAsync(ct);
            foreach (var row in rows)
            {
                afterSeq = row.Seq;
                quietSince = System.Diagnostics.Stopwatch.GetTimestamp();
                yield return row;
            }

            if (rows.Count > 0)
            {
                continue;
            }

            if (status != CommandStatuses.Running)
            {
                yield break;
            }

            var keepAliveIn = _options.StreamKeepAliveInterval - System.Diagnostics.Stopwatch.GetElapsedTime(quietSince);
            if (keepAliveIn <= TimeSpan.Zero)
            {
                quietSince = System.Diagnostics.Stopwatch.GetTimestamp();
                yield return null;
                keepAliveIn = _options.StreamKeepAliveInterval;
            }

            var wait = keepAliveIn < _options.StreamSafetyPollInterval ? keepAliveIn : _options.StreamSafetyPollInterval;
            if (pulse is null)
            {
                await Task.Delay(wait, ct);
            }
            else
            {
                // Woken, timed out or cancelled: all three just re-check (cancellation throws below), without exceptions.
                await pulse.WaitAsync(wait, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                ct.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>
    /// A command's working directory as a path relative to the sandbox directory (null = the directory itself).
    /// Accepts relative paths and absolute ones under <see cref="SandboxMount"/>; <c>.</c> segments are dropped; a
    /// <c>..</c> segment or any other absolute path could leave the sandbox and is invalid.
    /// </summary>
    public static Result<string?> NormalizeCwd(string? cwd)
    {
        if (cwd is null)
        {
            return (string?)null;
        }

        var path = cwd.Replace('\\', '/');
        if (path == SandboxMount || path.StartsWith(SandboxMount + "/", StringComparison.Ordinal))
        {
            path = path[SandboxMount.Length..];
        }
        else if (path.StartsWith('/'))
        {
            return PlatformError.Invalid($"cwd: must be inside the sandbox (relative, or under {SandboxMount})");
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Any(s => s == ".." || s.Contains('\0', StringComparison.Ordinal)))
        {
            return PlatformError.Invalid("cwd: must not contain '..' segments or NUL");
        }

        return segments.Length == 0 ? (string?)null : string.Join('/', segments);
    }

    private void PulseOutput(string commandId) => signal?.Pulse(commandId);

    private async Task PublishAsync(string sandboxId, string status, bool previews)
    {
        if (events is not null)
        {
            await events.SandboxChangedAsync(sandboxId, status);
            if (previews)
            {
                await events.PreviewsChangedAsync(sandboxId);
            }
        }
    }

    /// <summary>The runtime's id for a sandbox: <c>sbx-</c> and the lower-cased id body (runtime ids are <c>[a-z0-9-]</c>).</summary>
    public static string RuntimeIdOf(string sandboxId) => "sbx-" + sandboxId[(PrefixedId.Sandbox.Length + 1)..].ToLowerInvariant();
}
