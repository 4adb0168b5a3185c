using System.Runtime.InteropServices;

namespace CrowNest.Sandboxes.Process;

/// <summary>The few libc calls .NET does not expose: signalling process groups, effective uid, chown.</summary>
internal static partial class LinuxNative
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Sends a signal to a process (<paramref name="pid"/> &gt; 0) or process group (&lt; 0); false when nothing matched.</summary>
    public static bool Kill(int pid, int signal) => NativeKill(pid, signal) == 0;

    public static uint EffectiveUid() => NativeGetEuid();

    public static void Chown(string path, int uid, int gid)
    {
        if (NativeChown(path, uid, gid) != 0)
        {
            throw new IOException($"chown {uid}:{gid} '{path}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int NativeKill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint NativeGetEuid();

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeChown(string path, int uid, int gid);
}
