using System.Text.Json;
using CrowNest.GraphQL.Types;
using CrowNest.Platform;
using CrowNest.Platform.Apps;
using CrowNest.Platform.Data;

namespace CrowNest.Schema.Resolvers;

/// <summary>The <c>App</c> type, <c>Query.app</c> and app mutations, all through <see cref="AppService"/> like REST.</summary>
internal static class AppResolvers
{
    public static void Register(SchemaBuilder builder, NodeRegistry nodes)
    {
        builder.BindObject<App>("App");
        builder.BindInputObject<CreateAppInput>("CreateAppInput");
        builder.AddResolver("App.config", ctx =>
        {
            using var config = JsonDocument.Parse(((App)ctx.Parent!).Config);
            return config.RootElement.Clone();
        });

        nodes.Add(PrefixedId.App, async (ctx, id, ct) =>
        {
            var (app, error) = await ctx.Service<AppService>().GetAsync(ctx.Caller(), id, ct);
            return error is null ? app! : error;
        });
        builder.AddResolver("Query.app", async ctx =>
        {
            var (app, error) = await ctx.Service<AppService>().GetAsync(ctx.Caller(), (string)ctx.Arguments["id"]!, ctx.CancellationToken);
            return error switch
            {
                null => app,
                { Kind: ErrorKind.NotFound } => null,
                _ => throw ErrorHelper.From(error),
            };
        });
        builder.AddResolver("Mutation.createApp", async ctx =>
            ErrorHelper.Unwrap(await ctx.Service<AppService>().CreateAsync(ctx.Caller(), (CreateAppInput)ctx.Arguments["input"]!, ctx.CancellationToken)));
    }
}
