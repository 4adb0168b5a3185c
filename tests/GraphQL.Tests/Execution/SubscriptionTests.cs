using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Subscriptions (after graphql-js <c>subscribe-test.ts</c>): source stream from the root field, one result per event.</summary>
public sealed class SubscriptionTests
{
    public sealed record Email(string From, string Subject, bool Unread);

    private const string Sdl = """
        type Email { from: String subject: String unread: Boolean }
        type Query { ping: String }
        type Subscription { importantEmail(priority: Int = 1): Email countdown(from: Int!): Int! broken: Email }
        """;

    private static async IAsyncEnumerable<int> Countdown(int from, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = from; i >= 0; i--)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return i;
        }
    }

    private static Schema CreateSchema(Channel<object?> inbox) => BuildSchema(Sdl, b =>
    {
        b.AddResolver("Subscription.importantEmail", ctx =>
        {
            Assert.Equal(1, ctx.Argument<int>("priority"));
            return inbox.Reader.ReadAllAsync();
        });
        b.AddResolver("Subscription.countdown", ctx => Countdown(ctx.Argument<int>("from")));
        b.AddResolver("Subscription.broken", _ => "not a stream");
        b.AddResolver("Email.subject", async ctx =>
        {
            await Task.Yield();
            var email = (Email)ctx.Parent!;
            return email.Subject == "boom" ? throw new GraphQLException("bad subject") : email.Subject;
        });
    });

    private static IAsyncEnumerable<ExecutionResult> Subscribe(Schema schema, string query, string? variables = null, CancellationToken token = default) =>
        Executor.SubscribeAsync(new ExecutionRequest
        {
            Schema = schema,
            Document = Parser.Parse(query),
            VariableValues = variables is null ? null : Vars(variables),
        }, token);

    [Fact]
    public async Task EachEventIsExecutedAgainstTheSelectionSet()
    {
        var inbox = Channel.CreateUnbounded<object?>();
        var schema = CreateSchema(inbox);
        await inbox.Writer.WriteAsync(new Email("yuzhi@graphql.org", "Alright", true));
        await inbox.Writer.WriteAsync(new Email("hyo@graphql.org", "boom", false));
        await inbox.Writer.WriteAsync(null);
        inbox.Writer.Complete();

        var results = new List<ExecutionResult>();
        await foreach (var result in Subscribe(schema, "subscription { importantEmail { from subject } __typename }"))
        {
            results.Add(result);
        }

        Assert.Equal(3, results.Count);
        AssertJson("""{ "data": { "importantEmail": { "from": "yuzhi@graphql.org", "subject": "Alright" }, "__typename": "Subscription" } }""", results[0]);
        AssertJson("""
            { "data": { "importantEmail": { "from": "hyo@graphql.org", "subject": null }, "__typename": "Subscription" },
              "errors": [ { "message": "bad subject", "locations": [ { "line": 1, "column": 38 } ], "path": ["importantEmail", "subject"] } ] }
            """, results[1]);
        AssertJson("""{ "data": { "importantEmail": null, "__typename": "Subscription" } }""", results[2]);
    }

    [Fact]
    public async Task TypedStreamsAndNonNullEventsWork()
    {
        var schema = CreateSchema(Channel.CreateUnbounded<object?>());
        var values = new List<string>();
        await foreach (var result in Subscribe(schema, "subscription ($from: Int!) { countdown(from: $from) }", """{ "from": 2 }"""))
        {
            values.Add(DataJson(result));
        }

        Assert.Equal(["""{"countdown":2}""", """{"countdown":1}""", """{"countdown":0}"""], values);
    }

    [Fact]
    public async Task SourceStreamErrorsAreSingleResultsWithoutData()
    {
        var schema = CreateSchema(Channel.CreateUnbounded<object?>());
        var broken = await Single(Subscribe(schema, "subscription { broken { from } }"));
        Assert.False(broken.HasData);
        AssertJson("""
            { "errors": [ { "message": "Subscription field must return AsyncIterable. Received: \"not a stream\".", "locations": [ { "line": 1, "column": 16 } ], "path": ["broken"] } ] }
            """, broken);

        var badVariables = await Single(Subscribe(schema, "subscription ($from: Int!) { countdown(from: $from) }", "{}"));
        AssertJson("""{ "errors": [ { "message": "Variable \"$from\" of required type \"Int!\" was not provided.", "locations": [ { "line": 1, "column": 15 } ] } ] }""", badVariables);

        var noSubscriptionType = BuildSchema("type Query { ping: String }");
        var unsupported = await Single(Subscribe(noSubscriptionType, "subscription { ping }"));
        Assert.Equal("Schema is not configured to execute subscription operation.", unsupported.Errors![0].Message);
    }

    [Fact]
    public async Task QueriesThroughSubscribeYieldOneResult()
    {
        var schema = BuildSchema(Sdl, b => b.AddResolver("Query.ping", _ => "pong"));
        AssertJson("""{ "data": { "ping": "pong" } }""", await Single(Subscribe(schema, "{ ping }")));
    }

    [Fact]
    public async Task CancellationEndsTheSubscription()
    {
        var inbox = Channel.CreateUnbounded<object?>();
        var schema = CreateSchema(inbox);
        using var source = new CancellationTokenSource();
        await inbox.Writer.WriteAsync(new Email("a", "first", true));
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var result in Subscribe(schema, "subscription { importantEmail { from } }", token: source.Token))
            {
                received++;
                await source.CancelAsync();
            }
        });
        Assert.Equal(1, received);
    }

    private static async Task<ExecutionResult> Single(IAsyncEnumerable<ExecutionResult> results)
    {
        var list = new List<ExecutionResult>();
        await foreach (var result in results)
        {
            list.Add(result);
        }

        return Assert.Single(list);
    }
}
