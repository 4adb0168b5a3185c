using System.Runtime.CompilerServices;
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
            var raw = source.TryGetValue(field.DictionaryMember!, out var stored) ? ClrBinding.FromJson(stored) : null;
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
                if (raw!.GetType() != typeof(Dictionary<string, object?>))
                {
                    return NotPure;
                }

                SelectionPlan plan;
                try
                {
                    plan = field.GetSubPlan(state, objectType);
                }
                catch (GraphQLException)
                {
                    return NotPure;
                }

                if (!plan.MayBePure)
                {
                    return NotPure;
                }

                return PureFields(state, plan, Unsafe.As<Dictionary<string, object?>>(raw)) ?? NotPure;

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
        // JSON arrays (JsonInput: object?[]; ClrBinding.FromJson: List<object?>); anything else takes the general path.
        if (raw.GetType() == typeof(object[]))
        {
            var items = Unsafe.As<object?[]>(raw);
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

        if (raw is List<object?> list)
        {
            var values = list.Count == 0 ? [] : new object?[list.Count];
            for (var i = 0; i < values.Length; i++)
            {
                var value = PureValue(state, field, itemType, list[i]);
                if (ReferenceEquals(value, NotPure))
                {
                    return NotPure;
                }

                values[i] = value;
            }

            return values;
        }

        return NotPure;
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
