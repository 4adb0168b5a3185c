using System.Collections.Concurrent;

namespace CrowNest.Sandboxes.Process;

/// <summary>
/// One process-wide, never-exiting thread that starts every sandbox process.
/// </summary>
/// <remarks>
/// bwrap's <c>--die-with-parent</c> uses <c>PR_SET_PDEATHSIG</c>, whose "parent" is the <em>thread</em> that forked
/// the child: when that thread exits the jail gets SIGKILL. .NET forks on the calling thread, and thread-pool threads
/// retire when idle, so a sandbox started from a pool thread would die minutes later. Forking only from this thread
/// ties sandbox lifetime to the server process, which is exactly what we want. It is static (not per runtime
/// instance) so a disposed runtime instance never takes running sandboxes down with it.
/// </remarks>
internal static class SandboxLauncher
{
    private static readonly BlockingCollection<Action> Queue = CreateThread();

    /// <summary>Runs <paramref name="work"/> on the launcher thread.</summary>
    public static Task<T> RunAsync<T>(Func<T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue.Add(() =>
        {
            try
            {
                completion.SetResult(work());
            }
            catch (Exception ex)
            {
                completion.SetException(ex);
            }
        });
        return completion.Task;
    }

    private static BlockingCollection<Action> CreateThread()
    {
        var queue = new BlockingCollection<Action>();
        var thread = new Thread(() =>
        {
            foreach (var work in queue.GetConsumingEnumerable())
            {
                work();
            }
        })
        {
            IsBackground = true,
            Name = "crownest-sandbox-launcher",
        };
        thread.Start();
        return queue;
    }
}
