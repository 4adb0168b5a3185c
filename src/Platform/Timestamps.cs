using System.Globalization;

namespace CrowNest.Platform;

public static class Timestamps
{
    /// <summary>UTC ISO-8601 with milliseconds and Z, as every API response carries them.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Format(DateTimeOffset? value) => value is { } v ? Format(v) : null;
}
