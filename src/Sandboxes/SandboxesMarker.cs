namespace CrowNest.Sandboxes;

/// <summary>Placeholder until the sandbox runtimes land.</summary>
public static class SandboxesMarker;
