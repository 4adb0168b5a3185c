using CrowNest.Sandboxes;
using CrowNest.Sandboxes.Docker;
using CrowNest.Sandboxes.Process;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the CrowNest sandbox runtime.</summary>
public static class SandboxesServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ISandboxRuntime"/> (implementation chosen by <c>Sandboxes:Runtime</c>: <c>process</c> or
    /// <c>docker</c>) with <see cref="SandboxOptions"/> bound from the <c>Sandboxes</c> configuration section.
    /// Registrations use TryAdd, so a host may replace any of them first.
    /// </summary>
    public static CrowNestSandboxesBuilder AddCrowNestSandboxes(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // The binder sets init-only properties through reflection, so the options can stay an immutable-looking record.
        services.AddOptions<SandboxOptions>().BindConfiguration(SandboxOptions.SectionName);
        services.AddLogging();
        services.TryAddSingleton<SandboxOwner>();
        services.TryAddSingleton<DockerSandboxRuntime>();
        services.TryAddSingleton<ISandboxRuntime>(provider =>
        {
            var runtime = provider.GetRequiredService<IOptions<SandboxOptions>>().Value.Runtime;
            return runtime.ToUpperInvariant() switch
            {
                "PROCESS" when OperatingSystem.IsLinux() => ActivatorUtilities.CreateInstance<ProcessSandboxRuntime>(provider),
                "PROCESS" => throw new PlatformNotSupportedException("The process sandbox runtime needs Linux (bubblewrap, cgroups)."),
                "DOCKER" => provider.GetRequiredService<DockerSandboxRuntime>(),
                _ => throw new SandboxException(SandboxErrorCode.InvalidArgument, $"Unknown Sandboxes:Runtime '{runtime}': use 'process' or 'docker'."),
            };
        });
        return new CrowNestSandboxesBuilder(services);
    }
}

/// <summary>Returned by <see cref="SandboxesServiceCollectionExtensions.AddCrowNestSandboxes"/> for further configuration.</summary>
/// <param name="services">The service collection.</param>
public sealed class CrowNestSandboxesBuilder(IServiceCollection services)
{
    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>Overrides options after configuration binding.</summary>
    public CrowNestSandboxesBuilder Configure(Func<SandboxOptions, SandboxOptions> configure)
    {
        Services.AddSingleton<IPostConfigureOptions<SandboxOptions>>(new ReplaceOptions(configure));
        return this;
    }

    /// <summary>Applies a `with`-style update by copying the new record's properties onto the options instance.</summary>
    private sealed class ReplaceOptions(Func<SandboxOptions, SandboxOptions> configure) : IPostConfigureOptions<SandboxOptions>
    {
        public void PostConfigure(string? name, SandboxOptions options)
        {
            var updated = configure(options);
            typeof(SandboxOptions).GetProperties().Where(p => p.CanWrite).ToList().ForEach(p => p.SetValue(options, p.GetValue(updated)));
        }
    }
}
