using System.Globalization;

namespace CrowNest.Sandboxes.Process;

/// <summary>
/// Finds writable cgroup hierarchies (v2 unified, or v1 per-controller) and manages one cgroup per sandbox.
/// </summary>
/// <remarks>
/// Sandbox cgroups are nested under the server's own cgroup (<c>&lt;own&gt;/crownest/&lt;id&gt;</c>) so whatever
/// limits the server runs under still cover its sandboxes. The chosen directories are stored in the sandbox state
/// file, so a restarted server (possibly in another cgroup) still finds and removes them.
/// </remarks>
internal sealed class Cgroups
{
    private const string Root = "/sys/fs/cgroup";

    private Cgroups(bool isV2, IReadOnlyDictionary<string, string> parents)
    {
        IsV2 = isV2;
        Parents = parents;
    }

    public bool IsV2 { get; }

    /// <summary>Controller name → parent directory for sandbox cgroups (memory, pids, cpu, cpuacct; v2 uses key "unified").</summary>
    public IReadOnlyDictionary<string, string> Parents { get; }

    /// <summary>No controllers (cgroups disabled by configuration).</summary>
    public static Cgroups None { get; } = new(false, new Dictionary<string, string>());

    public bool HasMemory => IsV2 || Parents.ContainsKey("memory");

    public bool HasPids => IsV2 || Parents.ContainsKey("pids");

    /// <summary>Detects usable hierarchies; returns an instance with no controllers when none is writable.</summary>
    public static Cgroups Detect()
    {
        var own = ReadOwnCgroups();
        if (File.Exists(Path.Combine(Root, "cgroup.controllers")) && own.TryGetValue("", out var v2Path))
        {
            var parent = Path.Combine(Root, v2Path.TrimStart('/'), "crownest");
            if (TryPrepareV2(parent))
            {
                return new Cgroups(true, new Dictionary<string, string> { ["unified"] = parent });
            }
        }

        var parents = new Dictionary<string, string>();
        foreach (var controller in new[] { "memory", "pids", "cpu", "cpuacct" })
        {
            var entry = own.FirstOrDefault(kv => kv.Key.Split(',').Contains(controller));
            if (entry.Key is null)
            {
                continue;
            }

            var mount = Path.Combine(Root, entry.Key);
            if (!File.Exists(Path.Combine(mount, "cgroup.procs")))
            {
                mount = Path.Combine(Root, controller);
            }

            var parent = Path.Combine(mount, entry.Value.TrimStart('/'), "crownest");
            if (File.Exists(Path.Combine(mount, "cgroup.procs")) && TryCreate(parent))
            {
                parents[controller] = parent;
            }
        }

        return new Cgroups(false, parents);
    }

    /// <summary>Creates the sandbox's cgroups with limits; returns their directories (join by writing a pid to cgroup.procs).</summary>
    public IReadOnlyList<string> Create(string sandboxId, SandboxLimits limits)
    {
        var dirs = new List<string>();
        foreach (var (controller, parent) in Parents)
        {
            var dir = Path.Combine(parent, sandboxId);
            Directory.CreateDirectory(dir);
            dirs.Add(dir);
            var memory = limits.MemoryBytes.ToString(CultureInfo.InvariantCulture);
            var pids = limits.MaxProcesses.ToString(CultureInfo.InvariantCulture);
            var quota = limits.Cpus is { } cpus ? ((long)(cpus * 100_000)).ToString(CultureInfo.InvariantCulture) : null;
            switch (controller)
            {
                case "unified":
                    Write(dir, "memory.max", memory);
                    TryWrite(dir, "memory.swap.max", "0");
                    Write(dir, "pids.max", pids);
                    if (quota is not null)
                    {
                        TryWrite(dir, "cpu.max", quota + " 100000");
                    }

                    break;
                case "memory":
                    Write(dir, "memory.limit_in_bytes", memory);
                    TryWrite(dir, "memory.memsw.limit_in_bytes", memory);
                    break;
                case "pids":
                    Write(dir, "pids.max", pids);
                    break;
                case "cpu" when quota is not null:
                    TryWrite(dir, "cpu.cfs_period_us", "100000");
                    TryWrite(dir, "cpu.cfs_quota_us", quota);
                    break;
                default:
                    break;
            }
        }

        return dirs;
    }

    /// <summary>Pids currently in any of the cgroups.</summary>
    public static IReadOnlySet<int> Pids(IEnumerable<string> dirs)
    {
        var pids = new HashSet<int>();
        foreach (var dir in dirs)
        {
            try
            {
                foreach (var line in File.ReadAllLines(Path.Combine(dir, "cgroup.procs")))
                {
                    if (int.TryParse(line, CultureInfo.InvariantCulture, out var pid))
                    {
                        pids.Add(pid);
                    }
                }
            }
            catch (IOException)
            {
            }
        }

        return pids;
    }

    /// <summary>Reads usage counters; missing files count as zero.</summary>
    public static (long Memory, TimeSpan Cpu, int Pids) Usage(IEnumerable<string> dirs)
    {
        long memory = 0;
        var cpu = TimeSpan.Zero;
        var pids = 0;
        foreach (var dir in dirs)
        {
            memory = Math.Max(memory, ReadLong(dir, "memory.usage_in_bytes") ?? ReadLong(dir, "memory.current") ?? 0);
            pids = Math.Max(pids, (int)(ReadLong(dir, "pids.current") ?? 0));
            if (ReadLong(dir, "cpuacct.usage") is { } nanos)
            {
                cpu = TimeSpan.FromTicks(nanos / 100);
            }
            else if (File.Exists(Path.Combine(dir, "cpu.stat")))
            {
                foreach (var line in File.ReadAllLines(Path.Combine(dir, "cpu.stat")))
                {
                    if (line.StartsWith("usage_usec ", StringComparison.Ordinal) && long.TryParse(line.AsSpan(11), CultureInfo.InvariantCulture, out var usec))
                    {
                        cpu = TimeSpan.FromMicroseconds(usec);
                    }
                }
            }
        }

        return (memory, cpu, pids);
    }

    /// <summary>Kills everything in the cgroups (cgroup.kill on v2, else repeated SIGKILL sweeps) and removes them.</summary>
    public static async Task KillAndRemoveAsync(IReadOnlyList<string> dirs, CancellationToken cancellationToken)
    {
        foreach (var dir in dirs)
        {
            TryWrite(dir, "cgroup.kill", "1");
        }

        for (var attempt = 0; attempt < 100; attempt++)
        {
            var pids = Pids(dirs);
            foreach (var pid in pids)
            {
                LinuxNative.Kill(pid, LinuxNative.SigKill);
            }

            var remaining = 0;
            foreach (var dir in dirs)
            {
                try
                {
                    if (Directory.Exists(dir))
                    {
                        Directory.Delete(dir);
                    }
                }
                catch (IOException)
                {
                    remaining++;
                }
            }

            if (remaining == 0)
            {
                break;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        foreach (var parent in dirs.Select(Path.GetDirectoryName).Distinct())
        {
            try
            {
                if (parent is not null && Directory.Exists(parent) && !Directory.EnumerateDirectories(parent).Any())
                {
                    Directory.Delete(parent);
                }
            }
            catch (IOException)
            {
                // Another sandbox was created concurrently; the parent stays.
            }
        }
    }

    private static Dictionary<string, string> ReadOwnCgroups()
    {
        var result = new Dictionary<string, string>();
        try
        {
            foreach (var line in File.ReadAllLines("/proc/self/cgroup"))
            {
                var parts = line.Split(':', 3);
                if (parts.Length == 3)
                {
                    result[parts[1]] = parts[2];
                }
            }
        }
        catch (IOException)
        {
        }

        return result;
    }

    private static bool TryPrepareV2(string parent)
    {
        // v2 forbids processes in inner nodes, so the server's own cgroup must already delegate memory and pids.
        var own = Path.GetDirectoryName(parent)!;
        try
        {
            var subtree = File.ReadAllText(Path.Combine(own, "cgroup.subtree_control"));
            if (!subtree.Contains("memory", StringComparison.Ordinal) || !subtree.Contains("pids", StringComparison.Ordinal))
            {
                return false;
            }

            if (!TryCreate(parent))
            {
                return false;
            }

            File.WriteAllText(Path.Combine(parent, "cgroup.subtree_control"), "+memory +pids");
            TryWrite(parent, "cgroup.subtree_control", "+cpu");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool TryCreate(string dir)
    {
        try
        {
            Directory.CreateDirectory(dir);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void Write(string dir, string file, string value) => File.WriteAllText(Path.Combine(dir, file), value);

    private static void TryWrite(string dir, string file, string value)
    {
        try
        {
            if (File.Exists(Path.Combine(dir, file)))
            {
                Write(dir, file, value);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static long? ReadLong(string dir, string file)
    {
        try
        {
            var path = Path.Combine(dir, file);
            return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
