using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;

namespace CrowNest.GraphQL.Execution;

/// <summary>
/// Converts coerced input values (primitives, lists, dictionaries) to CLR types: numeric widening/narrowing, enums by
/// name, collections, and records/classes by constructor parameters and settable properties (names case-insensitive).
/// </summary>
public static class ValueConverter
{
    private static readonly ConcurrentDictionary<Type, ObjectPlan> Plans = new();

    /// <summary>Converts <paramref name="value"/> to <typeparamref name="T"/>.</summary>
    public static T? Convert<T>(object? value) => value is T typed ? typed : (T?)Convert(value, typeof(T));

    /// <summary>Converts <paramref name="value"/> to <paramref name="target"/>; throws <see cref="InvalidCastException"/> when impossible.</summary>
    public static object? Convert(object? value, Type target)
    {
        ArgumentNullException.ThrowIfNull(target);
        value = JsonInput.Normalize(value);
        if (value is null)
        {
            return target.IsValueType && Nullable.GetUnderlyingType(target) is null ? Activator.CreateInstance(target) : null;
        }

        if (target.IsInstanceOfType(value))
        {
            return value;
        }

        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        if (underlying.IsInstanceOfType(value))
        {
            return value;
        }

        if (underlying.IsEnum)
        {
            return ToEnum(value, underlying);
        }

        if (value is string text)
        {
            if (underlying == typeof(Guid))
            {
                return Guid.Parse(text, CultureInfo.InvariantCulture);
            }

            if (underlying == typeof(DateTimeOffset))
            {
                return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            }

            if (underlying == typeof(DateTime))
            {
                return DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            }

            if (underlying == typeof(TimeSpan))
            {
                return TimeSpan.Parse(text, CultureInfo.InvariantCulture);
            }

            if (underlying == typeof(Uri))
            {
                return new Uri(text, UriKind.RelativeOrAbsolute);
            }
        }

        if (value is IConvertible && (underlying.IsPrimitive || underlying == typeof(decimal) || underlying == typeof(string)))
        {
            return System.Convert.ChangeType(value, underlying, CultureInfo.InvariantCulture);
        }

        if (value is IReadOnlyDictionary<string, object?> map)
        {
            return ToObject(map, underlying);
        }

        if (value is IEnumerable sequence and not string)
        {
            return ToCollection(sequence, underlying);
        }

        throw new InvalidCastException($"Cannot convert a value of type {value.GetType().Name} to {target.Name}.");
    }

    private static object ToEnum(object value, Type enumType)
    {
        if (value is string or Enum)
        {
            var name = value.ToString()!;
            foreach (var member in Enum.GetNames(enumType))
            {
                if (NamesMatch(member, name))
                {
                    return Enum.Parse(enumType, member);
                }
            }

            throw new InvalidCastException($"\"{name}\" is not a member of {enumType.Name}.");
        }

        return Enum.ToObject(enumType, value);
    }

    /// <summary>Case-insensitive match ignoring underscores (<c>IN_PROGRESS</c> ≙ <c>InProgress</c>).</summary>
    internal static bool NamesMatch(string a, string b)
    {
        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && a[i] == '_')
            {
                i++;
            }

            while (j < b.Length && b[j] == '_')
            {
                j++;
            }

            if (i == a.Length || j == b.Length)
            {
                return i == a.Length && j == b.Length;
            }

            if (char.ToUpperInvariant(a[i]) != char.ToUpperInvariant(b[j]))
            {
                return false;
            }

            i++;
            j++;
        }
    }

    private static object ToCollection(IEnumerable sequence, Type target)
    {
        Type? element = null;
        if (target.IsArray)
        {
            element = target.GetElementType()!;
            var items = sequence.Cast<object?>().ToList();
            var array = Array.CreateInstance(element, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                array.SetValue(Convert(items[i], element), i);
            }

            return array;
        }

        if (target.IsGenericType)
        {
            element = target.GetGenericArguments()[0];
        }

        if (element is null)
        {
            if (target.IsAssignableFrom(typeof(List<object?>)))
            {
                return sequence.Cast<object?>().ToList();
            }

            throw new InvalidCastException($"Cannot convert a list to {target.Name}.");
        }

        var listType = typeof(List<>).MakeGenericType(element);
        var list = (IList)Activator.CreateInstance(listType)!;
        foreach (var item in sequence)
        {
            list.Add(Convert(item, element));
        }

        if (target.IsAssignableFrom(listType))
        {
            return list;
        }

        // HashSet<T>, ImmutableArray-free collection types with an IEnumerable<T> constructor.
        var ctor = target.GetConstructor([typeof(IEnumerable<>).MakeGenericType(element)]);
        if (ctor is not null)
        {
            return ctor.Invoke([list]);
        }

        throw new InvalidCastException($"Cannot convert a list to {target.Name}.");
    }

    private static object ToObject(IReadOnlyDictionary<string, object?> map, Type target)
    {
        if (target == typeof(object))
        {
            return map;
        }

        var plan = Plans.GetOrAdd(target, static t => new ObjectPlan(t));
        return plan.Create(map);
    }

    private sealed class ObjectPlan
    {
        private readonly Type _type;
        private readonly ConstructorInfo? _constructor;
        private readonly ParameterInfo[] _parameters;
        private readonly PropertyInfo[] _properties;

        public ObjectPlan(Type type)
        {
            _type = type;
            _constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
            _parameters = _constructor?.GetParameters() ?? [];
            _properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
                .ToArray();
        }

        public object Create(IReadOnlyDictionary<string, object?> map)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            object instance;
            if (_constructor is null)
            {
                instance = Activator.CreateInstance(_type) ?? throw new InvalidCastException($"Cannot create {_type.Name}.");
            }
            else
            {
                var args = new object?[_parameters.Length];
                for (var i = 0; i < _parameters.Length; i++)
                {
                    var parameter = _parameters[i];
                    if (Find(map, parameter.Name!) is { } key)
                    {
                        used.Add(key);
                        args[i] = Convert(map[key], parameter.ParameterType);
                    }
                    else if (parameter.HasDefaultValue)
                    {
                        args[i] = parameter.DefaultValue;
                    }
                    else
                    {
                        args[i] = parameter.ParameterType.IsValueType ? Activator.CreateInstance(parameter.ParameterType) : null;
                    }
                }

                instance = _constructor.Invoke(args);
            }

            foreach (var property in _properties)
            {
                if (Find(map, property.Name) is { } key && used.Add(key))
                {
                    property.SetValue(instance, Convert(map[key], property.PropertyType));
                }
            }

            return instance;
        }

        private static string? Find(IReadOnlyDictionary<string, object?> map, string name)
        {
            if (map.ContainsKey(name))
            {
                return name;
            }

            foreach (var key in map.Keys)
            {
                if (NamesMatch(key, name))
                {
                    return key;
                }
            }

            return null;
        }
    }
}
