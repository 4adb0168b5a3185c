using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Transport;

/// <summary>The streaming entry point used by the subscription transports (WebSocket, SSE).</summary>
public sealed partial class RequestExecutor
{
    /// <summary>
    /// Prepares <paramref name="request"/> for a streaming transport through the same pipeline as
    /// <see cref="ExecuteAsync(GraphQLRequest, CancellationToken, IServiceProvider?)"/> (document cache, validation,
    /// limits, trusted documents). On success <paramref name="stream"/> yields one result per subscription event (or
    /// the single result of a query or mutation); otherwise <paramref name="requestErrors"/> holds the errors that
    /// prevented execution (syntax, validation, limits, operation not allowed).
    /// </summary>
    public bool TryCreateStream(
        GraphQLRequest request,
        IServiceProvider? services,
        CancellationToken cancellationToken,
        [NotNullWhen(true)] out IAsyncEnumerable<ExecutionResult>? stream,
        [NotNullWhen(false)] out IReadOnlyList<GraphQLError>? requestErrors)
    {
        ArgumentNullException.ThrowIfNull(request);
        stream = null;
        var resolved = ResolveDocument(request, out var error);
        if (resolved is null)
        {
            requestErrors = [error!];
            return false;
        }

        var cached = resolved.Value.Entry;
        var operation = cached.Document is null ? null : OperationAnalyzer.SelectOperation(cached.Document, request.OperationName);
        if (operation is { Operation: OperationType.Mutation } && !request.AllowMutations)
        {
            requestErrors = [new GraphQLError("Mutations are not allowed over this transport (use POST).", TransportErrorCodes.OperationNotAllowed)];
            return false;
        }

        if (cached.Errors is { } errors)
        {
            requestErrors = errors;
            return false;
        }

        if (operation is not null && CheckLimits(cached, operation, request) is { } limitError)
        {
            requestErrors = [limitError];
            return false;
        }

        Interlocked.Increment(ref _executeCount);
        requestErrors = null;
        stream = Executor.SubscribeAsync(new ExecutionRequest
        {
            Schema = Schema,
            Document = cached.Document!,
            OperationName = request.OperationName,
            VariableValues = request.Variables,
            RootValue = request.RootValue ?? Options.RootValue,
            Services = services,
            ContextData = request.ContextData,

            // Applies to queries and mutations only: the executor does not time-limit a subscription's event stream.
            Timeout = Options.ExecutionTimeout,
            Options = Options.Execution,
            CancellationToken = cancellationToken,
        }, cancellationToken);
        return true;
    }

    /// <summary>
    /// Runs <paramref name="request"/> as a stream: one result per subscription event, or the single result of a
    /// query or mutation. Request errors yield a single result without data.
    /// </summary>
    public async IAsyncEnumerable<ExecutionResult> SubscribeAsync(
        GraphQLRequest request,
        IServiceProvider? services = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!TryCreateStream(request, services, cancellationToken, out var stream, out var errors))
        {
            yield return ExecutionResult.FromErrors(errors);
            yield break;
        }

        await foreach (var result in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }
    }
}
