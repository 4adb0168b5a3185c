using System.Diagnostics;
using CrowNest.Sandboxes.Docker;

[assembly: AssemblyFixture(typeof(CrowNest.Sandboxes.Tests.DockerFixture))]

namespace CrowNest.Sandboxes.Tests;

/// <summary>Once per test run: start dockerd (scripts/start-dockerd.sh) and build the sandbox image offline.</summary>
public sealed class DockerFixture : IAsyncLifetime
{
    public const string Image = "crownest-sandbox:latest";

    /// <summary>Why docker tests cannot run here, or null when they can.</summary>
    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var started = await RunScriptAsync("scripts/start-dockerd.sh");
        if (started is not null)
        {
            SkipReason = "dockerd could not be started: " + started;
            return;
        }

        var built = await RunScriptAsync("scripts/sandbox-image/build.sh", Image);
        if (built is not null)
        {
            SkipReason = "sandbox image could not be built: " + built;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public void SkipIfUnavailable()
    {
        if (SkipReason is not null)
        {
            Assert.Skip(SkipReason);
        }
    }

    public static DockerClient NewClient() => new();

    private static async Task<string?> RunScriptAsync(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(TestHelpers.RepoRoot, script));
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? null : $"{script} exited with {process.ExitCode}: {await stderr}{await stdout}".Trim();
    }
}
