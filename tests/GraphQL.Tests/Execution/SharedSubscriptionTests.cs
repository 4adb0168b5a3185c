using System.Threading.Channels;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>
/// <see cref="ISharedSubscriptionSource"/>: subscriptions with the same key, document and variables execute one event
/// object once between them; anything that differs (key, variables, event object, a source that does not opt in)
/// executes separately.
/// </summary>
public sealed class SharedSubscriptionTests
{
    public sealed record Email(string From, string Subject);

    private const string Sdl = """
        type Email { from: String subject(prefix: String = ""): String }
        type Query { ping: String }
        type Subscription { shared(key: String!): Email plain: Email }
        """;

    /// <summary>A per-subscription inbox that opts in to sharing under <see cref="ShareKey"/>.</summary>
    private sealed class SharedInbox(string key) : IAsyncEnumerable<object?>, ISharedSubscriptionSource
    {
        public Channel<object?> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<object?>();

        public string ShareKey => key;

        public IAsyncEnumerator<object?> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
            Channel.Reader.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    private sealed class Fixture
    {
        private int _subjectCalls;

        public Fixture()
        {
            Schema = BuildSchema(Sdl, b =>
            {
                b.AddResolver("Subscription.shared", ctx =>
                {
                    var inbox = new SharedInbox(ctx.Argument<string>("key")!);
                    Inboxes.Add(inbox.Channel);
                    return inbox;
                });
                b.AddResolver("Subscription.plain", _ =>
                {
                    var inbox = System.Threading.Channels.Channel.CreateUnbounded<object?>();
                    Inboxes.Add(inbox);
                    return inbox.Reader.ReadAllAsync();
                });
                b.AddResolver("Email.subject", ctx =>
                {
                    Interlocked.Increment(ref _subjectCalls);
                    return ctx.Argument<string>("prefix") + ((Email)ctx.Parent!).Subject;
                });
            });
        }

        public Schema Schema { get; }

        public List<Channel<object?>> Inboxes { get; } = [];

        public int SubjectCalls => Volatile.Read(ref _subjectCalls);

        public IAsyncEnumerator<ExecutionResult> Subscribe(DocumentNode document, string variables) =>
            Executor.SubscribeAsync(new ExecutionRequest { Schema = Schema, Document = document, VariableValues = Vars(variables) })
                .GetAsyncEnumerator();

        public async Task PublishAsync(object? message)
        {
            foreach (var inbox in Inboxes)
            {
                await inbox.Writer.WriteAsync(message);
            }
        }
    }

    private static readonly DocumentNode SharedQuery = Parser.Parse("subscription($key: String!, $p: String) { shared(key: $key) { from subject(prefix: $p) } }");

    [Fact]
    public async Task SameKeyDocumentAndVariablesExecuteOneEventOnceAndShareTheResult()
    {
        var fixture = new Fixture();
        var subscriptions = new List<IAsyncEnumerator<ExecutionResult>>();
        for (var i = 0; i < 5; i++)
        {
            subscriptions.Add(fixture.Subscribe(SharedQuery, """{ "key": "caller-1" }"""));
        }

        // The source streams are created on the first MoveNextAsync.
        var first = subscriptions.Select(s => s.MoveNextAsync().AsTask()).ToList();
        while (fixture.Inboxes.Count < 5)
        {
            await Task.Delay(10);
        }

        // The first event of a subscription (a live stream's own initial read) is executed per subscription.
        await fixture.PublishAsync(new Email("initial@example.com", "initial"));
        foreach (var moved in first)
        {
            Assert.True(await moved);
        }

        Assert.Equal(5, fixture.SubjectCalls);
        await fixture.PublishAsync(new Email("a@example.com", "hello"));
        foreach (var subscription in subscriptions)
        {
            Assert.True(await subscription.MoveNextAsync());
        }

        Assert.Equal(6, fixture.SubjectCalls);
        foreach (var subscription in subscriptions)
        {
            AssertJson("""{ "data": { "shared": { "from": "a@example.com", "subject": "hello" } } }""", subscription.Current);
            Assert.Same(subscriptions[0].Current, subscription.Current);
        }

        // A new event object is executed again (once).
        await fixture.PublishAsync(new Email("b@example.com", "again"));
        foreach (var subscription in subscriptions)
        {
            Assert.True(await subscription.MoveNextAsync());
            AssertJson("""{ "data": { "shared": { "from": "b@example.com", "subject": "again" } } }""", subscription.Current);
        }

        Assert.Equal(7, fixture.SubjectCalls);
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }
    }

    [Fact]
    public async Task DifferentKeysVariablesOrSourcesThatDoNotOptInExecuteSeparately()
    {
        var fixture = new Fixture();
        var subscriptions = new[]
        {
            fixture.Subscribe(SharedQuery, """{ "key": "caller-1" }"""),
            fixture.Subscribe(SharedQuery, """{ "key": "caller-2" }"""),
            fixture.Subscribe(SharedQuery, """{ "key": "caller-1", "p": "Re: " }"""),
            fixture.Subscribe(Parser.Parse("subscription { plain { from subject } }"), "{}"),
            fixture.Subscribe(Parser.Parse("subscription { plain { from subject } }"), "{}"),
        };
        var first = subscriptions.Select(s => s.MoveNextAsync().AsTask()).ToList();
        while (fixture.Inboxes.Count < subscriptions.Length)
        {
            await Task.Delay(10);
        }

        await fixture.PublishAsync(new Email("initial@example.com", "initial"));
        foreach (var moved in first)
        {
            Assert.True(await moved);
        }

        await fixture.PublishAsync(new Email("a@example.com", "hello"));
        foreach (var subscription in subscriptions)
        {
            Assert.True(await subscription.MoveNextAsync());
        }

        Assert.Equal(2 * subscriptions.Length, fixture.SubjectCalls);
        AssertJson("""{ "data": { "shared": { "from": "a@example.com", "subject": "Re: hello" } } }""", subscriptions[2].Current);
        AssertJson("""{ "data": { "plain": { "from": "a@example.com", "subject": "hello" } } }""", subscriptions[4].Current);
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }
    }

    [Fact]
    public async Task ASubscriptionCancelledWhileExecutingASharedEventDoesNotFailTheOthers()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inboxes = new List<Channel<object?>>();
        var armed = false;
        var schema = BuildSchema(Sdl, b =>
        {
            b.AddResolver("Subscription.shared", ctx =>
            {
                var inbox = new SharedInbox(ctx.Argument<string>("key")!);
                inboxes.Add(inbox.Channel);
                return inbox;
            });
            b.AddResolver("Email.subject", async ctx =>
            {
                if (armed && entered.TrySetResult())
                {
                    // The first (executing) subscription waits here until it is cancelled.
                    await gate.Task.WaitAsync(ctx.CancellationToken);
                }

                return ((Email)ctx.Parent!).Subject;
            });
        });

        using var cancelFirst = new CancellationTokenSource();
        var executing = Executor.SubscribeAsync(new ExecutionRequest { Schema = schema, Document = SharedQuery, VariableValues = Vars("""{ "key": "k" }""") }, cancelFirst.Token).GetAsyncEnumerator();
        var waiting = Executor.SubscribeAsync(new ExecutionRequest { Schema = schema, Document = SharedQuery, VariableValues = Vars("""{ "key": "k" }""") }).GetAsyncEnumerator();
        var executingFirst = executing.MoveNextAsync().AsTask();
        var waitingFirst = waiting.MoveNextAsync().AsTask();
        while (inboxes.Count < 2)
        {
            await Task.Delay(10);
        }

        // First events (never shared) pass the gate: the resolver only blocks once 'armed' is set.
        foreach (var inbox in inboxes)
        {
            await inbox.Writer.WriteAsync(new Email("initial@example.com", "initial"));
        }

        Assert.True(await executingFirst);
        Assert.True(await waitingFirst);
        armed = true;

        var executingMoved = executing.MoveNextAsync().AsTask();
        var email = new Email("a@example.com", "hello");
        await inboxes[0].Writer.WriteAsync(email);
        await entered.Task;

        var waitingMoved = waiting.MoveNextAsync().AsTask();
        await inboxes[1].Writer.WriteAsync(email);
        await cancelFirst.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executingMoved);

        Assert.True(await waitingMoved.WaitAsync(TimeSpan.FromSeconds(10)));
        AssertJson("""{ "data": { "shared": { "from": "a@example.com", "subject": "hello" } } }""", waiting.Current);
        await waiting.DisposeAsync();
    }
}
