namespace CrowNest.Server.Hosting;

/// <summary>Kestrel socket transport settings of the server process (API and preview edge share one Kestrel server).</summary>
public static class KestrelTransport
{
    /// <summary>
    /// Kestrel's <c>UnsafePreferInlineScheduling</c>: a request's processing continues on the thread that completed its
    /// socket read, and responses are sent from the thread that flushes them, instead of one more thread-pool hop each
    /// way (Kestrel's pipe schedulers and IOQueue). Below saturation that halves the edge's thread-pool work items per
    /// proxied request (~3.6 to ~1.8) and with the thread pool's spin limit of 0 (Runtime.props) its context switches
    /// and CPU per request (docs/edge.md, "Thread hops and the process model"). It is a transport option, so it applies
    /// to every endpoint of the server, the API's too, which is safe here because socket completions stay on the thread
    /// pool (.NET's inline socket completions are NOT enabled): the "IO thread" that runs the request is a thread-pool
    /// thread, so a slow or blocking API request holds only its own connection, as before. The one pattern it would
    /// deadlock, a synchronous wait for more of the same connection's request body, does not exist in the server
    /// (Kestrel forbids synchronous body reads, and no code blocks on an asynchronous one).
    /// </summary>
    public static IWebHostBuilder UseCrowNestTransport(this IWebHostBuilder builder) =>
        builder.UseSockets(o => o.UnsafePreferInlineScheduling = true);
}
