namespace CrowNest.Subscriptions;

/// <summary>Stable error codes of the subscriptions layer (see <see cref="SubscriptionException.ErrorCode"/>).</summary>
public enum SubscriptionErrorCode
{
    /// <summary>The subscriber read too slowly: its buffer (<see cref="SubscriptionOptions.SubscriberCapacity"/>) was full.</summary>
    BufferOverflow,

    /// <summary>A message could not be converted to the subscriber's message type.</summary>
    InvalidMessage,

    /// <summary>The provider's backing store (PostgreSQL) is unreachable.</summary>
    Unavailable,

    /// <summary>Invalid argument (e.g. an empty topic).</summary>
    InvalidArgument,
}

/// <summary>A failed subscription operation, or the error that ended a subscription stream.</summary>
public sealed class SubscriptionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">Stable error code.</param>
    /// <param name="message">Human-readable message.</param>
    /// <param name="innerException">The cause, if any.</param>
    public SubscriptionException(SubscriptionErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    /// <summary>Stable error code.</summary>
    public SubscriptionErrorCode Code { get; }

    /// <summary>The code as a GraphQL <c>extensions.code</c> / REST error code, e.g. <c>SUBSCRIPTION_BUFFER_OVERFLOW</c>.</summary>
    public string ErrorCode => Code switch
    {
        SubscriptionErrorCode.BufferOverflow => "SUBSCRIPTION_BUFFER_OVERFLOW",
        SubscriptionErrorCode.InvalidMessage => "SUBSCRIPTION_INVALID_MESSAGE",
        SubscriptionErrorCode.Unavailable => "SUBSCRIPTION_UNAVAILABLE",
        _ => "SUBSCRIPTION_INVALID_ARGUMENT",
    };
}
