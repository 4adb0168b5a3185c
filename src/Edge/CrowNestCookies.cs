using Microsoft.Extensions.Primitives;

namespace CrowNest.Edge;

/// <summary>Reading and removing CrowNest's own cookies in raw <c>Cookie</c> / <c>Set-Cookie</c> headers.</summary>
internal static class CrowNestCookies
{
    /// <summary>The <c>Cookie</c> header without any <c>crownest_*</c> cookie; null when nothing is left.</summary>
    public static string? Strip(StringValues cookieHeaders)
    {
        if (cookieHeaders.Count == 0)
        {
            return null;
        }

        var joined = cookieHeaders.Count == 1 ? cookieHeaders[0]! : string.Join("; ", cookieHeaders.ToArray());
        if (!joined.Contains(EdgeOptions.CookiePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return joined;
        }

        var kept = new List<string>();
        foreach (var part in joined.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IsCrowNest(part))
            {
                kept.Add(part);
            }
        }

        return kept.Count == 0 ? null : string.Join("; ", kept);
    }

    /// <summary>Whether any <c>crownest_preview</c> cookie in the header is a valid session for <paramref name="previewId"/>.</summary>
    public static bool AnySession(StringValues cookieHeaders, PreviewAccessLinks links, string previewId)
    {
        foreach (var header in cookieHeaders)
        {
            var rest = header.AsSpan();
            while (!rest.IsEmpty)
            {
                var end = rest.IndexOf(';');
                var part = (end < 0 ? rest : rest[..end]).Trim();
                rest = end < 0 ? default : rest[(end + 1)..];
                var eq = part.IndexOf('=');
                if (eq > 0 && part[..eq].Trim().SequenceEqual(EdgeOptions.SessionCookie)
                    && links.IsValidSession(part[(eq + 1)..].Trim().Trim('"'), previewId))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether a <c>name=value</c> cookie pair or a <c>Set-Cookie</c> value names a <c>crownest_*</c> cookie.</summary>
    public static bool IsCrowNest(string cookie) =>
        cookie.AsSpan().TrimStart().StartsWith(EdgeOptions.CookiePrefix, StringComparison.OrdinalIgnoreCase);
}
