using CrowNest.GraphQL.Language;

namespace CrowNest.GraphQL.Types;

/// <summary>The directives every schema has (graphql-js <c>specifiedDirectives</c>), as shared definitions.</summary>
public static class BuiltInDirectives
{
    /// <summary>The default <c>@deprecated(reason:)</c>.</summary>
    public const string DefaultDeprecationReason = "No longer supported";

    /// <summary><c>@include(if: Boolean!)</c></summary>
    public static DirectiveDefinition Include { get; } = Create(
        "include",
        "Directs the executor to include this field or fragment only when the `if` argument is true.",
        [DirectiveLocation.Field, DirectiveLocation.FragmentSpread, DirectiveLocation.InlineFragment],
        new InputValue("if", new NonNullType(BuiltInScalars.Boolean)) { Description = "Included when true." });

    /// <summary><c>@skip(if: Boolean!)</c></summary>
    public static DirectiveDefinition Skip { get; } = Create(
        "skip",
        "Directs the executor to skip this field or fragment when the `if` argument is true.",
        [DirectiveLocation.Field, DirectiveLocation.FragmentSpread, DirectiveLocation.InlineFragment],
        new InputValue("if", new NonNullType(BuiltInScalars.Boolean)) { Description = "Skipped when true." });

    /// <summary><c>@deprecated(reason: String = "No longer supported")</c></summary>
    public static DirectiveDefinition Deprecated { get; } = Create(
        "deprecated",
        "Marks an element of a GraphQL schema as no longer supported.",
        [
            DirectiveLocation.FieldDefinition, DirectiveLocation.ArgumentDefinition, DirectiveLocation.InputFieldDefinition,
            DirectiveLocation.EnumValue, DirectiveLocation.DirectiveDefinition,
        ],
        new InputValue("reason", BuiltInScalars.String)
        {
            Description = "Explains why this element was deprecated, usually also including a suggestion for how to access supported similar data. Formatted using the Markdown syntax, as specified by [CommonMark](https://commonmark.org/).",
            DefaultValue = new StringValueNode(DefaultDeprecationReason),
        });

    /// <summary><c>@specifiedBy(url: String!)</c></summary>
    public static DirectiveDefinition SpecifiedBy { get; } = Create(
        "specifiedBy",
        "Exposes a URL that specifies the behavior of this scalar.",
        [DirectiveLocation.Scalar],
        new InputValue("url", new NonNullType(BuiltInScalars.String)) { Description = "The URL that specifies the behavior of this scalar." });

    /// <summary><c>@oneOf</c></summary>
    public static DirectiveDefinition OneOf { get; } = Create(
        "oneOf",
        "Indicates exactly one field must be supplied and this field must not be `null`.",
        [DirectiveLocation.InputObject]);

    /// <summary>In graphql-js order: include, skip, deprecated, specifiedBy, oneOf.</summary>
    public static IReadOnlyList<DirectiveDefinition> Specified { get; } = [Include, Skip, Deprecated, SpecifiedBy, OneOf];

    /// <summary>True when the name is one of the specified directives (graphql-js <c>isSpecifiedDirective</c> compares names).</summary>
    public static bool IsSpecifiedName(string name) => name is "include" or "skip" or "deprecated" or "specifiedBy" or "oneOf";

    private static DirectiveDefinition Create(string name, string description, DirectiveLocation[] locations, params InputValue[] args)
    {
        var directive = new DirectiveDefinition(name) { Description = description };
        foreach (var location in locations)
        {
            directive.Locations.Add(location);
        }

        foreach (var arg in args)
        {
            directive.Arguments.TryAdd(arg.Name, arg);
        }

        return directive;
    }
}
