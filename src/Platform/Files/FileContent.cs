using System.Text;

namespace CrowNest.Platform.Files;

/// <summary>File content as it travels in JSON: UTF-8 text, or base64 for anything else.</summary>
public static class FileContent
{
    public const string Utf8 = "utf8";
    public const string Base64 = "base64";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Content as bytes: UTF-8 of the string (default), or the decoded base64.</summary>
    public static Result<byte[]> Decode(string? content, string? encoding)
    {
        if (content is null)
        {
            return PlatformError.Invalid("content: required");
        }

        switch (encoding?.ToLowerInvariant())
        {
            case null or Utf8 or "utf-8":
                try
                {
                    return StrictUtf8.GetBytes(content);
                }
                catch (EncoderFallbackException)
                {
                    return PlatformError.Invalid("content: not valid Unicode");
                }

            case Base64:
                try
                {
                    return Convert.FromBase64String(content);
                }
                catch (FormatException)
                {
                    return PlatformError.Invalid("content: not valid base64");
                }

            default:
                return PlatformError.Invalid("encoding: expected utf8 or base64");
        }
    }

    /// <summary>The content as text when it is valid UTF-8; null otherwise.</summary>
    public static string? AsText(byte[] content)
    {
        try
        {
            return StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
