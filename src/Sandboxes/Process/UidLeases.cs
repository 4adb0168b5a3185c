using System.Collections.Concurrent;
using System.Globalization;

namespace CrowNest.Sandboxes.Process;

/// <summary>
/// Machine-wide ownership of sandbox UIDs. Destroying a sandbox kills every process of its UID, so two runtimes (two
/// servers, or two runtimes with different root directories in one process) must never hand out the same UID. Each
/// UID in use is held as an exclusive lock on <c>&lt;dir&gt;/&lt;uid&gt;.lock</c> (on Unix, .NET implements
/// <see cref="FileShare.None"/> with <c>flock</c>): the kernel drops it when the holder exits, so a crashed server never
/// leaks UIDs, and a leftover file without a holder is free.
/// </summary>
internal sealed class UidLeases(string directory)
{
    private readonly ConcurrentDictionary<int, FileStream> _held = new();

    /// <summary>Takes <paramref name="uid"/> if no runtime on this machine holds it.</summary>
    public bool TryAcquire(int uid)
    {
        if (_held.ContainsKey(uid))
        {
            return false;
        }

        Directory.CreateDirectory(directory);
        try
        {
            var lease = new FileStream(Path.Combine(directory, uid.ToString(CultureInfo.InvariantCulture) + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            if (_held.TryAdd(uid, lease))
            {
                return true;
            }

            lease.Dispose();
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Gives <paramref name="uid"/> back (after its processes are gone). Idempotent.</summary>
    public void Release(int uid)
    {
        if (_held.TryRemove(uid, out var lease))
        {
            lease.Dispose();
        }
    }
}
