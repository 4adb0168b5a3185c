using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace CrowNest.Subscriptions;

/// <summary>A subscriber as the providers see it, independent of its message type.</summary>
internal abstract class Subscriber
{
    protected Subscriber(string topic, Type messageType)
    {
        Topic = topic;
        MessageType = messageType;
    }

    public string Topic { get; }

    /// <summary>Type the subscriber reads; distributed providers deserialize once per distinct type.</summary>
    public Type MessageType { get; }

    // receivedAt (Stopwatch timestamp) is taken once per published event, before it is handed to any subscriber, so
    // that every subscriber of the event carries the same instant (TopicEvent.ReceivedAt).

    /// <summary>Delivers a message of a statically known type (in-memory path, no boxing when the types match).</summary>
    public abstract void Deliver<TIn>(TIn message, long receivedAt);

    /// <summary>Delivers an already deserialized message whose runtime type is <see cref="MessageType"/> (or null).</summary>
    public abstract void DeliverObject(object? message, long receivedAt);

    public abstract void SignalReconnected(long receivedAt);

    /// <summary>Ends the stream (normally when <paramref name="error"/> is null) and unsubscribes.</summary>
    public abstract void End(Exception? error);
}

/// <summary>The bounded buffer behind one <see cref="ISourceStream{TMessage}"/>.</summary>
internal sealed class SourceStream<TMessage> : Subscriber, ISourceStream<TMessage>
{
    private readonly Channel<TopicEvent<TMessage>> _channel;
    private readonly Action<Subscriber> _unsubscribe;
    private readonly int _capacity;
    private int _ended;
    private int _reading;

    public SourceStream(string topic, int capacity, Action<Subscriber> unsubscribe)
        : base(topic, typeof(TMessage))
    {
        _capacity = capacity;
        _unsubscribe = unsubscribe;
        // Wait mode with TryWrite: a full buffer makes TryWrite fail, which is the overflow signal (nothing is dropped silently).
        _channel = Channel.CreateBounded<TopicEvent<TMessage>>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    public override void Deliver<TIn>(TIn message, long receivedAt)
    {
        if (typeof(TIn) == typeof(TMessage))
        {
            Write(new TopicEvent<TMessage>(TopicEventKind.Message, Unsafe.As<TIn, TMessage>(ref message)) { ReceivedAt = receivedAt });
        }
        else if (message is TMessage typed)
        {
            Write(new TopicEvent<TMessage>(TopicEventKind.Message, typed) { ReceivedAt = receivedAt });
        }
        else if (message is null && default(TMessage) is null)
        {
            Write(new TopicEvent<TMessage>(TopicEventKind.Message, default!) { ReceivedAt = receivedAt });
        }
        else
        {
            End(new SubscriptionException(SubscriptionErrorCode.InvalidMessage,
                $"A message of type {typeof(TIn).Name} was sent to topic '{Topic}', whose subscriber reads {typeof(TMessage).Name}."));
        }
    }

    public override void DeliverObject(object? message, long receivedAt) =>
        Write(new TopicEvent<TMessage>(TopicEventKind.Message, (TMessage)message!) { ReceivedAt = receivedAt });

    public override void SignalReconnected(long receivedAt) => Write(TopicEvent<TMessage>.Reconnected with { ReceivedAt = receivedAt });

    private void Write(TopicEvent<TMessage> item)
    {
        if (!_channel.Writer.TryWrite(item) && !IsEnded)
        {
            End(new SubscriptionException(SubscriptionErrorCode.BufferOverflow,
                $"The subscriber of topic '{Topic}' fell more than {_capacity} events behind and was ended."));
        }
    }

    public override void End(Exception? error)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _unsubscribe(this);
            _channel.Writer.TryComplete(error);
        }
    }

    public async IAsyncEnumerable<TopicEvent<TMessage>> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException("A subscription stream can be read only once.");
        }

        try
        {
            var reader = _channel.Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            End(null);
        }
    }

    public ValueTask DisposeAsync()
    {
        End(null);
        return ValueTask.CompletedTask;
    }
}
