using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CrowNest.GraphQL.Transport;
using CrowNest.GraphQL.Types;

namespace CrowNest.GraphQL.Execution;

/// <summary>
/// The executor's fast path for queries over plain data (dictionary parents, e.g. JSON data served with
/// <c>UseDefaultResolvers()</c>): when every field of the plan is read by the default member reader or is
/// <c>__typename</c>, and every value completes as a built-in scalar, an enum, an object or a list of those, the result
/// tree is built in one tight synchronous pass — no resolver contexts, no <see cref="ValueTask{TResult}"/> chain, no
/// response paths. Such reads have no side effects, so on anything the pass does not handle (an error to report, a
/// custom scalar, an abstract type, a non-dictionary parent) it gives up and the general algorithm runs the operation
/// from the start: the response (data, errors, paths, locations) is exactly the general algorithm's.
/// </summary>
public static partial class Executor
{
    /// <summary>Marks a value the pure pass cannot complete: the operation runs through the general algorithm.</summary>
    private static readonly object NotPure = new();

    /// <summary>
    /// Runs a query operation through the pure pass; null when the operation does not qualify or the pass gave up (no
    /// error was recorded and nothing observable happened).
    /// </summary>
    private static ResultMap? TryExecutePure(ExecutionState state, ObjectType rootType, Dictionary<string, object?> root)
    {
        SelectionPlan plan;
        try
        {
            plan = GetRootPlan(state, rootType);
        }
        catch (GraphQLException)
        {
            // The general path records this error.
            return null;
        }

        if (!plan.ShouldTryPure())
        {
            return null;
        }

        var data = PureFields(state, plan, root);
        if (data is null)
        {
            plan.NotePureFailure();
        }
        else
        {
            plan.NotePureSuccess();
        }

        return data;
    }

    /// <summary>
    /// <see cref="TryExecutePure"/> writing the data as JSON instead of building the result tree: the same values in the
    /// same order through the result writer's own encoding, so the bytes equal the tree's serialization. With
    /// <paramref name="pooled"/> the JSON stays in the pooled buffer it was written to (no copy, no per-request array)
    /// and the caller releases it; otherwise it is copied to an exact-size array and the buffer goes back at once.
    /// </summary>
    private static PreparedData? TryExecutePureJson(ExecutionState state, ObjectType rootType, Dictionary<string, object?> root, bool pooled)
    {
        SelectionPlan plan;
        try
        {
            plan = GetRootPlan(state, rootType);
        }
        catch (GraphQLException)
        {
            return null;
        }

        if (!plan.ShouldTryPure())
        {
            return null;
        }

        var buffer = PooledBufferWriter.Rent();
        var done = false;
        try
        {
            var writer = new FastResultWriter(buffer);
            done = PureWriteFields(state, plan, root, ref writer);
            writer.Flush();
        }
        finally
        {
            if (!done)
            {
                PooledBufferWriter.Return(buffer);
            }
        }

        if (!done)
        {
            plan.NotePureFailure();
            return null;
        }

        plan.NotePureSuccess();
        if (pooled)
        {
            return new PreparedData(buffer, null, state, rootType, plan, root);
        }

        // Filled completely right away: no need to zero it first.
        var json = GC.AllocateUninitializedArray<byte>(buffer.WrittenCount);
        buffer.WrittenSpan.CopyTo(json);
        PooledBufferWriter.Return(buffer);
        return new PreparedData(null, json, state, rootType, plan, root);
    }

    /// <summary>Builds the result tree of a prepared (pure) execution when something reads its data.</summary>
    internal static ResultMap? MaterializePure(ExecutionState state, ObjectType rootType, SelectionPlan plan, Dictionary<string, object?> root)
    {
        if (PureFields(state, plan, root) is { } map)
        {
            return map;
        }

        // The data changed since the operation ran: complete it as it is now.
        var result = ExecuteFields(state, rootType, root, default, plan);
        var value = result.IsCompletedSuccessfully ? result.Result : result.AsTask().GetAwaiter().GetResult();
        return value as ResultMap;
    }

    private static bool PureWriteFields(ExecutionState state, SelectionPlan plan, Dictionary<string, object?> source, ref FastResultWriter writer)
    {
        state.Token.ThrowIfCancellationRequested();
        var fields = plan.Fields;
        var prefixes = plan.KeyPrefixes;
        writer.WriteByte((byte)'{');
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            writer.WriteRaw(prefixes[i]);
            if (field.IsTypeName)
            {
                writer.WriteString(field.ParentType.Name);
                continue;
            }

            var raw = FromJson(ReadMember(source, field.DictionaryMember!));
            if (field.PureShape == PureShape.String && raw is string text)
            {
                writer.WriteString(text);
            }
            else if (raw is not null && raw.GetType() == typeof(Dictionary<string, object?>)
                && (field.Definition.Type is NonNullType { OfType: var inner } ? inner : field.Definition.Type) is ObjectType objectType)
            {
                // An object field over a dictionary: what PureWriteValue does for it, without its null and type dispatch.
                if (PureSubPlan(state, field, objectType, raw) is not { } subPlan
                    || !PureWriteFields(state, subPlan, Unsafe.As<Dictionary<string, object?>>(raw), ref writer))
                {
                    return false;
                }
            }
            else if (!PureWriteValue(state, field, field.Definition.Type, raw, ref writer))
            {
                return false;
            }
        }

        writer.WriteByte((byte)'}');
        return true;
    }

    private static bool PureWriteValue(ExecutionState state, FieldPlan field, GraphQLType type, object? raw, ref FastResultWriter writer)
    {
        var nonNull = false;
        if (type is NonNullType wrapped)
        {
            nonNull = true;
            type = wrapped.OfType;
        }

        if (IsNull(raw))
        {
            if (nonNull)
            {
                return false;
            }

            writer.WriteRaw("null"u8);
            return true;
        }

        switch (type)
        {
            case ObjectType objectType:
                return PureSubPlan(state, field, objectType, raw!) is { } plan
                    && PureWriteFields(state, plan, Unsafe.As<Dictionary<string, object?>>(raw!), ref writer);

            case ListType list:
                return PureWriteList(state, field, list.OfType, raw!, ref writer);

            default:
                // Leaves: the value the tree would hold, written the way the result writer writes it.
                var value = PureValue(state, field, type, raw);
                if (ReferenceEquals(value, NotPure) || (value is null && nonNull))
                {
                    return false;
                }

                writer.WriteValue(value);
                return true;
        }
    }

    private static bool PureWriteList(ExecutionState state, FieldPlan field, GraphQLType itemType, object raw, ref FastResultWriter writer)
    {
        if (!TryPureItems(raw, out var items))
        {
            return false;
        }

        // A list of objects (the usual case): the item plan is looked up once per list, not once per item (the same plan
        // PureWriteValue would find for every dictionary item).
        var objectType = (itemType is NonNullType { OfType: var inner } ? inner : itemType) as ObjectType;
        SelectionPlan? itemPlan = null;
        writer.WriteByte((byte)'[');
        for (var i = 0; i < items.Length; i++)
        {
            if (i > 0)
            {
                writer.WriteByte((byte)',');
            }

            var item = items[i];
            if (objectType is not null && item is not null && item.GetType() == typeof(Dictionary<string, object?>))
            {
                itemPlan ??= PureSubPlan(state, field, objectType, item);
                if (itemPlan is null || !PureWriteFields(state, itemPlan, Unsafe.As<Dictionary<string, object?>>(item), ref writer))
                {
                    return false;
                }
            }
            else if (!PureWriteValue(state, field, itemType, item, ref writer))
            {
                return false;
            }
        }

        writer.WriteByte((byte)']');
        return true;
    }

    /// <summary>
    /// The selection plan of an object-typed field over a dictionary parent, or null when the pure pass must give up
    /// (another parent type, a plan that fails to build, or a plan with fields that are not default member reads).
    /// </summary>
    private static SelectionPlan? PureSubPlan(ExecutionState state, FieldPlan field, ObjectType objectType, object raw)
    {
        if (raw.GetType() != typeof(Dictionary<string, object?>))
        {
            return null;
        }

        try
        {
            var plan = field.GetSubPlan(state, objectType);
            return plan.MayBePure ? plan : null;
        }
        catch (GraphQLException)
        {
            return null;
        }
    }

    /// <summary>The items of a JSON array (JsonInput: object?[]; ClrBinding.FromJson: List&lt;object?&gt;); anything else takes the general path.</summary>
    private static bool TryPureItems(object raw, out ReadOnlySpan<object?> items)
    {
        if (raw.GetType() == typeof(object[]))
        {
            items = Unsafe.As<object?[]>(raw);
            return true;
        }

        if (raw is List<object?> list)
        {
            items = CollectionsMarshal.AsSpan(list);
            return true;
        }

        items = default;
        return false;
    }

    /// <summary>
    /// The value stored under <paramref name="name"/> (null when absent). Small dictionaries (the usual JSON object) are
    /// scanned: comparing a few keys by length and characters is cheaper than hashing the name and the two interface
    /// calls to the comparer that a shared-generic lookup makes. A key equal by ordinal is the one the dictionary's own
    /// comparer finds too; a name not found that way (absent, or a non-ordinal comparer) is looked up.
    /// </summary>
    private static object? ReadMember(Dictionary<string, object?> source, string name)
    {
        if (source.Count <= 8)
        {
            foreach (var pair in source)
            {
                var key = pair.Key;
                if ((object)key == name || (key.Length == name.Length && string.Equals(key, name)))
                {
                    return pair.Value;
                }
            }
        }

        return source.TryGetValue(name, out var stored) ? stored : null;
    }

    /// <summary><see cref="ClrBinding.FromJson"/> without the call for the usual value that is no <see cref="System.Text.Json.JsonElement"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static object? FromJson(object? value) => value is System.Text.Json.JsonElement ? ClrBinding.FromJson(value) : value;

    /// <summary>The object of <paramref name="plan"/> over a dictionary parent, or null to give up.</summary>
    private static ResultMap? PureFields(ExecutionState state, SelectionPlan plan, Dictionary<string, object?> source)
    {
        // Same cancellation point as ExecuteFields (one check per response object).
        state.Token.ThrowIfCancellationRequested();
        var fields = plan.Fields;
        var values = new object?[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i];
            if (field.IsTypeName)
            {
                values[i] = field.ParentType.Name;
                continue;
            }

            // MayBePure: every other field is a default member read.
            var raw = FromJson(ReadMember(source, field.DictionaryMember!));
            object? value;
            if (field.PureShape == PureShape.String)
            {
                // String / String!: a string completes as itself.
                if (raw is string)
                {
                    value = raw;
                }
                else if (raw is null && !field.IsNonNull)
                {
                    value = null;
                }
                else
                {
                    value = PureValue(state, field, field.Definition.Type, raw);
                }
            }
            else
            {
                value = PureValue(state, field, field.Definition.Type, raw);
            }

            if (ReferenceEquals(value, NotPure))
            {
                return null;
            }

            values[i] = value;
        }

        return plan.CreateMap(values);
    }

    /// <summary>CompleteValue for the pure pass: the completed value, or <see cref="NotPure"/> to give up.</summary>
    private static object? PureValue(ExecutionState state, FieldPlan field, GraphQLType type, object? raw)
    {
        if (type is NonNullType nonNull)
        {
            var inner = PureValue(state, field, nonNull.OfType, raw);

            // A null here is an error to report: the general path reports it.
            return inner is null ? NotPure : inner;
        }

        if (IsNull(raw))
        {
            return null;
        }

        switch (type)
        {
            case ObjectType objectType:
                return PureSubPlan(state, field, objectType, raw!) is { } plan
                    ? PureFields(state, plan, Unsafe.As<Dictionary<string, object?>>(raw!)) ?? NotPure
                    : NotPure;

            case ListType list:
                return PureList(state, field, list.OfType, raw!);

            case EnumType enumType:
                return raw is Exception ? NotPure : (object?)PureEnum(enumType, raw!) ?? NotPure;

            case ScalarType scalar:
                if (raw is Exception || !IsBuiltInScalar(scalar))
                {
                    return NotPure;
                }

                if (raw is string && ReferenceEquals(scalar, BuiltInScalars.String))
                {
                    return raw;
                }

                try
                {
                    // Built-in scalars serialize without side effects.
                    return scalar.TrySerialize(raw!, out var serialized, out _) ? serialized : NotPure;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    return NotPure;
                }

            default:
                return NotPure;
        }
    }

    private static object? PureList(ExecutionState state, FieldPlan field, GraphQLType itemType, object raw)
    {
        if (!TryPureItems(raw, out var items))
        {
            return NotPure;
        }

        var values = items.Length == 0 ? [] : new object?[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var value = PureValue(state, field, itemType, items[i]);
            if (ReferenceEquals(value, NotPure))
            {
                return NotPure;
            }

            values[i] = value;
        }

        return values;
    }

    private static string? PureEnum(EnumType type, object value)
    {
        var serializer = t_lastEnumSerializer;
        if (serializer is null || !ReferenceEquals(serializer.Type, type))
        {
            serializer = EnumSerializers.GetValue(type, static t => new EnumSerializer(t));
            t_lastEnumSerializer = serializer;
        }

        return serializer.TrySerialize(value);
    }

    private static bool IsBuiltInScalar(ScalarType scalar) =>
        ReferenceEquals(scalar, BuiltInScalars.String)
        || ReferenceEquals(scalar, BuiltInScalars.Int)
        || ReferenceEquals(scalar, BuiltInScalars.Float)
        || ReferenceEquals(scalar, BuiltInScalars.Boolean)
        || ReferenceEquals(scalar, BuiltInScalars.ID);

    /// <summary>Whether a field's type can complete in the pure pass (decided once per field plan).</summary>
    internal static PureShape ShapeOf(GraphQLType type)
    {
        var named = type;
        while (true)
        {
            switch (named)
            {
                case NonNullType nonNull:
                    named = nonNull.OfType;
                    continue;
                case ListType list:
                    named = list.OfType;
                    continue;
            }

            break;
        }

        var leaf = type is NonNullType { OfType: var inner } ? inner : type;
        if (ReferenceEquals(leaf, BuiltInScalars.String))
        {
            return PureShape.String;
        }

        return named switch
        {
            ObjectType or EnumType => PureShape.Other,
            ScalarType scalar when IsBuiltInScalar(scalar) => PureShape.Other,
            _ => PureShape.None,
        };
    }
}

/// <summary>The data of a pure execution written as JSON, with what it takes to build the result tree on demand.</summary>
internal sealed class PreparedData(
    PooledBufferWriter? pooled, byte[]? json, ExecutionState state, ObjectType rootType, SelectionPlan plan, Dictionary<string, object?> root)
{
    private PooledBufferWriter? _pooled = pooled;
    private byte[]? _json = json;
    private ResultMap? _data;

    /// <summary>The data value as UTF-8 JSON (valid until <see cref="Release"/>).</summary>
    public ReadOnlySpan<byte> Json =>
        _pooled is { } pooled ? pooled.WrittenSpan : _json ?? throw new InvalidOperationException("The prepared JSON was released.");

    /// <summary>Whether <see cref="Json"/> is still available.</summary>
    public bool HasJson => _pooled is not null || _json is not null;

    /// <summary>
    /// Gives a pooled JSON buffer back (once its bytes were copied out); <see cref="Materialize"/> still works. A pooled
    /// result that is never released leaves its buffer to the garbage collector.
    /// </summary>
    public void Release()
    {
        _json = null;
        if (Interlocked.Exchange(ref _pooled, null) is { } buffer)
        {
            PooledBufferWriter.Return(buffer);
        }
    }

    /// <summary>The result tree (built once, on first use, without the request's cancellation token).</summary>
    public ResultMap? Materialize()
    {
        if (Volatile.Read(ref _data) is { } data)
        {
            return data;
        }

        var fresh = new ExecutionState(
            state.Schema, state.Operation, state.Fragments, state.Variables, state.RootValue, state.Services, null, CancellationToken.None, state.Options, null);
        Interlocked.CompareExchange(ref _data, Executor.MaterializePure(fresh, rootType, plan, root), null);
        return _data;
    }
}

/// <summary>How a field completes in the executor's pure pass.</summary>
internal enum PureShape : byte
{
    /// <summary>Not in the pure pass (abstract or custom scalar type).</summary>
    None,

    /// <summary><c>String</c> or <c>String!</c>.</summary>
    String,

    /// <summary>Any other supported type (built-in scalars, enums, objects, lists of those).</summary>
    Other,
}
