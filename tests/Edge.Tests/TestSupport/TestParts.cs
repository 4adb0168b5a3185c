using System.Collections.Concurrent;

namespace CrowNest.Edge.Tests.TestSupport;

/// <summary>In-memory stand-in for the server's PostgreSQL route store; counts lookups.</summary>
public sealed class InMemoryRouteStore : IPreviewRouteStore
{
    private readonly ConcurrentDictionary<string, PreviewRoute> _routes = new();
    private readonly ConcurrentDictionary<string, int> _lookups = new();

    public TimeSpan Delay { get; set; }

    public void Put(PreviewRoute route) => _routes[route.Slug] = route;

    public int Lookups(string slug) => _lookups.GetValueOrDefault(slug);

    public async ValueTask<PreviewRoute?> FindBySlugAsync(string slug, CancellationToken cancellationToken)
    {
        _lookups.AddOrUpdate(slug, 1, (_, n) => n + 1);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        if (slug.StartsWith("broken-store", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("database is down");
        }

        return _routes.GetValueOrDefault(slug);
    }
}

/// <summary>Stand-in for the server's API key check: one key per project, one key that sees no project.</summary>
public sealed class TestAuthenticator : IPreviewAuthenticator
{
    public const string KeyForProjectA = "ck_test_project_a";
    public const string KeyWithoutAccess = "ck_test_other_org";
    public const string KeyWhileDatabaseIsDown = "ck_test_database_down";

    public ValueTask<PreviewAuthResult> AuthenticateBearerAsync(string token, PreviewRoute route, CancellationToken cancellationToken) =>
        token == KeyWhileDatabaseIsDown ? throw new InvalidOperationException("database is down") : ValueTask.FromResult(token switch
        {
            KeyForProjectA when route.ProjectId == "prj_a" => PreviewAuthResult.Allowed,
            KeyForProjectA or KeyWithoutAccess => PreviewAuthResult.NotFound,
            _ => PreviewAuthResult.Unauthorized,
        });
}

public sealed class RecordingActivitySink : IPreviewActivitySink
{
    private readonly ConcurrentDictionary<string, int> _touches = new();

    public int Touches(string previewId) => _touches.GetValueOrDefault(previewId);

    public void Touch(PreviewRoute route) => _touches.AddOrUpdate(route.PreviewId, 1, (_, n) => n + 1);
}

/// <summary>A clock shifted from the real one (for minting already-expired tokens).</summary>
public sealed class ShiftedTimeProvider(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}
