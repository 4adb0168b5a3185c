using System.Text;

namespace CrowNest.Edge.Upstream;

/// <summary>Interned names of common response headers, so parsing them allocates no name string.</summary>
internal static class KnownHeaderNames
{
    private static readonly (byte[] Bytes, string Name)[] Names = Build(
        "Accept-Ranges", "Access-Control-Allow-Credentials", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods",
        "Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Access-Control-Max-Age", "Age", "Allow",
        "Cache-Control", "Connection", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
        "Content-Location", "Content-Range", "Content-Security-Policy", "Content-Type", "Date", "ETag", "Expires",
        "Keep-Alive", "Last-Modified", "Link", "Location", "Pragma", "Referrer-Policy", "Retry-After",
        "Sec-WebSocket-Accept", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Server", "Set-Cookie",
        "Strict-Transport-Security", "Transfer-Encoding", "Upgrade", "Vary", "WWW-Authenticate", "X-Content-Type-Options",
        "X-Frame-Options", "X-Powered-By");

    /// <summary>The interned name for these bytes (ASCII case-insensitive), or null.</summary>
    public static string? Get(ReadOnlySpan<byte> name)
    {
        foreach (var (bytes, text) in Names)
        {
            if (bytes.Length == name.Length && Ascii.EqualsIgnoreCase(name, bytes))
            {
                // Names are case-insensitive; HttpHeaders reports its canonical spelling of known names anyway.
                return text;
            }
        }

        return null;
    }

    private static (byte[], string)[] Build(params string[] names) => Array.ConvertAll(names, n => (Encoding.ASCII.GetBytes(n), n));
}
