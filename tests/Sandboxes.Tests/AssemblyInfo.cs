using System.Runtime.Versioning;

// The sandbox runtimes are Linux-only (bubblewrap, cgroups, docker unix socket).
[assembly: SupportedOSPlatform("linux")]
