using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace CrowNest.GraphQL.Execution;

/// <summary>
/// Fallback for fields without a resolver (graphql-js <c>defaultFieldResolver</c>): reads a same-named dictionary key,
/// JSON property or public property (case-insensitive) of the parent; a delegate-valued member is not invoked.
/// </summary>
internal static class DefaultResolver
{
    private static readonly ConcurrentDictionary<(Type, string), Func<object, object?>?> Getters = new();

    public static readonly FieldResolver Resolve = static context => new(Read(context.Parent, context.Field.Name));

    public static object? Read(object? parent, string name)
    {
        switch (parent)
        {
            case null:
                return null;
            case IReadOnlyDictionary<string, object?> map:
                return map.TryGetValue(name, out var value) ? value : null;
            case IDictionary<string, object?> dictionary:
                return dictionary.TryGetValue(name, out var value2) ? value2 : null;
            case JsonElement { ValueKind: JsonValueKind.Object } element:
                return element.TryGetProperty(name, out var property) ? property : null;
            case JsonElement:
                return null;
        }

        var getter = Getters.GetOrAdd((parent.GetType(), name), static key => CreateGetter(key.Item1, key.Item2));
        return getter?.Invoke(parent);
    }

    private static Func<object, object?>? CreateGetter(Type type, string name)
    {
        var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance)
            ?? type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => p.GetIndexParameters().Length == 0 && ValueConverter.NamesMatch(p.Name, name));
        if (property is not null && property.GetIndexParameters().Length == 0)
        {
            return property.GetValue;
        }

        var field = type.GetField(name, BindingFlags.Public | BindingFlags.Instance);
        return field is null ? null : field.GetValue;
    }
}
