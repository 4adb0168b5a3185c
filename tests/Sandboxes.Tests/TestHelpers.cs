using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CrowNest.Sandboxes.Tests;

internal static class TestHelpers
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The installation these tests are (unless a test says otherwise): unique per run.</summary>
    public static readonly string Owner = "tests-" + Guid.NewGuid().ToString("N")[..12];

    public static IOptions<SandboxOptions> Options(SandboxOptions options) =>
        Microsoft.Extensions.Options.Options.Create(options.OwnerId is null ? options with { OwnerId = Owner } : options);

    public static NullLogger<T> Logger<T>() => NullLogger<T>.Instance;

    public static string NodeHttpServer(string body) =>
        "node -e \"require('http').createServer((q,s)=>s.end(" + body + ")).listen(+process.env.PORT, process.env.HOST)\"";

    public static async Task<string> CollectOutputAsync(ISandboxRuntime runtime, string sandboxId, string commandId)
    {
        var text = new StringBuilder();
        using var cts = new CancellationTokenSource(Timeout);
        await foreach (var chunk in runtime.StreamOutputAsync(sandboxId, commandId, 0, cts.Token))
        {
            text.Append(chunk.Text);
        }

        return text.ToString();
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(ISandboxRuntime runtime, string sandboxId, string command)
    {
        var started = await runtime.StartCommandAsync(sandboxId, new SandboxCommandSpec { Command = command });
        var output = await CollectOutputAsync(runtime, sandboxId, started.Id);
        using var cts = new CancellationTokenSource(Timeout);
        var done = await runtime.WaitForExitAsync(sandboxId, started.Id, cts.Token);
        return (done.ExitCode ?? -1, output);
    }

    /// <summary>Polls an HTTP endpoint until it answers 200 (the dev server needs a moment to listen).</summary>
    public static async Task<string> GetWhenUpAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            try
            {
                return await http.GetStringAsync(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>
    /// Reads a command's output until <paramref name="marker"/> appears (case-insensitive) and returns it all; fails
    /// after <paramref name="timeout"/>. Event-based, so it does not depend on how loaded the machine is.
    /// </summary>
    public static async Task<string> WaitForOutputAsync(ISandboxRuntime runtime, string sandboxId, string commandId, string marker, TimeSpan timeout)
    {
        var text = new StringBuilder();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var chunk in runtime.StreamOutputAsync(sandboxId, commandId, 0, cts.Token))
            {
                text.Append(chunk.Text);
                if (text.ToString().Contains(marker, StringComparison.OrdinalIgnoreCase))
                {
                    return text.ToString();
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }

        Assert.Fail($"'{marker}' never appeared in the output within {timeout}: {text}");
        return "";
    }

    public static Task EventuallyAsync(Func<bool> condition, string because) => EventuallyAsync(condition, because, Timeout);

    public static async Task EventuallyAsync(Func<bool> condition, string because, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting: " + because);
            }

            await Task.Delay(50);
        }
    }

    private static string FindRepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "CrowNest.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Repository root not found.");
    }

    /// <summary>Keeps every formatted message, to assert what a component logged.</summary>
    public sealed class ListLogger<T> : ILogger<T>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));
    }
}
