using System.Globalization;

/// <summary>
/// <c>EDGEBENCH_STATS=&lt;file&gt;</c>: every 100 ms the process rewrites the file with its allocated bytes, completed
/// thread-pool work items, gen0/1/2 collection counts and total GC pause (ms), which run.sh reads (every role).
/// </summary>
internal static class BenchStats
{
    public static void Start()
    {
        if (Environment.GetEnvironmentVariable("EDGEBENCH_STATS") is not { Length: > 0 } statsFile)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            while (await timer.WaitForNextTickAsync())
            {
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{GC.GetTotalAllocatedBytes()} {ThreadPool.CompletedWorkItemCount} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetTotalPauseDuration().TotalMilliseconds:F3}\n");
                await File.WriteAllTextAsync(statsFile + ".tmp", line);
                File.Move(statsFile + ".tmp", statsFile, overwrite: true);
            }
        });
    }
}
