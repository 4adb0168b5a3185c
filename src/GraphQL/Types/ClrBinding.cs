using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using CrowNest.GraphQL.Execution;

namespace CrowNest.GraphQL.Types;

/// <summary>
/// CLR bindings: compiled property getters (one expression-tree delegate per property, built once), default resolvers over
/// objects, dictionaries and <see cref="JsonElement"/>s, enum name mapping and input-object construction.
/// </summary>
public static class ClrBinding
{
    private static readonly ConcurrentDictionary<(Type, string), Func<object, object?>?> Getters = new();
    private static readonly ConcurrentDictionary<Type, Func<IReadOnlyDictionary<string, object?>, object>> Factories = new();

    /// <summary>
    /// Finds the public instance property of <paramref name="type"/> a GraphQL field maps to: exact name first, then
    /// case-insensitive (so <c>firstName</c> reads <c>FirstName</c>).
    /// </summary>
    public static PropertyInfo? FindProperty(Type type, string fieldName)
    {
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        PropertyInfo? match = null;
        foreach (var p in props)
        {
            if (p.GetIndexParameters().Length != 0 || !p.CanRead || p.GetMethod is null)
            {
                continue;
            }

            if (p.Name == fieldName)
            {
                return p;
            }

            if (match is null && string.Equals(p.Name, fieldName, StringComparison.OrdinalIgnoreCase))
            {
                match = p;
            }
        }

        return match;
    }

    /// <summary>A compiled getter <c>obj =&gt; (object)((T)obj).Property</c> for the field, or null when there is no such property.</summary>
    public static Func<object, object?>? GetGetter(Type type, string fieldName) =>
        Getters.GetOrAdd((type, fieldName), static key => FindProperty(key.Item1, key.Item2) is { } p ? Compile(key.Item1, p) : null);

    private static Func<object, object?> Compile(Type type, PropertyInfo property)
    {
        var parameter = Expression.Parameter(typeof(object), "obj");
        var body = Expression.Convert(Expression.Property(Expression.Convert(parameter, type), property), typeof(object));
        return Expression.Lambda<Func<object, object?>>(body, parameter).Compile();
    }

    /// <summary>
    /// Reads a field from a parent value: <c>IReadOnlyDictionary&lt;string, object?&gt;</c>/<c>IDictionary&lt;string, object?&gt;</c>
    /// keys, <see cref="JsonElement"/> object properties, or public properties; missing means null.
    /// </summary>
    public static object? ReadMember(object? parent, string name)
    {
        switch (parent)
        {
            case null:
                return null;
            case IReadOnlyDictionary<string, object?> readOnly:
                return readOnly.TryGetValue(name, out var v1) ? FromJson(v1) : null;
            case IDictionary<string, object?> dict:
                return dict.TryGetValue(name, out var v2) ? FromJson(v2) : null;
            case JsonElement element:
                return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var prop) ? FromJson(prop) : null;
            case IDictionary legacy:
                return legacy.Contains(name) ? FromJson(legacy[name]) : null;
            default:
                var getter = GetGetter(parent.GetType(), name);
                return getter?.Invoke(parent);
        }
    }

    /// <summary>
    /// Makes a JSON value resolvable: strings/booleans/null unwrap, arrays become lists (the executor enumerates them), numbers
    /// and objects stay <see cref="JsonElement"/> (scalars and nested default resolvers understand them).
    /// </summary>
    public static object? FromJson(object? value)
    {
        if (value is not JsonElement e)
        {
            return value;
        }

        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return e.GetString();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Array:
                var list = new List<object?>(e.GetArrayLength());
                foreach (var item in e.EnumerateArray())
                {
                    list.Add(FromJson(item));
                }

                return list;
            default:
                return e;
        }
    }

    /// <summary>The default resolver for a field name (what <c>UseDefaultResolvers()</c> installs).</summary>
    public static FieldResolver CreateDefaultResolver(string fieldName) => new MemberReader(fieldName).Resolve;

    /// <summary>
    /// The member name a resolver made by <see cref="CreateDefaultResolver"/> reads, or null for any other resolver: the
    /// executor reads such fields of dictionary parents directly (same result, no delegate call or context).
    /// </summary>
    internal static string? DefaultMemberName(FieldResolver? resolver) => (resolver?.Target as MemberReader)?.Name;

    /// <summary>A dictionary parent's value for <paramref name="name"/>, exactly as <see cref="ReadMember"/> reads it.</summary>
    internal static object? ReadDictionaryMember(Dictionary<string, object?> parent, string name) =>
        parent.TryGetValue(name, out var value) ? FromJson(value) : null;

    /// <summary>The target of a default resolver delegate: marks it as one and carries the member name.</summary>
    private sealed class MemberReader(string name)
    {
        public string Name { get; } = name;

        public ValueTask<object?> Resolve(IResolverContext context) => new(ReadMember(context.Parent, Name));
    }

    /// <summary>A resolver reading a property of a bound CLR type through a compiled getter, falling back to <see cref="ReadMember"/>.</summary>
    public static FieldResolver CreatePropertyResolver(Type type, PropertyInfo property, string fieldName)
    {
        var getter = Compile(type, property);
        return ctx => new ValueTask<object?>(
            ctx.Parent is { } parent && type.IsInstanceOfType(parent) ? getter(parent) : ReadMember(ctx.Parent, fieldName));
    }

    /// <summary>Normalizes a name for enum matching: <c>IN_PROGRESS</c> and <c>InProgress</c> both become <c>INPROGRESS</c>.</summary>
    public static string NormalizeEnumName(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>
    /// Converts coerced input-object fields (a name → value map) to an instance of <paramref name="type"/>: the constructor
    /// with the most parameters matching field names (records), then settable properties. Nested values are converted to the
    /// parameter/property types (lists, nested input objects, enums, numbers).
    /// </summary>
    public static object CreateInputObject(Type type, IReadOnlyDictionary<string, object?> fields) =>
        Factories.GetOrAdd(type, BuildFactory)(fields);

    /// <summary>Converts a coerced input value to a CLR type (used for input-object members and <c>Argument&lt;T&gt;</c>-style access).</summary>
    public static object? ConvertTo(object? value, Type target)
    {
        if (value is null)
        {
            return target.IsValueType && Nullable.GetUnderlyingType(target) is null ? Activator.CreateInstance(target) : null;
        }

        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        if (underlying.IsInstanceOfType(value))
        {
            return value;
        }

        if (underlying.IsEnum)
        {
            return value is string s ? ParseEnum(underlying, s) : Enum.ToObject(underlying, value);
        }

        if (value is IReadOnlyDictionary<string, object?> dict && underlying != typeof(object))
        {
            return CreateInputObject(underlying, dict);
        }

        if (value is IEnumerable items && value is not string && TryGetElementType(underlying) is { } elementType)
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
            foreach (var item in items)
            {
                list.Add(ConvertTo(item, elementType));
            }

            if (underlying.IsArray)
            {
                var array = Array.CreateInstance(elementType, list.Count);
                list.CopyTo(array, 0);
                return array;
            }

            return list;
        }

        if (value is IConvertible && typeof(IConvertible).IsAssignableFrom(underlying))
        {
            return Convert.ChangeType(value, underlying, System.Globalization.CultureInfo.InvariantCulture);
        }

        return value;
    }

    private static object ParseEnum(Type enumType, string graphQLName)
    {
        var normalized = NormalizeEnumName(graphQLName);
        foreach (var name in Enum.GetNames(enumType))
        {
            if (NormalizeEnumName(name) == normalized)
            {
                return Enum.Parse(enumType, name);
            }
        }

        throw new ArgumentException($"\"{graphQLName}\" is not a member of {enumType.Name}.", nameof(graphQLName));
    }

    private static Type? TryGetElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var arg])
        {
            var enumerable = typeof(IEnumerable<>).MakeGenericType(arg);
            if (enumerable.IsAssignableFrom(type) || type.IsAssignableFrom(typeof(List<>).MakeGenericType(arg)))
            {
                return arg;
            }
        }

        return null;
    }

    private static Func<IReadOnlyDictionary<string, object?>, object> BuildFactory(Type type)
    {
        var ctor = type.GetConstructors()
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault();
        var parameters = ctor?.GetParameters() ?? [];
        var ctorNames = new HashSet<string>(parameters.Select(p => p.Name!), StringComparer.OrdinalIgnoreCase);
        var settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && !ctorNames.Contains(p.Name))
            .ToArray();
        return fields =>
        {
            var args = new object?[parameters.Length];
            for (var i = 0; i < parameters.Length; i++)
            {
                var p = parameters[i];
                args[i] = TryGetField(fields, p.Name!, out var v)
                    ? ConvertTo(v, p.ParameterType)
                    : p.HasDefaultValue ? p.DefaultValue : ConvertTo(null, p.ParameterType);
            }

            var instance = ctor is null ? Activator.CreateInstance(type)! : ctor.Invoke(args);
            foreach (var prop in settable)
            {
                if (TryGetField(fields, prop.Name, out var v))
                {
                    prop.SetValue(instance, ConvertTo(v, prop.PropertyType));
                }
            }

            return instance;
        };
    }

    private static bool TryGetField(IReadOnlyDictionary<string, object?> fields, string name, out object? value)
    {
        if (fields.TryGetValue(name, out value))
        {
            return true;
        }

        foreach (var pair in fields)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = pair.Value;
                return true;
            }
        }

        return false;
    }
}
