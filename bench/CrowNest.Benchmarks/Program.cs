using BenchmarkDotNet.Running;

namespace CrowNest.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/CrowNest.Benchmarks -- --filter '*' --job short</c>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected on the command line (BenchmarkDotNet switcher).</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
