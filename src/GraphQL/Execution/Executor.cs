using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Execution;

/// <summary>
/// Executes validated documents (GraphQL spec section 6, graphql-js v16 semantics): operation selection, variable
/// coercion, field collection, parallel query / serial mutation execution, value completion, null propagation, abstract
/// type resolution, DataLoader dispatch, cancellation and timeout.
/// </summary>
public static partial class Executor
{
    /// <summary>Marks a position that failed (error already recorded): the nearest nullable parent becomes null.</summary>
    private static readonly object Bubble = new();

    private static readonly ConditionalWeakTable<NamedType, ConcurrentDictionary<Type, ObjectType?>> RuntimeTypeCache = new();
    private static readonly ConditionalWeakTable<EnumType, EnumSerializer> EnumSerializers = new();

    [ThreadStatic]
    private static EnumSerializer? t_lastEnumSerializer;
    private static readonly ConcurrentDictionary<Type, Func<object, object?>?> TypeNameGetters = new();
    private static readonly ConditionalWeakTable<OperationDefinitionNode, CachedPlan> PlanCache = new();

    /// <summary>Executes a query or mutation. Request errors (unknown operation, invalid variables) produce a result without data.</summary>
    /// <exception cref="OperationCanceledException">The request's cancellation token was cancelled.</exception>
    public static async ValueTask<ExecutionResult> ExecuteAsync(ExecutionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.CancellationToken.ThrowIfCancellationRequested();

        if (!TryPrepare(request, out var operation, out var fragments, out var variables, out var requestErrors))
        {
            return ExecutionResult.FromErrors(requestErrors);
        }

        // A subscription operation sent here runs its root fields once, like a query: graphql-js 16's execute() does the
        // same, and streaming transports call SubscribeAsync instead.
        var rootType = request.Schema.GetRootType(operation.Operation);
        if (rootType is null)
        {
            return new ExecutionResult
            {
                HasData = true,
                Errors = [new GraphQLError(
                    $"Schema is not configured to execute {OperationName(operation.Operation)} operation.",
                    ErrorCodes.OperationResolutionFailure).WithLocations(operation)],
            };
        }

        CancellationTokenSource? timeoutSource = null;
        var token = request.CancellationToken;
        if (request.Timeout is { } timeout)
        {
            timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeoutSource.CancelAfter(timeout);
            token = timeoutSource.Token;
        }

        var state = CreateState(request, operation, fragments, variables, token);
        try
        {
            if (operation.Operation == OperationType.Query && request.RootValue is { } root && root.GetType() == typeof(Dictionary<string, object?>))
            {
                var rootMap = Unsafe.As<Dictionary<string, object?>>(root);
                if (request.PrepareJson)
                {
                    if (TryExecutePureJson(state, rootType, rootMap, request.PooledJson) is { } prepared)
                    {
                        return new ExecutionResult { PreparedData = prepared, HasData = true };
                    }
                }
                else if (TryExecutePure(state, rootType, rootMap) is { } pure)
                {
                    return new ExecutionResult { Data = pure, HasData = true };
                }
            }

            var execution = ExecuteOperation(state, rootType, request.RootValue);
            var data = execution.IsCompletedSuccessfully ? execution.Result : await DriveAsync(state, execution).ConfigureAwait(false);
            return new ExecutionResult
            {
                Data = data as ResultMap,
                HasData = true,
                Errors = state.SnapshotErrors(),
            };
        }
        catch (OperationCanceledException) when (timeoutSource is { IsCancellationRequested: true } && !request.CancellationToken.IsCancellationRequested)
        {
            return new ExecutionResult
            {
                HasData = true,
                Errors = [new GraphQLError(
                    $"Execution timed out after {request.Timeout!.Value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms.",
                    ErrorCodes.Timeout)],
            };
        }
        finally
        {
            timeoutSource?.Dispose();
        }
    }

    private static ExecutionState CreateState(
        ExecutionRequest request,
        OperationDefinitionNode operation,
        Dictionary<string, FragmentDefinitionNode> fragments,
        IReadOnlyDictionary<string, object?> variables,
        CancellationToken token)
    {
        return new ExecutionState(
            request.Schema,
            operation,
            fragments,
            variables,
            request.RootValue,
            request.Services ?? EmptyServiceProvider.Instance,
            request.ContextData,
            token,
            request.Options ?? ExecutionOptions.Default,
            request.DataLoaders);
    }

    /// <summary>The fragment map of documents without fragments; only ever read.</summary>
    private static readonly Dictionary<string, FragmentDefinitionNode> NoFragments = new(StringComparer.Ordinal);

    /// <summary>Operation selection (graphql-js <c>buildExecutionContext</c>) and variable coercion.</summary>
    private static bool TryPrepare(
        ExecutionRequest request,
        out OperationDefinitionNode operation,
        out Dictionary<string, FragmentDefinitionNode> fragments,
        out IReadOnlyDictionary<string, object?> variables,
        out IReadOnlyList<GraphQLError> errors)
    {
        OperationDefinitionNode? found = null;

        // Most operations use no fragments: share one empty (never written) map instead of allocating one per request.
        fragments = NoFragments;
        variables = FieldPlan.EmptyArguments;
        operation = null!;
        errors = [];
        var name = request.OperationName;
        // Indexed rather than foreach: enumerating the IReadOnlyList interface would allocate an enumerator per request.
        var definitions = request.Document.Definitions;
        for (var i = 0; i < definitions.Count; i++)
        {
            switch (definitions[i])
            {
                case OperationDefinitionNode candidate:
                    if (name is null)
                    {
                        if (found is not null)
                        {
                            errors = [new GraphQLError("Must provide operation name if query contains multiple operations.", ErrorCodes.OperationResolutionFailure)];
                            return false;
                        }

                        found = candidate;
                    }
                    else if (candidate.Name?.Value == name)
                    {
                        found = candidate;
                    }

                    break;

                case FragmentDefinitionNode fragment:
                    if (ReferenceEquals(fragments, NoFragments))
                    {
                        fragments = new Dictionary<string, FragmentDefinitionNode>(StringComparer.Ordinal);
                    }

                    fragments[fragment.Name.Value] = fragment;
                    break;
            }
        }

        if (found is null)
        {
            errors = [new GraphQLError(
                name is null ? "Must provide an operation." : $"Unknown operation named \"{name}\".",
                ErrorCodes.OperationResolutionFailure)];
            return false;
        }

        operation = found;
        variables = InputCoercion.CoerceVariableValues(request.Schema, found.VariableDefinitions, request.VariableValues, out var variableErrors);
        if (variableErrors is not null)
        {
            errors = variableErrors;
            return false;
        }

        return true;
    }

    private static string OperationName(OperationType type) => type switch
    {
        OperationType.Query => "query",
        OperationType.Mutation => "mutation",
        _ => "subscription",
    };

    private static ValueTask<object?> ExecuteOperation(ExecutionState state, ObjectType rootType, object? rootValue)
    {
        SelectionPlan plan;
        try
        {
            plan = GetRootPlan(state, rootType);
        }
        catch (GraphQLException ex)
        {
            state.AddError(ex.Error);
            return new((object?)null);
        }

        var result = state.Operation.Operation == OperationType.Mutation
            ? ExecuteFieldsSeriallyAsync(state, rootType, rootValue, plan)
            : ExecuteFields(state, rootType, rootValue, default, plan);
        if (result.IsCompletedSuccessfully)
        {
            // Read once: a pooled ValueTask that completed on another thread just before the check returns its box to
            // the pool on the first read, and a second read throws (or sees another execution's result).
            var value = result.Result;
            return new(ReferenceEquals(value, Bubble) ? null : value);
        }

        return AwaitRootAsync(result);
    }

    /// <summary>
    /// Plans of an operation without variables depend only on (schema, document): they are cached on the operation node
    /// so repeated documents (the transport caches parsed documents) skip field collection and argument coercion.
    /// </summary>
    private static SelectionPlan GetRootPlan(ExecutionState state, ObjectType rootType)
    {
        var operation = state.Operation;
        if (operation.VariableDefinitions.Count > 0)
        {
            return FieldCollector.CollectRoot(state, rootType);
        }

        if (PlanCache.TryGetValue(operation, out var cached) && ReferenceEquals(cached.Schema, state.Schema))
        {
            return cached.Plan;
        }

        var plan = FieldCollector.CollectRoot(state, rootType);
        PlanCache.AddOrUpdate(operation, new CachedPlan(state.Schema, plan));
        return plan;
    }

    private sealed record CachedPlan(Schema Schema, SelectionPlan Plan);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<object?> AwaitRootAsync(ValueTask<object?> pending)
    {
        var result = await pending.ConfigureAwait(false);
        return ReferenceEquals(result, Bubble) ? null : result;
    }

    /// <summary>
    /// Runs an execution that went asynchronous to completion, dispatching DataLoader batches whenever every runnable
    /// resolver is waiting: batch completions resume their resolvers inline, so each wave queues its keys before the next
    /// dispatch.
    /// </summary>
    private static async Task<object?> DriveAsync(ExecutionState state, ValueTask<object?> execution)
    {
        var task = execution.AsTask();

        // Only executions that went asynchronous need the registry; creating it here lets us wait for its signal.
        var registry = state.DataLoaders;
        while (!task.IsCompleted)
        {
            if (registry.HasPending)
            {
                await registry.DispatchAllAsync(state.Token).WaitAsync(state.Token).ConfigureAwait(false);
                continue;
            }

            var signal = registry.WhenPending();
            var first = await Task.WhenAny(task, signal).WaitAsync(state.Token).ConfigureAwait(false);
            if (!ReferenceEquals(first, task))
            {
                // A resolver queued a key after real I/O: let its peers that are ready queue theirs too.
                await Task.Yield();
            }
        }

        return await task.ConfigureAwait(false);
    }

    private static ValueTask<object?> ExecuteFields(ExecutionState state, ObjectType type, object? source, PathRef path, SelectionPlan plan)
    {
        state.Token.ThrowIfCancellationRequested();
        var fields = plan.Fields;
        var values = new object?[fields.Length];
        List<KeyValuePair<int, ValueTask<object?>>>? pending = null;
        var failed = false;

        // A context whose field completed synchronously serves the next sibling directly (no pool round trip).
        ResolverContext? spare = null;
        for (var i = 0; i < fields.Length; i++)
        {
            var result = ExecuteField(state, type, source, path, fields[i], ref spare);
            if (result.IsCompletedSuccessfully)
            {
                var value = result.Result;
                if (ReferenceEquals(value, Bubble))
                {
                    // Like graphql-js, a synchronous non-null failure stops executing the remaining siblings.
                    failed = true;
                    break;
                }

                values[i] = value;
            }
            else
            {
                (pending ??= []).Add(new(i, result));
            }
        }

        if (spare is not null)
        {
            ResolverContext.Return(spare);
        }

        if (pending is null)
        {
            return new(failed ? Bubble : plan.CreateMap(values));
        }

        return AwaitFieldsAsync(plan, values, pending, failed);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<object?> AwaitFieldsAsync(
        SelectionPlan plan,
        object?[] values,
        List<KeyValuePair<int, ValueTask<object?>>> pending,
        bool failed)
    {
        // Await every started field (even after a failure) so no error is recorded after the response is built.
        foreach (var (index, task) in pending)
        {
            var value = await task.ConfigureAwait(false);
            if (ReferenceEquals(value, Bubble))
            {
                failed = true;
            }
            else
            {
                values[index] = value;
            }
        }

        return failed ? Bubble : plan.CreateMap(values);
    }

    private static async ValueTask<object?> ExecuteFieldsSeriallyAsync(ExecutionState state, ObjectType type, object? source, SelectionPlan plan)
    {
        var fields = plan.Fields;
        var values = new object?[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            state.Token.ThrowIfCancellationRequested();
            var value = await ExecuteSerialField(state, type, source, fields[i]).ConfigureAwait(false);
            if (ReferenceEquals(value, Bubble))
            {
                return Bubble;
            }

            values[i] = value;
        }

        return plan.CreateMap(values);
    }

    private static ValueTask<object?> ExecuteSerialField(ExecutionState state, ObjectType type, object? source, FieldPlan field)
    {
        ResolverContext? spare = null;
        var result = ExecuteField(state, type, source, default, field, ref spare);
        if (spare is not null)
        {
            ResolverContext.Return(spare);
        }

        return result;
    }

    /// <summary>
    /// Resolves and completes one field. Uses <paramref name="spare"/> as its context when set; a context whose field
    /// completed synchronously is handed back in <paramref name="spare"/> for the caller to reuse or return to the pool.
    /// </summary>
    private static ValueTask<object?> ExecuteField(ExecutionState state, ObjectType type, object? source, PathRef parentPath, FieldPlan field, ref ResolverContext? spare)
    {
        if (field.IsTypeName)
        {
            return new(type.Name);
        }

        ResolverContext context;
        var fieldType = field.Definition.Type;
        ValueTask<object?> resolved;
        if (field.DictionaryMember is { } member && field.ArgumentError is null && source?.GetType() == typeof(Dictionary<string, object?>))
        {
            // A default resolver over a dictionary parent (JSON data): the same read without the delegate and, for a
            // string read by a String field (its serialization is the string itself, and it is not null), without a context.
            var value = ClrBinding.ReadDictionaryMember(Unsafe.As<Dictionary<string, object?>>(source), member);
            if (field.IsStringLeaf && value is string)
            {
                return new(value);
            }

            context = TakeContext(state, source, parentPath, field, ref spare);
            resolved = new(value);
        }
        else
        {
            context = TakeContext(state, source, parentPath, field, ref spare);
            if (field.ArgumentError is { } argumentError)
            {
                return new(FieldFailed(state, context, fieldType, new GraphQLException(argumentError)));
            }

            try
            {
                resolved = field.Resolver(context);
            }
            catch (Exception ex) when (IsFieldError(state, ex))
            {
                return new(FieldFailed(state, context, fieldType, ex));
            }
        }

        if (resolved.IsCompletedSuccessfully)
        {
            if (field.LeafScalar is { } scalar)
            {
                // Scalar leaves (most fields) complete in one step, without the generic ValueTask chain.
                var leaf = CompleteLeaf(state, context, field, scalar, resolved.Result);
                spare = context;
                return new(leaf);
            }

            var completed = CompleteField(state, context, fieldType, resolved.Result);
            if (completed.IsCompletedSuccessfully)
            {
                // Synchronous fast path: the field is done, its context can serve the next field.
                spare = context;
            }

            return completed;
        }

        return ExecuteFieldAsync(state, context, fieldType, resolved);
    }

    private static ResolverContext TakeContext(ExecutionState state, object? source, PathRef parentPath, FieldPlan field, ref ResolverContext? spare)
    {
        var context = spare;
        if (context is null)
        {
            return ResolverContext.Rent(state, field, source, parentPath);
        }

        spare = null;
        context.Reset(state, field, source, parentPath);
        return context;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<object?> ExecuteFieldAsync(ExecutionState state, ResolverContext context, GraphQLType fieldType, ValueTask<object?> resolving)
    {
        object? result;
        try
        {
            result = await resolving.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFieldError(state, ex))
        {
            return FieldFailed(state, context, fieldType, ex);
        }

        return await CompleteField(state, context, fieldType, result).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="CompleteField"/> for a field typed <c>S</c> or <c>S!</c> with a scalar <c>S</c>: the same steps
    /// (null, error value, serialization, non-null check, null at a nullable position) without the ValueTask layers.
    /// </summary>
    private static object? CompleteLeaf(ExecutionState state, ResolverContext context, FieldPlan field, ScalarType scalar, object? result)
    {
        object? value;
        if (IsNull(result))
        {
            value = null;
        }
        else if (result is Exception exception)
        {
            value = Fail(state, context, PathRef.Field(context), exception);
        }
        else
        {
            value = SerializeScalar(state, context, PathRef.Field(context), scalar, result!);
        }

        if (field.IsNonNull)
        {
            return CheckNonNull(state, context, PathRef.Field(context), value);
        }

        return ReferenceEquals(value, Bubble) ? null : value;
    }

    private static ValueTask<object?> CompleteField(ExecutionState state, ResolverContext context, GraphQLType fieldType, object? result)
    {
        var completed = CompleteValue(state, context, fieldType, PathRef.Field(context), result);
        if (completed.IsCompletedSuccessfully)
        {
            return new(AtPosition(completed.Result, fieldType));
        }

        return AwaitPositionAsync(completed, fieldType);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<object?> AwaitPositionAsync(ValueTask<object?> pending, GraphQLType type) =>
        AtPosition(await pending.ConfigureAwait(false), type);

    /// <summary>A failed position becomes null unless its type is non-null (then the failure bubbles to the parent).</summary>
    private static object? AtPosition(object? value, GraphQLType type) =>
        ReferenceEquals(value, Bubble) && type is not NonNullType ? null : value;

    private static bool IsFieldError(ExecutionState state, Exception ex) =>
        !(ex is OperationCanceledException && state.Token.IsCancellationRequested);

    private static object? FieldFailed(ExecutionState state, ResolverContext context, GraphQLType fieldType, Exception ex)
    {
        state.AddError(ToError(state, context, PathRef.Field(context), ex));
        return fieldType is NonNullType ? Bubble : null;
    }

    /// <summary>Records an error at a position and reports the position as failed.</summary>
    private static object Fail(ExecutionState state, ResolverContext context, PathRef path, string message)
    {
        state.AddError(new GraphQLError(message, ErrorCodes.ExecutionError)
        {
            Locations = Locations(context),
            Path = path.Materialize().ToList(),
        });
        return Bubble;
    }

    private static object Fail(ExecutionState state, ResolverContext context, PathRef path, Exception ex)
    {
        state.AddError(ToError(state, context, path, ex));
        return Bubble;
    }

    private static GraphQLError ToError(ExecutionState state, ResolverContext context, PathRef path, Exception ex)
    {
        while (ex is AggregateException { InnerExceptions.Count: 1 } or TargetInvocationException { InnerException: not null })
        {
            ex = ex.InnerException!;
        }

        var located = path.Materialize().ToList();
        if (ex is GraphQLException graphQL)
        {
            return graphQL.Error with
            {
                Locations = graphQL.Error.Locations ?? Locations(context),
                Path = graphQL.Error.Path ?? located,
            };
        }

        if (state.Options.IncludeExceptionDetails)
        {
            return new GraphQLError(ex.Message, ErrorCodes.Internal)
            {
                Locations = Locations(context),
                Path = located,
                Extensions = new Dictionary<string, object?>
                {
                    ["code"] = ErrorCodes.Internal,
                    ["exception"] = new Dictionary<string, object?>
                    {
                        ["type"] = ex.GetType().FullName,
                        ["message"] = ex.Message,
                        ["stackTrace"] = ex.StackTrace,
                    },
                },
            };
        }

        return new GraphQLError("Unexpected error.", ErrorCodes.Internal)
        {
            Locations = Locations(context),
            Path = located,
        };
    }

    private static List<SourceLocation>? Locations(ResolverContext context)
    {
        List<SourceLocation>? locations = null;
        foreach (var node in context.Plan.Nodes)
        {
            if (node.Location is { } location)
            {
                (locations ??= []).Add(SourceLocation.From(location));
            }
        }

        return locations;
    }

    private static bool IsNull(object? value) =>
        value is null or DBNull or JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined };

    private static ValueTask<object?> CompleteValue(ExecutionState state, ResolverContext context, GraphQLType type, PathRef path, object? result)
    {
        if (type is NonNullType nonNull)
        {
            var inner = CompleteValue(state, context, nonNull.OfType, path, result);
            if (inner.IsCompletedSuccessfully)
            {
                return new(CheckNonNull(state, context, path, inner.Result));
            }

            return CompleteNonNullAsync(state, context, path, inner);
        }

        if (IsNull(result))
        {
            return default;
        }

        if (result is Exception exception)
        {
            return new(Fail(state, context, path, exception));
        }

        // Sealed types first (exact type checks); ScalarType is abstract and costs a hierarchy walk to test.
        switch (type)
        {
            case ObjectType objectType:
                return CompleteObject(state, context, objectType, path, result);
            case ListType list:
                return CompleteList(state, context, list, path, result!);
            case EnumType enumType:
                return new(SerializeEnum(state, context, path, enumType, result!));
            case ScalarType scalar:
                return new(SerializeScalar(state, context, path, scalar, result!));
            case NamedType { IsAbstract: true } abstractType:
                return CompleteAbstract(state, context, abstractType, path, result!);
            default:
                return new(Fail(state, context, path, $"Cannot complete value of unexpected output type: \"{type}\"."));
        }
    }

    private static object? CheckNonNull(ExecutionState state, ResolverContext context, PathRef path, object? value) =>
        value is null
            ? Fail(state, context, path, $"Cannot return null for non-nullable field {context.Plan.ParentType.Name}.{context.Plan.Definition.Name}.")
            : value;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<object?> CompleteNonNullAsync(ExecutionState state, ResolverContext context, PathRef path, ValueTask<object?> inner) =>
        CheckNonNull(state, context, path, await inner.ConfigureAwait(false));

    private static object? SerializeScalar(ExecutionState state, ResolverContext context, PathRef path, ScalarType scalar, object result)
    {
        try
        {
            return scalar.TrySerialize(result, out var serialized, out var error)
                ? serialized
                : Fail(state, context, path, error);
        }
        catch (Exception ex) when (IsFieldError(state, ex))
        {
            return Fail(state, context, path, ex);
        }
    }

    private static object? SerializeEnum(ExecutionState state, ResolverContext context, PathRef path, EnumType type, object result)
    {
        // One-entry per-thread cache in front of the weak table: consecutive enum values (introspection's `kind` on every
        // __Type) mostly share a type, and this skips a table lookup per value.
        var serializer = t_lastEnumSerializer;
        if (serializer is null || !ReferenceEquals(serializer.Type, type))
        {
            serializer = EnumSerializers.GetValue(type, static t => new EnumSerializer(t));
            t_lastEnumSerializer = serializer;
        }

        return serializer.TrySerialize(result) ?? Fail(state, context, path, $"Enum \"{type.Name}\" cannot represent value: {Messages.Inspect(result)}");
    }

    private static ValueTask<object?> CompleteObject(ExecutionState state, ResolverContext context, ObjectType type, PathRef path, object? result)
    {
        SelectionPlan plan;
        try
        {
            plan = context.Plan.GetSubPlan(state, type);
        }
        catch (GraphQLException ex)
        {
            return new(Fail(state, context, path, ex));
        }

        // The position stays lazy: child fields materialize it only for an error or when a resolver reads its Path.
        return ExecuteFields(state, type, result, path, plan);
    }

    private static ValueTask<object?> CompleteAbstract(ExecutionState state, ResolverContext context, NamedType abstractType, PathRef path, object result)
    {
        ObjectType? runtimeType;
        string? error;
        try
        {
            runtimeType = ResolveRuntimeType(state, context, abstractType, result, out error);
        }
        catch (Exception ex) when (IsFieldError(state, ex))
        {
            return new(Fail(state, context, path, ex));
        }

        if (runtimeType is null)
        {
            return new(Fail(state, context, path, error!));
        }

        if (!state.Schema.IsPossibleType(abstractType, runtimeType))
        {
            return new(Fail(state, context, path, $"Runtime Object type \"{runtimeType.Name}\" is not a possible type for \"{abstractType.Name}\"."));
        }

        return CompleteObject(state, context, runtimeType, path, result);
    }

    private static ObjectType? ResolveRuntimeType(ExecutionState state, ResolverContext context, NamedType abstractType, object result, out string? error)
    {
        error = null;
        var schema = state.Schema;
        var custom = abstractType switch
        {
            InterfaceType i => i.ResolveType,
            UnionType u => u.ResolveType,
            _ => null,
        };

        string? typeName;
        if (custom is not null)
        {
            typeName = custom(result, context, abstractType)?.Name;
        }
        else
        {
            typeName = ReadTypeName(result);
            if (typeName is null)
            {
                var clrType = result.GetType();
                var byClr = RuntimeTypeCache.GetValue(abstractType, static _ => new())
                    .GetOrAdd(clrType, static (clr, arg) => MatchRuntimeType(arg.schema, arg.abstractType, clr), (schema, abstractType));
                if (byClr is not null)
                {
                    return byClr;
                }
            }
        }

        if (typeName is null)
        {
            error = $"Abstract type \"{abstractType.Name}\" must resolve to an Object type at runtime for field \"{context.Plan.ParentType.Name}.{context.Plan.Definition.Name}\". "
                + $"Either the \"{abstractType.Name}\" type should provide a \"resolveType\" function or each possible type should provide an \"isTypeOf\" function.";
            return null;
        }

        var named = schema.GetType(typeName);
        if (named is null)
        {
            error = $"Abstract type \"{abstractType.Name}\" was resolved to a type \"{typeName}\" that does not exist inside the schema.";
            return null;
        }

        if (named is not ObjectType objectType)
        {
            error = $"Abstract type \"{abstractType.Name}\" was resolved to a non-object type \"{typeName}\".";
            return null;
        }

        return objectType;
    }

    private static ObjectType? MatchRuntimeType(Schema schema, NamedType abstractType, Type clrType)
    {
        var possible = schema.GetPossibleTypes(abstractType);
        foreach (var candidate in possible)
        {
            if (candidate.RuntimeType == clrType)
            {
                return candidate;
            }
        }

        foreach (var candidate in possible)
        {
            if (candidate.RuntimeType is { } runtime && runtime.IsAssignableFrom(clrType))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>A <c>__typename</c> string member: dictionary key, JSON property or CLR property/field.</summary>
    private static string? ReadTypeName(object value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> map:
                return map.TryGetValue("__typename", out var name) ? name as string : null;
            case IDictionary<string, object?> dictionary:
                return dictionary.TryGetValue("__typename", out var name2) ? name2 as string : null;
            case JsonElement element:
                return element.ValueKind == JsonValueKind.Object
                    && element.TryGetProperty("__typename", out var property)
                    && property.ValueKind == JsonValueKind.String
                    ? property.GetString()
                    : null;
        }

        var getter = TypeNameGetters.GetOrAdd(value.GetType(), static type =>
        {
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance;
            if (type.GetProperty("__typename", flags) is { } property && property.GetIndexParameters().Length == 0)
            {
                return property.GetValue;
            }

            return type.GetField("__typename", flags) is { } field ? field.GetValue : null;
        });
        return getter?.Invoke(value) as string;
    }

    private static ValueTask<object?> CompleteList(ExecutionState state, ResolverContext context, ListType type, PathRef path, object result)
    {
        IEnumerable? sequence = result switch
        {
            string => null,
            JsonElement { ValueKind: JsonValueKind.Array } element => element.EnumerateArray().Cast<object?>(),
            JsonElement => null,
            IEnumerable enumerable => enumerable,
            _ => null,
        };
        if (sequence is null)
        {
            return new(Fail(state, context, path,
                $"Expected Iterable, but did not find one for field \"{context.Plan.ParentType.Name}.{context.Plan.Definition.Name}\"."));
        }

        var itemType = type.OfType;

        // Item positions stay lazy (no ResponsePath or boxed index per item unless an error needs one).
        var items = path.Items();
        List<KeyValuePair<int, ValueTask<object?>>>? pending = null;
        var failed = false;
        var count = 0;
        object?[] values;

        // Arrays and List<T> are indexed rather than enumerated: same items in the same order, without boxing an
        // enumerator per list (introspection completes hundreds of small lists).
        if (result is IList indexed && (result is Array { Rank: 1 } || IsList(result)))
        {
            // object?[] (JSON arrays from JsonInput, most CLR-built lists) is read directly, not through IList's indexer.
            var objects = result.GetType() == typeof(object[]) ? (object?[])result : null;
            var length = indexed.Count;
            values = length == 0 ? [] : new object?[length];
            try
            {
                for (; count < length; count++)
                {
                    var index = count;
                    var completed = CompleteValue(state, context, itemType, items.At(index), objects is not null ? objects[index] : indexed[index]);
                    if (completed.IsCompletedSuccessfully)
                    {
                        var value = AtPosition(completed.Result, itemType);
                        if (ReferenceEquals(value, Bubble))
                        {
                            failed = true;
                            break;
                        }

                        values[index] = value;
                    }
                    else
                    {
                        (pending ??= []).Add(new(index, completed));
                    }
                }
            }
            catch (Exception ex) when (IsFieldError(state, ex))
            {
                // Same handling as the enumerating path below.
                failed = true;
                Fail(state, context, path, ex);
            }
        }
        else
        {
            values = new object?[result is ICollection collection ? collection.Count : 8];
            try
            {
                foreach (var item in sequence)
                {
                    if (count == values.Length)
                    {
                        Array.Resize(ref values, Math.Max(8, values.Length * 2));
                    }

                    var index = count++;
                    var completed = CompleteValue(state, context, itemType, items.At(index), item);
                    if (completed.IsCompletedSuccessfully)
                    {
                        var value = AtPosition(completed.Result, itemType);
                        if (ReferenceEquals(value, Bubble))
                        {
                            failed = true;
                            break;
                        }

                        values[index] = value;
                    }
                    else
                    {
                        (pending ??= []).Add(new(index, completed));
                    }
                }
            }
            catch (Exception ex) when (IsFieldError(state, ex))
            {
                // The resolver's enumerable threw while being iterated.
                failed = true;
                Fail(state, context, path, ex);
            }

            if (count != values.Length)
            {
                Array.Resize(ref values, count);
            }
        }

        if (pending is null)
        {
            return new(failed ? Bubble : values);
        }

        return AwaitListAsync(values, pending, itemType, failed);
    }

    private static bool IsList(object value) =>
        value.GetType() is { IsConstructedGenericType: true } type && type.GetGenericTypeDefinition() == typeof(List<>);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<object?> AwaitListAsync(
        object?[] values,
        List<KeyValuePair<int, ValueTask<object?>>> pending,
        GraphQLType itemType,
        bool failed)
    {
        foreach (var (index, task) in pending)
        {
            var value = AtPosition(await task.ConfigureAwait(false), itemType);
            if (ReferenceEquals(value, Bubble))
            {
                failed = true;
            }
            else
            {
                values[index] = value;
            }
        }

        return failed ? Bubble : values;
    }

    /// <summary>Serializes enum results by runtime value, by name, or by matching CLR enum member name.</summary>
    private sealed class EnumSerializer
    {
        private readonly EnumType _type;
        private readonly Dictionary<object, string> _byValue = [];

        // The dictionary's keys in order, for a reference-equality scan before hashing: resolvers usually return the very
        // runtime value (or interned name) the enum was built with. Only keys actually added, so a hit maps to the same
        // name the dictionary would return.
        private readonly object[] _keys;
        private readonly string[] _names;

        public EnumSerializer(EnumType type)
        {
            _type = type;
            var keys = new List<object>();
            var names = new List<string>();
            foreach (var (name, value) in type.Values)
            {
                if (_byValue.TryAdd(value.RuntimeValue, name))
                {
                    keys.Add(value.RuntimeValue);
                    names.Add(name);
                }
            }

            _keys = keys.Count <= 32 ? [.. keys] : [];
            _names = [.. names];
        }

        public EnumType Type => _type;

        public string? TrySerialize(object value)
        {
            var keys = _keys;
            for (var i = 0; i < keys.Length; i++)
            {
                if (ReferenceEquals(keys[i], value))
                {
                    return _names[i];
                }
            }

            if (_byValue.TryGetValue(value, out var name))
            {
                return name;
            }

            if (value is string text && _type.Values.ContainsKey(text))
            {
                return text;
            }

            if (value is Enum member)
            {
                var memberName = member.ToString();
                foreach (var candidate in _type.Values.Keys)
                {
                    if (ValueConverter.NamesMatch(candidate, memberName))
                    {
                        return candidate;
                    }
                }
            }

            return null;
        }
    }
}
