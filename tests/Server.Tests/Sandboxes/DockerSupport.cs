using System.Diagnostics;
using CrowNest.Server.Tests.Infrastructure;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>
/// Once per test run: starts dockerd (scripts/start-dockerd.sh) and builds the sandbox image offline
/// (scripts/sandbox-image/build.sh), as the Sandboxes.Tests docker fixture does; tests skip with the printed reason
/// only when either is impossible here.
/// </summary>
internal static class DockerSupport
{
    public const string Image = "crownest-sandbox:latest";

    private static readonly Lazy<Task<string?>> Availability = new(CheckAsync);

    public static async Task SkipIfUnavailableAsync()
    {
        if (await Availability.Value is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    public static Dictionary<string, string?> Settings() => new()
    {
        ["Sandboxes:Runtime"] = "docker",
        ["Sandboxes:Docker:Image"] = Image,
        ["Sandboxes:DefaultLimits:MemoryBytes"] = (192L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sandboxes:DefaultLimits:MaxProcesses"] = "64",
        ["Previews:Scheme"] = "http",
        ["Previews:BaseDomain"] = "preview.localhost:5081",
        ["Previews:MaxActivePerProject"] = "3",
        ["SandboxApi:ReaperInterval"] = "00:00:00.200",
    };

    /// <summary>Runs the docker CLI and returns its trimmed stdout (fails the test on a non-zero exit).</summary>
    public static async Task<string> DockerAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync("docker", args);
        Assert.True(code == 0, $"docker {string.Join(' ', args)} exited with {code}: {stderr}");
        return stdout.Trim();
    }

    /// <summary>Ids of every container (running or not) carrying the sandbox label with this runtime sandbox id.</summary>
    public static async Task<string[]> ContainersAsync(string runtimeSandboxId) =>
        (await DockerAsync("ps", "-aq", "--filter", "label=dev.crownest.sandbox=" + runtimeSandboxId)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<string?> CheckAsync()
    {
        var (code, stdout, stderr) = await RunAsync("bash", Path.Combine(ServerProcess.RepoRoot, "scripts", "start-dockerd.sh"));
        if (code != 0)
        {
            return $"dockerd could not be started (scripts/start-dockerd.sh exited with {code}): {stderr}{stdout}".Trim();
        }

        (code, stdout, stderr) = await RunAsync("bash", Path.Combine(ServerProcess.RepoRoot, "scripts", "sandbox-image", "build.sh"), Image);
        return code == 0 ? null : $"sandbox image could not be built (scripts/sandbox-image/build.sh exited with {code}): {stderr}{stdout}".Trim();
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, "", $"{file}: {e.Message}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout, await stderr);
        }
    }
}
