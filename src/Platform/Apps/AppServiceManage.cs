using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CrowNest.Platform.Apps;

/// <summary>
/// A partial update: a property is changed when its <c>Set…</c> flag is true (REST: the key is present in the body),
/// so an explicit <c>null</c> description clears it while an absent one leaves it alone.
/// </summary>
public sealed record UpdateAppInput
{
    public bool SetName { get; init; }
    public string? Name { get; init; }
    public bool SetDescription { get; init; }
    public string? Description { get; init; }
    public bool SetHandle { get; init; }
    public string? Handle { get; init; }
    public bool SetPublicAccess { get; init; }
    public bool? PublicAccess { get; init; }
    public bool SetDefaultVersionId { get; init; }
    public string? DefaultVersionId { get; init; }

    /// <summary>Raw JSON; must be an object.</summary>
    public bool SetConfig { get; init; }
    public string? Config { get; init; }
}

/// <summary>An env var as returned: secret values are masked.</summary>
public sealed record EnvVarView(string Name, string Type, string Value);

public sealed partial class AppService
{
    /// <summary>What a secret env var's value reads as once set.</summary>
    public const string MaskedValue = "********";

    public const int MaxEnvValueBytes = 32 * 1024;
    public const int MaxEnvNameLength = 256;
    public const int MaxEnvVarsPerApp = 200;
    public const int MaxConfigBytes = 64 * 1024;

    public async Task<Result<App>> UpdateAsync(Caller caller, string id, UpdateAppInput input, CancellationToken ct)
    {
        var (app, error) = await LoadForWriteAsync(caller, id, ct);
        if (error is not null)
        {
            return error;
        }

        if (app!.DeletedAt is not null)
        {
            return PlatformError.Conflict("app is deleted; restore it first");
        }

        if (input.SetName)
        {
            var name = input.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 200)
            {
                return PlatformError.Invalid("name: required, 1-200 characters");
            }

            app.Name = name;
        }

        if (input.SetDescription)
        {
            app.Description = input.Description;
        }

        if (input.SetHandle)
        {
            if (input.Handle is null || !IsValidHandle(input.Handle))
            {
                return PlatformError.Invalid("handle: 3-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
            }

            if (input.Handle != app.Handle && await db.Apps.AnyAsync(x => x.Handle == input.Handle && x.DeletedAt == null && x.Id != app.Id, ct))
            {
                return HandleTaken(input.Handle);
            }

            app.Handle = input.Handle;
        }

        if (input.SetPublicAccess)
        {
            if (input.PublicAccess is null)
            {
                return PlatformError.Invalid("publicAccess: expected a boolean");
            }

            app.PublicAccess = input.PublicAccess.Value;
        }

        if (input.SetDefaultVersionId)
        {
            var versionId = input.DefaultVersionId;
            if (versionId is null || !await db.AppVersions.AnyAsync(v => v.Id == versionId && v.AppId == app.Id, ct))
            {
                return PlatformError.Invalid("defaultVersionId: not a version of this app");
            }

            app.DefaultVersionId = versionId;
        }

        if (input.SetConfig)
        {
            if (input.Config is null || Encoding.UTF8.GetByteCount(input.Config) > MaxConfigBytes || !IsJsonObject(input.Config))
            {
                return PlatformError.Invalid($"config: expected a JSON object of at most {MaxConfigBytes} bytes");
            }

            app.Config = input.Config;
        }

        app.UpdatedAt = DateTimeOffset.UtcNow;
        return await SaveAppAsync(app, ct);
    }

    /// <summary>Soft delete: sets <c>deletedAt</c>; the handle becomes free for other apps.</summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, string id, CancellationToken ct)
    {
        var (app, error) = await LoadForWriteAsync(caller, id, ct);
        if (error is not null)
        {
            return error;
        }

        if (app!.DeletedAt is not null)
        {
            return PlatformError.Conflict("app is already deleted");
        }

        app.DeletedAt = app.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return true;
    }

    public async Task<Result<App>> RestoreAsync(Caller caller, string id, CancellationToken ct)
    {
        var (app, error) = await LoadForWriteAsync(caller, id, ct);
        if (error is not null)
        {
            return error;
        }

        if (app!.DeletedAt is null)
        {
            return PlatformError.Conflict("app is not deleted");
        }

        if (await db.Apps.AnyAsync(x => x.Handle == app.Handle && x.DeletedAt == null && x.Id != app.Id, ct))
        {
            return PlatformError.Conflict($"handle '{app.Handle}' was taken by another app meanwhile; change that app's handle first");
        }

        app.DeletedAt = null;
        app.UpdatedAt = DateTimeOffset.UtcNow;
        return await SaveAppAsync(app, ct);
    }

    /// <summary>Removes a soft-deleted app and everything it owns (versions, files, env vars, domain, its API key).</summary>
    public async Task<Result<bool>> PurgeAsync(Caller caller, string id, CancellationToken ct)
    {
        var (app, error) = await LoadForWriteAsync(caller, id, ct);
        if (error is not null)
        {
            return error;
        }

        if (app!.DeletedAt is null)
        {
            return PlatformError.Conflict("only a soft-deleted app can be purged; DELETE it first");
        }

        var appId = app.Id;
        var keyId = app.ApiKeyId;
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Owned rows go by ON DELETE CASCADE from apps (and app_versions).
        await db.Apps.Where(x => x.Id == appId).ExecuteDeleteAsync(ct);
        if (keyId is not null)
        {
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteDeleteAsync(ct);
        }

        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<Result<IReadOnlyList<EnvVarView>>> ListEnvAsync(Caller caller, string appId, CancellationToken ct)
    {
        var (app, error) = await GetAsync(caller, appId, ct);
        if (error is not null)
        {
            return error;
        }

        var vars = await db.AppEnvVars.AsNoTracking().Where(v => v.AppId == app!.Id).OrderBy(v => v.Name).ToListAsync(ct);
        return vars.Select(View).ToList();
    }

    /// <summary>Creates or replaces an env var; <paramref name="type"/> defaults to the existing type, else plain.</summary>
    public async Task<Result<EnvVarView>> SetEnvAsync(Caller caller, string appId, string? name, string? value, string? type, CancellationToken ct)
    {
        if (name is null || name.Length > MaxEnvNameLength || !EnvNamePattern().IsMatch(name))
        {
            return PlatformError.Invalid($"name: must match ^[A-Za-z_][A-Za-z0-9_]*$ (at most {MaxEnvNameLength} characters)");
        }

        if (value is null)
        {
            return PlatformError.Invalid("value: required string");
        }

        if (type is not null and not EnvVarTypes.Plain and not EnvVarTypes.Secret)
        {
            return PlatformError.Invalid("type: expected plain or secret");
        }

        if (Encoding.UTF8.GetByteCount(value) > MaxEnvValueBytes)
        {
            return PlatformError.TooLarge($"value: at most {MaxEnvValueBytes} bytes (32 KiB)");
        }

        var (app, error) = await LoadForWriteAsync(caller, appId, ct);
        if (error is not null)
        {
            return error;
        }

        var now = DateTimeOffset.UtcNow;
        var existing = await db.AppEnvVars.FirstOrDefaultAsync(v => v.AppId == app!.Id && v.Name == name, ct);
        if (existing is null)
        {
            if (await db.AppEnvVars.CountAsync(v => v.AppId == app!.Id, ct) >= MaxEnvVarsPerApp)
            {
                return PlatformError.Quota($"an app has at most {MaxEnvVarsPerApp} env vars");
            }

            existing = new AppEnvVar { AppId = app!.Id, Name = name, Value = value, Type = type ?? EnvVarTypes.Plain, CreatedAt = now, UpdatedAt = now };
            db.AppEnvVars.Add(existing);
        }
        else
        {
            existing.Value = value;
            existing.Type = type ?? existing.Type;
            existing.UpdatedAt = now;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return PlatformError.Conflict($"env var '{name}' was created concurrently; retry");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return View(existing);
    }

    public async Task<Result<bool>> DeleteEnvAsync(Caller caller, string appId, string? name, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(name))
        {
            return PlatformError.Invalid("name: required");
        }

        var (app, error) = await LoadForWriteAsync(caller, appId, ct);
        if (error is not null)
        {
            return error;
        }

        db.ChangeTracker.Clear();
        var deleted = await db.AppEnvVars.Where(v => v.AppId == app!.Id && v.Name == name).ExecuteDeleteAsync(ct);
        return deleted == 0 ? PlatformError.NotFound("Env var") : true;
    }

    /// <summary>The app's custom domain, or null when it has none.</summary>
    public async Task<Result<AppDomain?>> GetDomainAsync(Caller caller, string appId, CancellationToken ct)
    {
        var (app, error) = await GetAsync(caller, appId, ct);
        if (error is not null)
        {
            return error;
        }

        return await db.AppDomains.AsNoTracking().FirstOrDefaultAsync(d => d.AppId == app!.Id, ct);
    }

    /// <summary>Attaches or replaces the app's domain; a new hostname starts <c>pending</c> until verified.</summary>
    public async Task<Result<AppDomain>> SetDomainAsync(Caller caller, string appId, string? hostname, CancellationToken ct)
    {
        if (ValidateHostname(hostname, options.Value.PlatformDomains) is { } invalid)
        {
            return PlatformError.Invalid("hostname: " + invalid);
        }

        var (app, error) = await LoadForWriteAsync(caller, appId, ct);
        if (error is not null)
        {
            return error;
        }

        if (await db.AppDomains.AnyAsync(d => d.Hostname == hostname && d.AppId != app!.Id, ct))
        {
            return DomainTaken(hostname!);
        }

        var now = DateTimeOffset.UtcNow;
        var domain = await db.AppDomains.FirstOrDefaultAsync(d => d.AppId == app!.Id, ct);
        if (domain is null)
        {
            domain = new AppDomain { Id = PrefixedId.New(DomainPrefix, now), AppId = app!.Id, Hostname = hostname!, CreatedBy = caller.UserId, CreatedAt = now, UpdatedAt = now };
            db.AppDomains.Add(domain);
        }
        else if (domain.Hostname != hostname)
        {
            domain.Hostname = hostname!;
            domain.Status = DomainStatuses.Pending;
            domain.LastError = null;
            domain.UpdatedAt = now;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return DomainTaken(hostname!);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return await db.AppDomains.AsNoTracking().SingleAsync(d => d.Id == domain.Id, ct);
    }

    public async Task<Result<bool>> RemoveDomainAsync(Caller caller, string appId, CancellationToken ct)
    {
        var (app, error) = await LoadForWriteAsync(caller, appId, ct);
        if (error is not null)
        {
            return error;
        }

        db.ChangeTracker.Clear();
        var deleted = await db.AppDomains.Where(d => d.AppId == app!.Id).ExecuteDeleteAsync(ct);
        return deleted == 0 ? PlatformError.NotFound("Domain") : true;
    }

    /// <summary>Runs the verifier now and records <c>active</c> or <c>failed</c> with <c>lastError</c>.</summary>
    public async Task<Result<AppDomain>> VerifyDomainAsync(Caller caller, string appId, CancellationToken ct)
    {
        var (app, error) = await LoadForWriteAsync(caller, appId, ct);
        if (error is not null)
        {
            return error;
        }

        var domain = await db.AppDomains.FirstOrDefaultAsync(d => d.AppId == app!.Id, ct);
        if (domain is null)
        {
            return PlatformError.NotFound("Domain");
        }

        await VerifyAsync(domain, ct);
        db.ChangeTracker.Clear();
        return await db.AppDomains.AsNoTracking().SingleAsync(d => d.Id == domain.Id, ct);
    }

    /// <summary>Background pass: verifies up to <paramref name="max"/> pending domains, oldest first.</summary>
    public async Task<int> VerifyPendingDomainsAsync(int max, CancellationToken ct)
    {
        var pending = await db.AppDomains.Where(d => d.Status == DomainStatuses.Pending).OrderBy(d => d.UpdatedAt).Take(max).ToListAsync(ct);
        foreach (var domain in pending)
        {
            await VerifyAsync(domain, ct);
        }

        db.ChangeTracker.Clear();
        return pending.Count;
    }

    /// <summary>The TXT value the owner publishes at <c>_crownest.&lt;hostname&gt;</c> to prove control.</summary>
    public static string VerificationValue(string appId) => "crownest-verify=" + appId;

    private async Task VerifyAsync(AppDomain domain, CancellationToken ct)
    {
        var result = await verifier.VerifyAsync(domain.Hostname, VerificationValue(domain.AppId), ct);
        domain.Status = result.Verified ? DomainStatuses.Active : DomainStatuses.Failed;
        domain.LastError = result.Verified ? null : result.Error ?? "verification failed";
        domain.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Why <paramref name="hostname"/> cannot be a custom domain, or null when it can.</summary>
    public static string? ValidateHostname(string? hostname, IReadOnlyList<string> platformDomains)
    {
        if (string.IsNullOrEmpty(hostname))
        {
            return "required";
        }

        if (hostname.Length > 253)
        {
            return "at most 253 characters";
        }

        if (hostname != hostname.ToLowerInvariant())
        {
            return "must be lowercase";
        }

        if (IPAddress.TryParse(hostname.Trim('[', ']'), out _))
        {
            return "must be a DNS name, not an IP address";
        }

        var labels = hostname.Split('.');
        if (labels.Length < 2 || labels.Any(l => !LabelPattern().IsMatch(l)))
        {
            return "not a valid RFC 1123 hostname (dot-separated labels of 1-63 a-z, 0-9 and '-', not starting or ending with '-', at least two labels)";
        }

        if (labels[^1].All(char.IsAsciiDigit))
        {
            return "the top-level label cannot be numeric";
        }

        foreach (var platform in platformDomains)
        {
            var p = platform.Trim('.').ToLowerInvariant();
            if (hostname == p || hostname.EndsWith("." + p, StringComparison.Ordinal))
            {
                return $"cannot be under the platform's own domain '{p}'";
            }
        }

        return null;
    }

    /// <summary>ID prefix of custom domains.</summary>
    public const string DomainPrefix = "dom";

    private static PlatformError DomainTaken(string hostname) => PlatformError.Conflict($"hostname '{hostname}' is already attached to another app");

    private static EnvVarView View(AppEnvVar v) => new(v.Name, v.Type, v.Type == EnvVarTypes.Secret ? MaskedValue : v.Value);

    private async Task<Result<App>> SaveAppAsync(App app, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return HandleTaken(app.Handle);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return await db.Apps.AsNoTracking().SingleAsync(x => x.Id == app.Id, ct);
    }

    /// <summary>A tracked visible app the caller may change: invisible → not_found, no app:write → forbidden.</summary>
    private async Task<Result<App>> LoadForWriteAsync(Caller caller, string id, CancellationToken ct)
    {
        if (!PrefixedId.IsValid(id, PrefixedId.App))
        {
            return PlatformError.NotFound("App");
        }

        var app = await db.VisibleApps(caller).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (app is null)
        {
            return PlatformError.NotFound("App");
        }

        return caller.Has(Scopes.AppWrite) ? app : PlatformError.MissingScope(Scopes.AppWrite);
    }

    private static bool IsJsonObject(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex LabelPattern();
}
