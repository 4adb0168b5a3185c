using System.Reflection;
using System.Runtime.CompilerServices;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Execution;

/// <summary>Subscription execution (GraphQL spec 6.2.3): a source stream from the root field, one response per event.</summary>
public static partial class Executor
{
    private static readonly MethodInfo AdaptMethod = typeof(Executor).GetMethod(nameof(AdaptStream), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// Executes a subscription: the root field's resolver returns the source stream (any <see cref="IAsyncEnumerable{T}"/>);
    /// each event is then executed against the operation's selection set with the event as the root field's value, and
    /// yields one result (errors are per event). Request errors and source-stream errors yield a single result without
    /// data. Non-subscription operations yield their single <see cref="ExecuteAsync"/> result.
    /// </summary>
    public static async IAsyncEnumerable<ExecutionResult> SubscribeAsync(
        ExecutionRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Linked only when the two tokens differ (the WebSocket transport passes the operation's token as both): an idle
        // subscription then holds no linked source and no registrations on its operation's token.
        using var linked = LinkIfDistinct(request.CancellationToken, cancellationToken, out var token);
        token.ThrowIfCancellationRequested();

        if (!TryPrepare(request, out var operation, out var fragments, out var variables, out var requestErrors))
        {
            yield return ExecutionResult.FromErrors(requestErrors);
            yield break;
        }

        if (operation.Operation != OperationType.Subscription)
        {
            yield return await ExecuteAsync(request with { CancellationToken = token }).ConfigureAwait(false);
            yield break;
        }

        var rootType = request.Schema.SubscriptionType;
        if (rootType is null)
        {
            yield return ExecutionResult.FromErrors([
                new GraphQLError("Schema is not configured to execute subscription operation.", ErrorCodes.OperationResolutionFailure)
                    .WithLocations(operation)]);
            yield break;
        }

        var setup = CreateState(request, operation, fragments, variables, token);
        var (plan, stream, shareKey, error) = await CreateSourceStreamAsync(setup, rootType, request.RootValue).ConfigureAwait(false);
        if (error is not null)
        {
            yield return ExecutionResult.FromErrors([error]);
            yield break;
        }

        // A source that opts in (ISharedSubscriptionSource) lets subscriptions with the same key, document and
        // variables execute each event object once between them.
        // The first event is never shared: a live stream's first item is the subscriber's own initial read, and an idle
        // subscription would otherwise keep its shared-result entry alive for as long as it holds that item.
        var shared = shareKey is null ? null : SharedEventKey.Create(request, operation, shareKey);
        var first = true;
        await using var events = stream!.GetAsyncEnumerator(token);
        while (await events.MoveNextAsync().ConfigureAwait(false))
        {
            // The event is passed on, not kept in a local of this iterator: an idle subscription does not hold its last
            // event object (e.g. a live query's whole entity) while it waits for the next one.
            yield return await ExecuteEventOrSharedAsync(request, operation, fragments, variables, token, rootType, plan!, first ? null : shared, events.Current)
                .ConfigureAwait(false);
            first = false;
        }
    }

    private static CancellationTokenSource? LinkIfDistinct(CancellationToken a, CancellationToken b, out CancellationToken token)
    {
        if (!b.CanBeCanceled || a == b)
        {
            token = a;
            return null;
        }

        if (!a.CanBeCanceled)
        {
            token = b;
            return null;
        }

        var linked = CancellationTokenSource.CreateLinkedTokenSource(a, b);
        token = linked.Token;
        return linked;
    }

    private static ValueTask<ExecutionResult> ExecuteEventOrSharedAsync(
        ExecutionRequest request,
        OperationDefinitionNode operation,
        Dictionary<string, FragmentDefinitionNode> fragments,
        IReadOnlyDictionary<string, object?> variables,
        CancellationToken token,
        ObjectType rootType,
        SelectionPlan plan,
        SharedEventKey? shared,
        object? payload)
    {
        if (shared is not null && payload is not null && !payload.GetType().IsValueType)
        {
            return SharedEventResults.ExecuteAsync(
                payload,
                shared,
                () => ExecuteEventAsync(CreateState(request, operation, fragments, variables, token), rootType, plan, payload),
                token);
        }

        return ExecuteEventAsync(CreateState(request, operation, fragments, variables, token), rootType, plan, payload);
    }

    private static async ValueTask<(SelectionPlan? Plan, IAsyncEnumerable<object?>? Stream, string? ShareKey, GraphQLError? Error)> CreateSourceStreamAsync(
        ExecutionState state,
        ObjectType rootType,
        object? rootValue)
    {
        SelectionPlan plan;
        try
        {
            plan = FieldCollector.CollectRoot(state, rootType);
        }
        catch (GraphQLException ex)
        {
            return (null, null, null, ex.Error);
        }

        var field = plan.Fields.FirstOrDefault(f => !f.IsTypeName);
        if (field is null)
        {
            return (null, null, null, new GraphQLError("The subscription operation selects no subscription field.", ErrorCodes.OperationResolutionFailure)
                .WithLocations(state.Operation));
        }

        // The stream may keep its context (arguments, services) for its whole life: never pooled.
        var context = ResolverContext.Rent(state, field, rootValue, default);
        if (field.ArgumentError is { } argumentError)
        {
            return (null, null, null, ToError(state, context, PathRef.Field(context), new GraphQLException(argumentError)));
        }

        object? source;
        try
        {
            source = await field.Resolver(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFieldError(state, ex))
        {
            return (null, null, null, ToError(state, context, PathRef.Field(context), ex));
        }

        var shareKey = (source as ISharedSubscriptionSource)?.ShareKey;
        if (source is IAsyncEnumerable<object?> stream)
        {
            return (plan, stream, shareKey, null);
        }

        var generic = source?.GetType().GetInterfaces()
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>));
        if (generic is not null)
        {
            var adapted = (IAsyncEnumerable<object?>)AdaptMethod.MakeGenericMethod(generic.GetGenericArguments()[0]).Invoke(null, [source, default(CancellationToken)])!;
            return (plan, adapted, shareKey, null);
        }

        return (null, null, null, new GraphQLError($"Subscription field must return AsyncIterable. Received: {Messages.Inspect(source)}.", ErrorCodes.ExecutionError)
        {
            Locations = Locations(context),
            Path = context.Path.ToList(),
        });
    }

    private static async IAsyncEnumerable<object?> AdaptStream<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <summary>Executes one event: the payload is the value of the subscription root field.</summary>
    private static async ValueTask<ExecutionResult> ExecuteEventAsync(ExecutionState state, ObjectType rootType, SelectionPlan plan, object? payload)
    {
        var fields = plan.Fields;
        var values = new object?[fields.Length];
        var failed = false;
        for (var i = 0; i < fields.Length && !failed; i++)
        {
            var field = fields[i];
            if (field.IsTypeName)
            {
                values[i] = rootType.Name;
                continue;
            }

            var context = ResolverContext.Rent(state, field, payload, default);
            var completion = CompleteField(state, context, field.Definition.Type, payload);
            var value = completion.IsCompletedSuccessfully
                ? completion.Result
                : await DriveAsync(state, completion).ConfigureAwait(false);
            if (ReferenceEquals(value, Bubble))
            {
                failed = true;
            }
            else
            {
                values[i] = value;
            }
        }

        return new ExecutionResult
        {
            Data = failed ? null : new ResultMap(plan.Keys, values),
            HasData = true,
            Errors = state.SnapshotErrors(),
        };
    }
}
