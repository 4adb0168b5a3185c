using BenchmarkDotNet.Running;

namespace CrowNest.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/CrowNest.Benchmarks -- --filter '*' --job short</c>.</summary>
public static class Program
{
    /// <summary>
    /// Runs the benchmarks selected on the command line (BenchmarkDotNet switcher), or with <c>--cpu-time [filter]</c> the
    /// in-process CPU-time runner for overloaded machines.
    /// </summary>
    public static void Main(string[] args)
    {
        if (args is ["--cpu-time", ..])
        {
            CpuTimeRunner.Run(args.Length > 1 ? args[1] : null, TimeSpan.FromSeconds(3));
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
