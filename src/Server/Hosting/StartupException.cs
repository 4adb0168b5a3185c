namespace CrowNest.Server.Hosting;

/// <summary>A startup problem with a one-line, user-facing explanation (printed without a stack trace).</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
