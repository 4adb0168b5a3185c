using CrowNest.GraphQL;
using CrowNest.GraphQL.Execution;
using CrowNest.Platform;

namespace CrowNest.Schema;

/// <summary>The one place CrowNest's GraphQL errors are made, so every code stays stable.</summary>
public static class ErrorHelper
{
    /// <summary>Stable <c>extensions.code</c> values of CrowNest's own errors.</summary>
    public static class Codes
    {
        /// <summary>No valid credentials.</summary>
        public const string Unauthorized = "UNAUTHORIZED";
    }

    /// <summary>The request carries no valid credentials.</summary>
    public static GraphQLException Unauthorized() =>
        new(new GraphQLError("Authentication required: send 'Authorization: Bearer <api key>'.", Codes.Unauthorized));

    /// <summary>A refused platform operation as a GraphQL error; its <c>extensions.code</c> is <see cref="PlatformError.GraphQLCode"/>.</summary>
    public static GraphQLException From(PlatformError error) => new(new GraphQLError(error.Message, error.GraphQLCode));

    /// <summary>The value of a successful result, or the error thrown as a GraphQL field error.</summary>
    public static T Unwrap<T>(Result<T> result) => result.Error is { } error ? throw From(error) : result.Value!;
}
