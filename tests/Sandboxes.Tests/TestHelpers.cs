using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CrowNest.Sandboxes.Tests;

internal static class TestHelpers
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static IOptions<SandboxOptions> Options(SandboxOptions options) => Microsoft.Extensions.Options.Options.Create(options);

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

    public static async Task EventuallyAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow + Timeout;
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
}
