using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace CrowNest.Server.Hosting;

public static class PlatformRunner
{
    /// <summary>Runs until shutdown; known startup failures become one line on stderr and exit code 1.</summary>
    public static async Task<int> RunCrowNestAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (StartupException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (OptionsValidationException e)
        {
            // Invalid settings (e.g. Edge:PublicScheme) are found when the host validates options at start: the
            // message names the key; one line, no stack trace.
            await Console.Error.WriteLineAsync($"crownest: invalid configuration: {string.Join("; ", e.Failures)}");
            return 2;
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            // The port was free when checked but taken before Kestrel bound it.
            await Console.Error.WriteLineAsync($"crownest: {e.Message} Set Api:Url (CROWNEST_API_URL) or Edge:Url (CROWNEST_EDGE_URL) to change it");
            return 1;
        }
    }
}
