using System.Diagnostics;
using System.Text;

namespace CrowNest.Edge.Tests.TestSupport;

/// <summary>
/// A real Vite dev server (the app users preview most) on a free loopback port, from <c>vite-app/</c> copied next to the
/// test binaries; <c>npm ci</c> runs there once when its node_modules are missing.
/// </summary>
public sealed class ViteDevServer : IAsyncLifetime
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "vite-app");

    public int Port { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(Path.Combine(Directory, "node_modules", "vite", "bin", "vite.js")))
        {
            // Like ./crownest's JS suites: npm ci, and npm install when the lock file lacks another platform's optional packages.
            try
            {
                await RunAsync("npm", "ci --no-audit --no-fund", TimeSpan.FromMinutes(5));
            }
            catch (InvalidOperationException)
            {
                await RunAsync("npm", "install --no-audit --no-fund", TimeSpan.FromMinutes(5));
            }
        }

        // The test edits main.js; start every run from the committed content.
        File.WriteAllText(Path.Combine(Directory, "main.js"), "document.body.dataset.version = \"1\";\n");
        Port = BrokenUpstream.RefusedPort();
        var start = new ProcessStartInfo("node", $"node_modules/vite/bin/vite.js --port {Port} --strictPort --host 127.0.0.1 --clearScreen false")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{Port}/"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
            }

            if (DateTime.UtcNow >= deadline || _process.HasExited)
            {
                throw new InvalidOperationException("vite did not come up:\n" + Output);
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task RunAsync(string file, string arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
    }
}
