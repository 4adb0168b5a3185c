using System.Collections.Concurrent;
using CrowNest.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace CrowNest.Server.PreviewSessions;

/// <summary>
/// Edge traffic per sandbox, kept in memory and written in batches as the heartbeat of the sandbox's preview session.
/// The control plane's session worker and a standalone edge node (<c>crownest edge</c>) each keep one and flush it
/// every <see cref="CrowNest.Platform.PreviewSessions.PreviewSessionOptions.ActivityDebounce"/>.
/// </summary>
public sealed class SandboxActivity(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<string, Mark> _marks = new(StringComparer.Ordinal);

    /// <summary>
    /// Records a proxied request for a sandbox (called by the edge per request: one dictionary lookup and a store;
    /// nothing is allocated after a sandbox's first request).
    /// </summary>
    public void Touch(string sandboxId)
    {
        if (!_marks.TryGetValue(sandboxId, out var seen))
        {
            seen = _marks.GetOrAdd(sandboxId, static _ => new Mark());
        }

        Volatile.Write(ref seen.Ticks, DateTimeOffset.UtcNow.UtcTicks);
    }

    /// <summary>Whether this process saw a request for the sandbox after <paramref name="cutoff"/> (written or not).</summary>
    public bool SeenSince(string sandboxId, DateTimeOffset cutoff) =>
        _marks.TryGetValue(sandboxId, out var mark) && Volatile.Read(ref mark.Ticks) > cutoff.UtcTicks;

    /// <summary>
    /// Writes the activity seen since the last flush as heartbeats, in one statement for all sessions (never moving a
    /// heartbeat back, never touching a stopped or failed session). Sandboxes without traffic since the previous flush
    /// are forgotten.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_marks.IsEmpty)
        {
            return;
        }

        var ids = new List<string>();
        var ats = new List<DateTimeOffset>();
        foreach (var (sandboxId, mark) in _marks)
        {
            var ticks = Volatile.Read(ref mark.Ticks);
            if (ticks > mark.Written)
            {
                mark.Written = ticks;
                ids.Add(sandboxId);
                ats.Add(new DateTimeOffset(ticks, TimeSpan.Zero));
            }
            else
            {
                // Idle since the last flush; a request racing this removal is only delayed to its next request.
                _marks.TryRemove(new KeyValuePair<string, Mark>(sandboxId, mark));
            }
        }

        if (ids.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrowNestDbContext>();
        var idArray = ids.ToArray();
        var atArray = ats.ToArray();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE app_preview_sessions AS s SET last_heartbeat_at = t.at
            FROM unnest({idArray}::text[], {atArray}::timestamptz[]) AS t(sandbox_id, at)
            WHERE s.sandbox_id = t.sandbox_id AND s.status NOT IN ('stopped', 'failed') AND s.last_heartbeat_at < t.at
            """, ct);
    }

    /// <summary>Last edge request seen for a sandbox and the last one written.</summary>
    private sealed class Mark
    {
        public long Ticks;
        public long Written;
    }
}
