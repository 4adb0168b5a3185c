using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CrowNest.Sandboxes;

/// <summary>
/// The installation that owns a runtime's sandboxes. Every sandbox is marked with it (a container label, a field of the
/// process runtime's state file) and <see cref="ISandboxRuntime.ListAsync"/> reports only sandboxes carrying it, so two
/// installations sharing one dockerd or one process root directory never reconcile (destroy) each other's sandboxes.
/// Set by configuration (<c>Sandboxes:OwnerId</c>) or, when that is empty, by the host through
/// <see cref="UseResolver"/> (CrowNest stores one id per database).
/// </summary>
public sealed partial class SandboxOwner
{
    private readonly Lock _gate = new();
    private string? _id;
    private Func<CancellationToken, Task<string>>? _resolver;
    private Task<string>? _resolving;

    /// <summary>Uses <see cref="SandboxOptions.OwnerId"/> when configured.</summary>
    public SandboxOwner(IOptions<SandboxOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _id = string.IsNullOrWhiteSpace(options.Value.OwnerId) ? null : Validate(options.Value.OwnerId);
    }

    /// <summary>A fixed owner id (letters, digits, <c>.</c>, <c>_</c>, <c>-</c>; at most 64 characters).</summary>
    public SandboxOwner(string id)
    {
        _id = Validate(id);
    }

    /// <summary>The owner id once known (configured or resolved), else <see langword="null"/>.</summary>
    public string? Id => Volatile.Read(ref _id);

    /// <summary>
    /// Where to get the id when none is configured; called once, on first use (a failed call is retried on the next
    /// use). Ignored when an id is already known.
    /// </summary>
    public void UseResolver(Func<CancellationToken, Task<string>> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        lock (_gate)
        {
            _resolver = resolver;
        }
    }

    /// <summary>The owner id; resolves it on first use. Throws <see cref="SandboxException"/> when there is none.</summary>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken = default)
    {
        if (Id is { } known)
        {
            return known;
        }

        Task<string> resolving;
        lock (_gate)
        {
            if (_resolver is null)
            {
                throw new SandboxException(SandboxErrorCode.InvalidArgument,
                    "The sandbox owner is unknown: set Sandboxes:OwnerId (a stable id of this installation) so reconciliation never touches another installation's sandboxes.");
            }

            resolving = _resolving ??= _resolver(CancellationToken.None);
        }

        try
        {
            var id = Validate(await resolving.WaitAsync(cancellationToken).ConfigureAwait(false));
            Volatile.Write(ref _id, id);
            return id;
        }
        catch (Exception) when (!resolving.IsCompletedSuccessfully)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_resolving, resolving) && resolving.IsCompleted)
                {
                    _resolving = null;
                }
            }

            throw;
        }
    }

    private static string Validate(string id) => ValidId().IsMatch(id)
        ? id
        : throw new SandboxException(SandboxErrorCode.InvalidArgument, $"Invalid sandbox owner id '{id}': use 1-64 letters, digits, '.', '_' or '-'.");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ValidId();
}
