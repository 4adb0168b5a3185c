using CrowNest.Edge;
using CrowNest.Platform.Previews;

namespace CrowNest.Server.Previews;

public static class EdgePublicSchemeDefaults
{
    /// <summary>
    /// <c>Edge:PublicScheme</c> defaults to <c>Previews:Scheme</c> when only that is configured: behind a TLS-terminating
    /// proxy, setting <c>Previews:Scheme=https</c> once makes preview URLs https and the edge's session cookie
    /// <c>Secure; SameSite=None</c> with <c>X-Forwarded-Proto: https</c>. An explicit <c>Edge:PublicScheme</c> wins.
    /// </summary>
    public static IServiceCollection AddEdgePublicSchemeDefault(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EdgeOptions>().PostConfigure(edge =>
        {
            var scheme = configuration[$"{PreviewOptions.Section}:{nameof(PreviewOptions.Scheme)}"];
            if (string.IsNullOrWhiteSpace(configuration[$"{EdgeOptions.Section}:{nameof(EdgeOptions.PublicScheme)}"]) && !string.IsNullOrWhiteSpace(scheme))
            {
                // EdgeOptions is init-only: the configuration binder sets it, as it binds the Edge section itself.
                new ConfigurationBuilder()
                    .AddInMemoryCollection([new(nameof(EdgeOptions.PublicScheme), scheme)])
                    .Build()
                    .Bind(edge);
            }
        });
        return services;
    }
}
