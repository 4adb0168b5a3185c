using System.Globalization;

namespace CrowNest.Sandboxes.Process;

/// <summary>Reads /proc: process identity (pid + start time, to survive pid reuse), children, owners and usage.</summary>
internal static class ProcFs
{
    /// <summary>Start time (clock ticks since boot) of a live process, or null when it does not exist / is a zombie.</summary>
    public static long? StartTime(int pid)
    {
        var fields = StatFields(pid);
        return fields is null || fields[0] == "Z" ? null : long.Parse(fields[19], CultureInfo.InvariantCulture);
    }

    /// <summary>Whether the process with this identity is still alive.</summary>
    public static bool IsAlive(int pid, long startTime) => StartTime(pid) == startTime;

    /// <summary>Direct children of a process.</summary>
    public static IReadOnlyList<int> Children(int pid)
    {
        var result = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var text = File.ReadAllText(Path.Combine(task, "children"));
                foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    result.Add(int.Parse(part, CultureInfo.InvariantCulture));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return result;
    }

    /// <summary>Pids of all processes whose real uid is <paramref name="uid"/>.</summary>
    public static IReadOnlyList<int> ProcessesOfUid(int uid)
    {
        var result = new List<int>();
        var prefix = "Uid:\t" + uid.ToString(CultureInfo.InvariantCulture) + "\t";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                foreach (var line in File.ReadLines(Path.Combine(dir, "status")))
                {
                    if (line.StartsWith("Uid:", StringComparison.Ordinal))
                    {
                        if (line.StartsWith(prefix, StringComparison.Ordinal) && StatFields(pid) is { } f && f[0] != "Z")
                        {
                            result.Add(pid);
                        }

                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return result;
    }

    /// <summary>Sums CPU time, resident memory and threads of the given processes.</summary>
    public static (long Memory, TimeSpan Cpu, int Threads) Usage(IEnumerable<int> pids)
    {
        long memory = 0;
        long ticks = 0;
        var threads = 0;
        foreach (var pid in pids)
        {
            if (StatFields(pid) is not { } f)
            {
                continue;
            }

            // Fields after "(comm)": [11]=utime [12]=stime [17]=num_threads [21]=rss pages (0-based from state).
            ticks += long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
            threads += int.Parse(f[17], CultureInfo.InvariantCulture);
            memory += long.Parse(f[21], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }

        return (memory, TimeSpan.FromMilliseconds(ticks * 10), threads);
    }

    /// <summary>Fields of /proc/pid/stat after the command name (index 0 = state).</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var close = text.LastIndexOf(')');
            return close < 0 ? null : text[(close + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
