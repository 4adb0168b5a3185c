using System.Globalization;
using System.Runtime;
using System.Text.Json;

/// <summary>
/// Loaded into the server by <c>DOTNET_STARTUP_HOOKS</c> when the bench runs with <c>GC_PROBE=1</c>. It polls
/// <c>$GCPROBE_DIR/req</c>; the file's content names what to do ("report", "collect": a full blocking compacting GC
/// first, "aggressive": GCCollectionMode.Aggressive first, which also decommits), and one JSON line per request is
/// appended to <c>$GCPROBE_DIR/out.jsonl</c>. The runtime requires this exact type name in no namespace.
/// </summary>
#pragma warning disable CA1050, IDE0130 // the runtime looks the hook up as a global type named StartupHook
internal static class StartupHook
#pragma warning restore CA1050, IDE0130
{
    public static void Initialize()
    {
        var dir = Environment.GetEnvironmentVariable("GCPROBE_DIR");
        if (string.IsNullOrEmpty(dir))
        {
            return;
        }

        var thread = new Thread(() => Poll(dir)) { IsBackground = true, Name = "GcProbe" };
        thread.Start();
    }

    private static void Poll(string dir)
    {
        var request = Path.Combine(dir, "req");
        var output = Path.Combine(dir, "out.jsonl");
        while (true)
        {
            Thread.Sleep(100);
            if (!File.Exists(request))
            {
                continue;
            }

            var what = File.ReadAllText(request).Trim();
            var line = JsonSerializer.Serialize(Report(what));
            File.AppendAllText(output, line + "\n");
            File.Delete(request);
        }
    }

    private static Dictionary<string, object> Report(string what)
    {
        var started = DateTime.UtcNow;
        if (what == "collect")
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        else if (what == "aggressive")
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        var collectMs = (DateTime.UtcNow - started).TotalMilliseconds;
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        static double Mb(long bytes) => Math.Round(bytes / 1048576.0, 1);
        var generations = new List<object>();
        for (var g = 0; g < info.GenerationInfo.Length; g++)
        {
            var gi = info.GenerationInfo[g];
            generations.Add(new[] { Mb(gi.SizeAfterBytes), Mb(gi.FragmentationAfterBytes) });
        }

        var status = File.ReadAllLines("/proc/self/status");
        string Field(string name) => status.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim() ?? "";
        static double KbToMb(string value) => Math.Round(double.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture) / 1024, 1);
        ThreadPool.GetAvailableThreads(out var availableWorkers, out var availableIo);
        ThreadPool.GetMaxThreads(out var maxWorkers, out var maxIo);
        return new Dictionary<string, object>
        {
            ["what"] = what,
            ["collectMs"] = Math.Round(collectMs, 1),
            ["rssMb"] = KbToMb(Field("VmRSS")),
            ["rssAnonMb"] = KbToMb(Field("RssAnon")),
            ["rssFileMb"] = KbToMb(Field("RssFile")),
            ["threads"] = int.Parse(Field("Threads"), CultureInfo.InvariantCulture),
            ["threadPoolThreads"] = ThreadPool.ThreadCount,
            ["busyWorkers"] = maxWorkers - availableWorkers,
            ["busyIo"] = maxIo - availableIo,
            ["gcIndex"] = info.Index,
            ["gcGeneration"] = info.Generation,
            ["gcCounts"] = new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) },
            ["heapSizeMb"] = Mb(info.HeapSizeBytes),
            ["fragmentedMb"] = Mb(info.FragmentedBytes),
            ["committedMb"] = Mb(info.TotalCommittedBytes),
            ["promotedMb"] = Mb(info.PromotedBytes),
            ["totalMemoryNowMb"] = Mb(GC.GetTotalMemory(false)),
            ["allocatedTotalMb"] = Mb(GC.GetTotalAllocatedBytes()),
            ["generationsSizeFragmentedMb"] = generations,
            ["gcHeaps"] = GCSettings.IsServerGC ? "server" : "workstation",
        };
    }
}
