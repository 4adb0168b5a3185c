using CrowNest.GraphQL;
using CrowNest.GraphQL.Execution;

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
}
