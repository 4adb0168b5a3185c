using CrowNest.GraphQL.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.GraphQL.Tests.Transport;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task ConfigureSchemaAndModifyOptionsBuildTheExecutor()
    {
        var services = new ServiceCollection();
        services.AddGraphQL()
            .ConfigureSchema(b => b.AddTypeDefinitions("type Query { greeting: String }"))
            .ConfigureSchema(b => b.UseDefaultResolvers())
            .ModifyOptions(o => o with { RootValue = new Dictionary<string, object?> { ["greeting"] = "hi" } })
            .ModifyLimits(l => l with { MaxDepth = 3 });

        // A second AddGraphQL() extends the same configuration instead of starting over.
        services.AddGraphQL().ModifyLimits(l => l with { MaxAliases = 1 });

        await using var provider = services.BuildServiceProvider();
        var executor = provider.GetRequiredService<RequestExecutor>();
        Assert.Same(executor, provider.GetRequiredService<RequestExecutor>());
        Assert.Equal(3, executor.Options.Limits.MaxDepth);
        Assert.Equal(1, executor.Options.Limits.MaxAliases);
        Assert.Equal(TrustedDocumentsMode.Off, executor.Options.TrustedDocuments);

        var result = await executor.ExecuteAsync(new GraphQLRequest { Query = "{ greeting }" }, TestContext.Current.CancellationToken);
        Assert.Equal("""{"data":{"greeting":"hi"}}""", ResultWriter.ToJson(result));
        Assert.Same(executor, provider.GetRequiredService<GraphQLHttpHandler>().Executor);
    }

    [Fact]
    public void DefaultsAreRegisteredWithTryAddSoHostsCanReplaceThem()
    {
        var services = new ServiceCollection();
        var custom = new GraphQLOptions { DocumentCacheSize = 7 };
        services.AddSingleton(custom);
        services.AddGraphQL().AddSchema(_ => TransportTestSchema.Create());
        using var provider = services.BuildServiceProvider();
        Assert.Same(custom, provider.GetRequiredService<RequestExecutor>().Options);
    }

    [Fact]
    public void MissingSchemaFailsWithAClearMessage()
    {
        var services = new ServiceCollection();
        services.AddGraphQL();
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<RequestExecutor>());
        Assert.Contains("AddSchema", error.Message);
    }

    [Fact]
    public void TrustedDocumentsSwitchOnStrictMode()
    {
        var services = new ServiceCollection();
        services.AddGraphQL().AddSchema(_ => TransportTestSchema.Create()).AddTrustedDocuments(["{ hello }"]);
        using var provider = services.BuildServiceProvider();
        Assert.Equal(TrustedDocumentsMode.Strict, provider.GetRequiredService<RequestExecutor>().Options.TrustedDocuments);
        Assert.IsType<InMemoryTrustedDocumentStore>(provider.GetRequiredService<ITrustedDocumentStore>());
    }
}
