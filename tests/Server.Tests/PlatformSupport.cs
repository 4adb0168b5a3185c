// CrowNest runs its own PostgreSQL and sandboxes on Linux; Unix-only APIs are used on purpose.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
