using System.Security.Cryptography;
using System.Text;

namespace CrowNest.Platform.Auth;

/// <summary>Creates API key secrets and the values stored for them (a visible prefix and a SHA-256 hash).</summary>
public static class ApiKeySecrets
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>Length of the part of a secret that may be shown and stored in clear.</summary>
    public const int VisiblePrefixLength = 12;

    /// <summary>A new secret: <c>cn_</c> plus 40 base62 characters (~238 bits of entropy).</summary>
    public static string NewSecret() => "cn_" + RandomNumberGenerator.GetString(Alphabet, 40);

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static string VisiblePrefix(string secret) => secret.Length <= VisiblePrefixLength ? secret : secret[..VisiblePrefixLength];
}
