namespace CrowNest.Platform.Querying;

/// <summary>Stable codes of <see cref="QueryException"/>; every one of them is a client error.</summary>
public static class QueryErrorCodes
{
    public const string InvalidFilter = "invalid_filter";
    public const string InvalidOrderBy = "invalid_order_by";
    public const string InvalidCursor = "invalid_cursor";
    public const string InvalidArgument = "invalid_argument";
}

/// <summary>
/// A filter, orderBy, cursor or paging argument the caller got wrong. The message starts with the path of the
/// offending value (e.g. <c>filter.or[1].name.contains: expected a string</c>); REST maps it to <c>invalid_request</c>.
/// </summary>
public sealed class QueryException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
