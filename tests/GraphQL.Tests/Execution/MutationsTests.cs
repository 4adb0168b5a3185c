using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Types;
using static CrowNest.GraphQL.Tests.Execution.ExecutionTestHelper;

namespace CrowNest.GraphQL.Tests.Execution;

/// <summary>Port of graphql-js <c>src/execution/__tests__/mutations-test.ts</c>: serial execution of mutation root fields.</summary>
public sealed class MutationsTests
{
    private sealed class NumberHolder
    {
        public int TheNumber { get; set; }
    }

    private sealed class Root
    {
        public NumberHolder NumberHolder { get; } = new();

        public List<string> Log { get; } = [];
    }

    private static Schema CreateSchema() => BuildSchema("""
        type NumberHolder { theNumber: Int }
        type Query { numberHolder: NumberHolder }
        type Mutation {
          immediatelyChangeTheNumber(newNumber: Int): NumberHolder
          promiseToChangeTheNumber(newNumber: Int): NumberHolder
          failToChangeTheNumber(newNumber: Int): NumberHolder
          promiseAndFailToChangeTheNumber(newNumber: Int): NumberHolder
        }
        """, b =>
    {
        b.AddResolver("Mutation.immediatelyChangeTheNumber", ctx =>
        {
            var root = (Root)ctx.Parent!;
            root.NumberHolder.TheNumber = ctx.Argument<int>("newNumber");
            root.Log.Add("immediate " + root.NumberHolder.TheNumber);
            return root.NumberHolder;
        });
        b.AddResolver("Mutation.promiseToChangeTheNumber", async ctx =>
        {
            var root = (Root)ctx.Parent!;
            root.Log.Add("start " + ctx.Argument<int>("newNumber"));
            await Task.Delay(5);
            root.NumberHolder.TheNumber = ctx.Argument<int>("newNumber");
            root.Log.Add("end " + root.NumberHolder.TheNumber);
            return root.NumberHolder;
        });
        b.AddResolver("Mutation.failToChangeTheNumber", FieldResolverThrowing);
        b.AddResolver("Mutation.promiseAndFailToChangeTheNumber", async _ =>
        {
            await Task.Yield();
            throw new GraphQLException("Cannot change the number");
        });
    });

    private static ValueTask<object?> FieldResolverThrowing(IResolverContext context) => throw new GraphQLException("Cannot change the number");

    [Fact]
    public async Task EvaluatesMutationsSerially()
    {
        var root = new Root();
        var result = await ExecuteAsync(CreateSchema(), """
            mutation M {
              first: immediatelyChangeTheNumber(newNumber: 1) { theNumber }
              second: promiseToChangeTheNumber(newNumber: 2) { theNumber }
              third: immediatelyChangeTheNumber(newNumber: 3) { theNumber }
              fourth: promiseToChangeTheNumber(newNumber: 4) { theNumber }
              fifth: immediatelyChangeTheNumber(newNumber: 5) { theNumber }
            }
            """, root);
        AssertJson("""
            { "data": { "first": { "theNumber": 1 }, "second": { "theNumber": 2 }, "third": { "theNumber": 3 },
                        "fourth": { "theNumber": 4 }, "fifth": { "theNumber": 5 } } }
            """, result);
        Assert.Equal(["immediate 1", "start 2", "end 2", "immediate 3", "start 4", "end 4", "immediate 5"], root.Log);
    }

    [Fact]
    public async Task EvaluatesMutationsCorrectlyInThePresenceOfAFailedMutation()
    {
        var result = await ExecuteAsync(CreateSchema(), """
            mutation M {
              first: immediatelyChangeTheNumber(newNumber: 1) { theNumber }
              second: promiseToChangeTheNumber(newNumber: 2) { theNumber }
              third: failToChangeTheNumber(newNumber: 3) { theNumber }
              fourth: promiseToChangeTheNumber(newNumber: 4) { theNumber }
              fifth: immediatelyChangeTheNumber(newNumber: 5) { theNumber }
              sixth: promiseAndFailToChangeTheNumber(newNumber: 6) { theNumber }
            }
            """, new Root());
        AssertJson("""
            { "data": { "first": { "theNumber": 1 }, "second": { "theNumber": 2 }, "third": null,
                        "fourth": { "theNumber": 4 }, "fifth": { "theNumber": 5 }, "sixth": null },
              "errors": [
                { "message": "Cannot change the number", "locations": [ { "line": 4, "column": 3 } ], "path": ["third"] },
                { "message": "Cannot change the number", "locations": [ { "line": 7, "column": 3 } ], "path": ["sixth"] } ] }
            """, result);
    }

    [Fact]
    public async Task NonNullMutationFieldFailureNullsDataAndStopsLaterMutations()
    {
        var root = new Root();
        var schema = BuildSchema("""
            type NumberHolder { theNumber: Int }
            type Query { numberHolder: NumberHolder }
            type Mutation { change(newNumber: Int): NumberHolder fail: NumberHolder! }
            """, b =>
        {
            b.AddResolver("Mutation.change", ctx =>
            {
                var r = (Root)ctx.Parent!;
                r.NumberHolder.TheNumber = ctx.Argument<int>("newNumber");
                return r.NumberHolder;
            });
            b.AddResolver("Mutation.fail", _ => null);
        });

        var result = await ExecuteAsync(schema, "mutation { a: change(newNumber: 1) { theNumber } fail { theNumber } b: change(newNumber: 2) { theNumber } }", root);
        AssertJson("""
            { "data": null,
              "errors": [ { "message": "Cannot return null for non-nullable field Mutation.fail.", "locations": [ { "line": 1, "column": 50 } ], "path": ["fail"] } ] }
            """, result);
        Assert.Equal(1, root.NumberHolder.TheNumber);
    }
}
