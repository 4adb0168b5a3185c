using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace CrowNest.Benchmarks;

/// <summary>
/// Fallback measurement for overloaded shared machines: runs every [Benchmark] method in-process and reports process CPU
/// time and allocated bytes per operation. CPU time excludes time spent waiting for a core, which dominates wall-clock
/// numbers when the machine's load average is far above its core count. BenchmarkDotNet remains the reference tool.
/// </summary>
public static class CpuTimeRunner
{
    /// <summary>Runs all benchmarks whose type or method name contains <paramref name="filter"/> (or all when null).</summary>
    public static void Run(string? filter, TimeSpan budgetPerBenchmark)
    {
        Console.WriteLine("| Benchmark | CPU time / op | Allocated / op | Operations |");
        Console.WriteLine("|---|---:|---:|---:|");
        var types = typeof(CpuTimeRunner).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (filter is not null && !type.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null
                && (type.Name + "." + m.Name).Contains(filter, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var instance = Activator.CreateInstance(type)!;
            Invoke(type, instance, typeof(GlobalSetupAttribute));
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                var name = type.Name + "." + method.Name;
                if (filter is not null && !name.Contains(filter, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var call = Bind(instance, method);
                for (var i = 0; i < 200; i++)
                {
                    call();
                }

                // Calibrate a batch that takes about 20 ms of CPU, then run batches until the budget is spent.
                var batch = 1;
                while (Measure(call, batch).Cpu < TimeSpan.FromMilliseconds(20))
                {
                    batch *= 2;
                }

                var best = double.MaxValue;
                long allocated = 0;
                long operations = 0;
                var wall = Stopwatch.StartNew();
                while (wall.Elapsed < budgetPerBenchmark)
                {
                    var (cpu, bytes) = Measure(call, batch);
                    best = Math.Min(best, cpu.TotalMicroseconds / batch);
                    allocated = bytes / batch;
                    operations += batch;
                }

                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {name} | {best:F2} µs | {allocated:N0} B | {operations:N0} |"));
            }

            Invoke(type, instance, typeof(GlobalCleanupAttribute));
        }
    }

    private static (TimeSpan Cpu, long Bytes) Measure(Action call, int count)
    {
        var process = Process.GetCurrentProcess();
        var bytesBefore = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = process.TotalProcessorTime;
        for (var i = 0; i < count; i++)
        {
            call();
        }

        process.Refresh();
        return (process.TotalProcessorTime - cpuBefore, GC.GetAllocatedBytesForCurrentThread() - bytesBefore);
    }

    private static Action Bind(object instance, MethodInfo method)
    {
        if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            return () =>
            {
                var task = method.Invoke(instance, null)!;
                var asTask = (Task)task.GetType().GetMethod("AsTask")!.Invoke(task, null)!;
                asTask.GetAwaiter().GetResult();
            };
        }

        if (typeof(Task).IsAssignableFrom(method.ReturnType))
        {
            return () => ((Task)method.Invoke(instance, null)!).GetAwaiter().GetResult();
        }

        return () => method.Invoke(instance, null);
    }

    private static void Invoke(Type type, object instance, Type attribute)
    {
        foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute(attribute) is not null))
        {
            method.Invoke(instance, null);
        }
    }
}
