using CrowNest.Platform.Auth;

namespace CrowNest.Schema;

/// <summary>Gives resolvers the authenticated caller; the host implements it from its authentication.</summary>
public interface ICallerAccessor
{
    /// <summary>The caller of the current request, or null when unauthenticated.</summary>
    Caller? Current { get; }
}
