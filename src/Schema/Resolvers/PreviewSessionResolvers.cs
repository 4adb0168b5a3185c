using System.Text.Json;
using CrowNest.GraphQL.Types;
using CrowNest.Platform;
using CrowNest.Platform.PreviewSessions;

namespace CrowNest.Schema.Resolvers;

/// <summary><c>AppPreviewSession</c>, its query and mutations, through <see cref="PreviewSessionService"/> like REST.</summary>
internal static class PreviewSessionResolvers
{
    public static void Register(SchemaBuilder builder, NodeRegistry nodes)
    {
        builder.BindObject<AppPreviewSession>("AppPreviewSession");
        builder.AddResolver("AppPreviewSession.metadata", ctx => ParseMetadata(((AppPreviewSession)ctx.Parent!).Metadata));

        nodes.Add(AppPreviewSession.IdPrefix, async (ctx, id, ct) =>
        {
            var (session, error) = await ctx.Scoped<PreviewSessionService>().RunAsync(s => s.GetAsync(ctx.Caller(), id, ct));
            return error is null ? session! : error;
        });
        builder.AddResolver("Query.appPreviewSession", async ctx =>
        {
            var (session, error) = await ctx.Scoped<PreviewSessionService>().RunAsync(s => s.GetAsync(ctx.Caller(), (string)ctx.Arguments["id"]!, ctx.CancellationToken));
            return error switch
            {
                null => session,
                { Kind: ErrorKind.NotFound } => null,
                _ => throw ErrorHelper.From(error),
            };
        });
        builder.AddResolver("Mutation.startAppPreviewSession", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<PreviewSessionService>().RunAsync(s => s.StartAsync(ctx.Caller(), (string)ctx.Arguments["appVersionId"]!, ctx.CancellationToken))).Session);
        builder.AddResolver("Mutation.keepAppPreviewSessionAlive", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<PreviewSessionService>().RunAsync(s => s.KeepAliveAsync(ctx.Caller(), (string)ctx.Arguments["id"]!, ctx.CancellationToken))));
        builder.AddResolver("Mutation.stopAppPreviewSession", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<PreviewSessionService>().RunAsync(s => s.StopAsync(ctx.Caller(), (string)ctx.Arguments["id"]!, ctx.CancellationToken))));
    }

    private static object? ParseMetadata(string? metadata)
    {
        if (metadata is null)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(metadata);
        return doc.RootElement.Clone();
    }
}
