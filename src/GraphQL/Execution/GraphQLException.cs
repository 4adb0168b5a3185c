namespace CrowNest.GraphQL.Execution;

/// <summary>
/// Thrown by a resolver that fails on purpose: its <see cref="Error"/> message, code and extensions reach the client
/// (the executor adds the field's path and locations). Any other exception is masked as "Unexpected error.".
/// </summary>
public sealed class GraphQLException : Exception
{
    /// <summary>Creates an exception with a message and a stable code (default <see cref="ErrorCodes.ExecutionError"/>).</summary>
    public GraphQLException(string message, string code = ErrorCodes.ExecutionError)
        : this(new GraphQLError(message, code))
    {
    }

    /// <summary>Creates an exception carrying a prepared error.</summary>
    public GraphQLException(GraphQLError error)
        : base(error.Message) => Error = error;

    /// <summary>Creates an exception carrying a prepared error and the exception that caused it.</summary>
    public GraphQLException(GraphQLError error, Exception? innerException)
        : base(error.Message, innerException) => Error = error;

    /// <summary>The error reported to the client.</summary>
    public GraphQLError Error { get; }

    /// <summary>The stable <c>extensions.code</c> of <see cref="Error"/>.</summary>
    public string Code => Error.Code;
}
