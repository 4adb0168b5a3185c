using Microsoft.AspNetCore.Http;

namespace CrowNest.GraphQL.Transport;

/// <summary>
/// Optional host service that ends long-lived GraphQL streams whose credentials stop being valid while they run (an API
/// key revoked or expired): <c>graphql-transport-ws</c> connections and GraphQL-over-SSE streams. Register one in DI;
/// without one nothing is watched.
/// </summary>
/// <remarks>
/// When <see cref="GraphQLCredentialsLease.Revoked"/> fires, a WebSocket ends every running operation with an
/// <c>error</c> message carrying <see cref="GraphQLCredentialsLease.Error"/> and then closes with 4403 Forbidden
/// (graphql-ws clients deliver the error to each subscriber and do not retry those operations); an SSE stream sends a
/// <c>next</c> event with the error, then <c>complete</c>.
/// </remarks>
public interface IGraphQLCredentialsWatcher
{
    /// <summary>
    /// Called once per acknowledged WebSocket connection and once per SSE stream, with the authenticated
    /// <paramref name="context"/>. Returns null when there is nothing to watch; the transport disposes the lease when
    /// the stream ends.
    /// </summary>
    GraphQLCredentialsLease? Watch(HttpContext context);
}

/// <summary>What <see cref="IGraphQLCredentialsWatcher.Watch"/> returns for a watched stream.</summary>
/// <param name="revoked">Cancelled when the credentials stop being valid.</param>
/// <param name="error">The error every running operation ends with (e.g. code <c>FORBIDDEN</c>).</param>
/// <param name="release">Called once when the stream ends, to stop watching.</param>
public sealed class GraphQLCredentialsLease(CancellationToken revoked, GraphQLError error, Action? release = null) : IDisposable
{
    private Action? _release = release;

    /// <summary>Cancelled when the credentials stop being valid.</summary>
    public CancellationToken Revoked { get; } = revoked;

    /// <summary>The error every running operation ends with.</summary>
    public GraphQLError Error { get; } = error;

    /// <summary>Stops watching (idempotent).</summary>
    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
