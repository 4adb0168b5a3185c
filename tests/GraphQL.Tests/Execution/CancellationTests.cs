using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Request cancellation propagates; the execution timeout ends execution with a TIMEOUT error.</summary>
public sealed class CancellationTests
{
    private static readonly TaskCompletionSource<object?> Never = new();

    private static readonly Schema TestSchema = BuildSchema("type Query { fast: String slow: String ignoresToken: String ownCancel: String }", b =>
    {
        b.AddResolver("Query.fast", _ => "fast");
        b.AddResolver("Query.slow", async ctx =>
        {
            await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
            return "slow";
        });
        b.AddResolver("Query.ignoresToken", async _ => await Never.Task);
        b.AddResolver("Query.ownCancel", _ => throw new OperationCanceledException("not the request's"));
    });

    private static ValueTask<ExecutionResult> Run(string query, CancellationToken token = default, TimeSpan? timeout = null) =>
        Executor.ExecuteAsync(new ExecutionRequest
        {
            Schema = TestSchema,
            Document = Parser.Parse(query),
            CancellationToken = token,
            Timeout = timeout,
        });

    [Fact]
    public async Task AlreadyCancelledRequestThrows()
    {
        using var source = new CancellationTokenSource();
        await source.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Run("{ fast }", source.Token));
    }

    [Fact]
    public async Task CancellationDuringExecutionPropagates()
    {
        using var source = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Run("{ fast slow }", source.Token));
        Assert.Equal(source.Token, exception.CancellationToken);
    }

    [Fact]
    public async Task CancellationEndsWaitingEvenWhenResolversIgnoreTheToken()
    {
        using var source = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Run("{ ignoresToken }", source.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("{ fast slow }")]
    [InlineData("{ fast ignoresToken }")]
    public async Task TimeoutEndsExecutionWithATimeoutError(string query)
    {
        var result = await Run(query, timeout: TimeSpan.FromMilliseconds(50)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var error = Assert.Single(result.Errors!);
        Assert.Equal(ErrorCodes.Timeout, error.Code);
        Assert.Equal("Execution timed out after 50 ms.", error.Message);
        Assert.True(result.HasData);
        Assert.Null(result.Data);
    }

    [Fact]
    public async Task FastExecutionWithTimeoutIsUnaffected()
    {
        var result = await Run("{ fast }", timeout: TimeSpan.FromSeconds(30));
        AssertJson("""{ "data": { "fast": "fast" } }""", result);
    }

    [Fact]
    public async Task ResolverCancellationUnrelatedToTheRequestIsAFieldError()
    {
        var result = await Run("{ fast ownCancel }");
        AssertJson("""
            { "data": { "fast": "fast", "ownCancel": null },
              "errors": [ { "message": "Unexpected error.", "locations": [ { "line": 1, "column": 8 } ], "path": ["ownCancel"], "extensions": { "code": "INTERNAL_SERVER_ERROR" } } ] }
            """, result);
    }
}
