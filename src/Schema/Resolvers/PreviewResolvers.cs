using CrowNest.GraphQL.Types;
using CrowNest.Platform.Data;
using CrowNest.Platform.Previews;
using CrowNest.Platform.Sandboxes;

namespace CrowNest.Schema.Resolvers;

/// <summary>
/// <c>Preview</c>, <c>PreviewAccessLink</c>, <c>Sandbox.previews</c> and the preview mutations, through
/// <see cref="PreviewService"/> and <see cref="PreviewAccessLinkService"/> like REST (same scopes, errors and links).
/// </summary>
internal static class PreviewResolvers
{
    private const int MaxPageSize = 100;

    public static void Register(SchemaBuilder builder, NodeRegistry nodes)
    {
        builder.BindObject<Preview>("Preview");
        builder.BindObject<PreviewAccessLink>("PreviewAccessLink");
        builder.BindObject<SandboxApiConnection<Preview>>("PreviewConnection");
        builder.BindObject<SandboxApiEdge<Preview>>("PreviewEdge");

        builder.AddResolver("Preview.orgId", ctx => ((Preview)ctx.Parent!).OrganizationId);
        builder.AddResolver("Preview.authMode", ctx => SandboxResolvers.EnumValue(((Preview)ctx.Parent!).AuthMode));
        builder.AddResolver("Preview.sandbox", async ctx =>
        {
            var preview = (Preview)ctx.Parent!;
            return ErrorHelper.Unwrap(await ctx.Scoped<SandboxService>().RunAsync(s => s.GetAsync(ctx.Caller(), preview.SandboxId, ctx.CancellationToken)));
        });
        builder.AddResolver("Sandbox.previews", async ctx =>
        {
            var sandbox = (Sandbox)ctx.Parent!;
            var first = ErrorHelper.Unwrap(SandboxResolvers.First(ctx, MaxPageSize));
            var page = ErrorHelper.Unwrap(await ctx.Scoped<PreviewService>().RunAsync(s => s.ListAsync(ctx.Caller(), sandbox.Id, first, SandboxResolvers.After(ctx), ctx.CancellationToken)));
            return SandboxResolvers.Connection(page, p => p.Id);
        });

        nodes.Add(PrefixedId.Preview, async (ctx, id, ct) =>
        {
            var (preview, error) = await ctx.Scoped<PreviewService>().RunAsync(s => s.GetAsync(ctx.Caller(), id, ct));
            return error is null ? preview! : error;
        });
        builder.AddResolver("Query.preview", async ctx =>
            SandboxResolvers.OrNull(await ctx.Scoped<PreviewService>().RunAsync(s => s.GetAsync(ctx.Caller(), SandboxResolvers.Id(ctx), ctx.CancellationToken))));

        builder.AddResolver("Mutation.createPreview", async ctx =>
        {
            var input = (IReadOnlyDictionary<string, object?>)ctx.Arguments["input"]!;
            // The enum spelling is accepted too, so clients may echo `Preview.authMode` back.
            var authMode = input.GetValueOrDefault("authMode") as string;
            var create = new CreatePreviewInput
            {
                Port = Convert.ToInt32(input["port"], System.Globalization.CultureInfo.InvariantCulture),
                AuthMode = authMode == "AUTHENTICATED" ? PreviewAuthModes.Authenticated : authMode,
                SourceCommandId = input.GetValueOrDefault("sourceCommandId") as string,
            };
            var created = ErrorHelper.Unwrap(await ctx.Scoped<PreviewService>().RunAsync(s => s.CreateAsync(ctx.Caller(), (string)input["sandboxId"]!, create, ctx.CancellationToken)));
            return created.Preview;
        });
        builder.AddResolver("Mutation.revokePreview", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<PreviewService>().RunAsync(s => s.RevokeAsync(ctx.Caller(), SandboxResolvers.Id(ctx), ctx.CancellationToken))));
        builder.AddResolver("Mutation.createPreviewAccessLink", async ctx =>
        {
            var seconds = ctx.Arguments.GetValueOrDefault("expiresInSeconds") is { } s ? Convert.ToInt32(s, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
            return ErrorHelper.Unwrap(await ctx.Scoped<PreviewAccessLinkService>().RunAsync(l => l.CreateAsync(ctx.Caller(), (string)ctx.Arguments["previewId"]!, seconds, ctx.CancellationToken)));
        });
    }
}
