using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrowNest.Sandboxes.Process;

/// <summary>Persisted per sandbox (<c>&lt;root&gt;/&lt;id&gt;/state.json</c>) so a restarted server can find and kill what runs.</summary>
internal sealed record ProcessSandboxState
{
    public required string Id { get; init; }

    /// <summary>The installation that created it (<see cref="SandboxOwner"/>); null for sandboxes of older versions.</summary>
    public string? Owner { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Dedicated UID the jail runs as (null when the server is not root).</summary>
    public int? Uid { get; init; }

    public required SandboxLimits Limits { get; init; }

    public IReadOnlyList<SandboxPort> Ports { get; init; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Cgroup directories the sandbox's processes join.</summary>
    public IReadOnlyList<string> Cgroups { get; init; } = [];

    public bool Unisolated { get; init; }

    public IReadOnlyList<ProcessCommandRecord> Commands { get; init; } = [];
}

/// <summary>A started command: the outer process (session/group leader) identified by pid + start time.</summary>
internal sealed record ProcessCommandRecord
{
    public required string Id { get; init; }

    public required string Command { get; init; }

    public required int Pid { get; init; }

    public required long StartTime { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public int? ExitCode { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ProcessSandboxState))]
internal sealed partial class ProcessStateJsonContext : JsonSerializerContext
{
    public static ProcessSandboxState? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), Default.ProcessSandboxState);
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Atomic replace (write temp + rename) so a crash never leaves a torn state file.</summary>
    [SupportedOSPlatform("linux")]
    public static void Write(string path, ProcessSandboxState state)
    {
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(state, Default.ProcessSandboxState));
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }
}
