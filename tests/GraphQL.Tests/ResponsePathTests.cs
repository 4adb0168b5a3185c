using CrowNest.GraphQL.Execution;

namespace CrowNest.GraphQL.Tests;

public sealed class ResponsePathTests
{
    [Fact]
    public void ToListReturnsKeysFromRoot()
    {
        var path = ResponsePath.Root("books").Append(2).Append("author");
        Assert.Equal(new object[] { "books", 2, "author" }, path.ToList());
    }
}
