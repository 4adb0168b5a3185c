using System.Collections.Concurrent;

namespace CrowNest.Platform.Sandboxes;

/// <summary>
/// Process-wide wake-ups of live output readers (the SSE stream of <c>GET /v1/commands/{id}/output</c>): pulsed when
/// this process stores a command's output or records its exit (<see cref="CommandSupervisor"/>, kill, destroy), and
/// when another process does (a PostgreSQL <c>NOTIFY</c> on <see cref="NotifyChannel"/>, raised by triggers on
/// <c>command_output</c> and <c>sandbox_commands</c>). A pulse carries nothing: readers re-read the database, so a
/// duplicate pulse costs one query and a lost one is caught by the reader's slow safety poll.
/// </summary>
public sealed class CommandOutputSignal
{
    /// <summary>The channel the database NOTIFYs with a command id when its output or status changes.</summary>
    public const string NotifyChannel = "crownest_command_output";

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Starts watching a command (dispose to stop); take <see cref="Watch.NextPulse"/> before each read.</summary>
    public Watch Subscribe(string commandId)
    {
        while (true)
        {
            var entry = _entries.GetOrAdd(commandId, static _ => new Entry());
            lock (entry)
            {
                if (entry.Removed)
                {
                    // Its last watcher left between GetOrAdd and the lock; a fresh entry replaces it.
                    continue;
                }

                entry.Watchers++;
            }

            return new Watch(this, commandId, entry);
        }
    }

    /// <summary>Wakes the command's watchers (no-op, no allocation, when nobody watches).</summary>
    public void Pulse(string commandId)
    {
        if (_entries.TryGetValue(commandId, out var entry))
        {
            entry.Pulse();
        }
    }

    /// <summary>Wakes every watcher (after a lost LISTEN connection, whose notifications are gone).</summary>
    public void PulseAll()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Pulse();
        }
    }

    /// <summary>Commands currently watched in this process.</summary>
    public int WatchedCount => _entries.Count;

    private void Release(string commandId, Entry entry)
    {
        lock (entry)
        {
            if (--entry.Watchers == 0)
            {
                entry.Removed = true;
                _entries.TryRemove(new KeyValuePair<string, Entry>(commandId, entry));
            }
        }
    }

    /// <summary>One reader's interest in a command.</summary>
    public sealed class Watch : IDisposable
    {
        private readonly CommandOutputSignal _owner;
        private readonly string _commandId;
        private Entry? _entry;

        internal Watch(CommandOutputSignal owner, string commandId, Entry entry)
        {
            _owner = owner;
            _commandId = commandId;
            _entry = entry;
        }

        /// <summary>
        /// Completes at the first pulse after this property was read. Read it BEFORE reading the database, so a change
        /// committed while the read runs still wakes the reader.
        /// </summary>
        public Task NextPulse => (_entry ?? throw new ObjectDisposedException(nameof(Watch))).Next;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _entry, null) is { } entry)
            {
                _owner.Release(_commandId, entry);
            }
        }
    }

    internal sealed class Entry
    {
        private TaskCompletionSource _next = New();

        internal int Watchers { get; set; }

        internal bool Removed { get; set; }

        internal Task Next => Volatile.Read(ref _next).Task;

        internal void Pulse() => Interlocked.Exchange(ref _next, New()).TrySetResult();

        // Asynchronous continuations: the pulser (the output pump, Npgsql's notification thread) never runs a reader.
        private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
