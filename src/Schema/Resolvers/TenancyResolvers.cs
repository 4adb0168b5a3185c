using CrowNest.GraphQL.Types;
using CrowNest.Platform;
using CrowNest.Platform.Auth;
using CrowNest.Platform.Data;
using CrowNest.Platform.Tenancy;

namespace CrowNest.Schema.Resolvers;

/// <summary>Organizations, workspaces, members and API keys through <see cref="TenancyService"/> (like REST /api/workspaces).</summary>
internal static class TenancyResolvers
{
    public static void Register(SchemaBuilder builder, NodeRegistry nodes)
    {
        builder.BindObject<User>("User");
        builder.BindObject<Organization>("Organization");
        builder.BindObject<WorkspaceInfo>("Workspace");
        builder.BindObject<ApiKey>("ApiKey");
        builder.BindObject<CreatedApiKey>("CreateApiKeyPayload");
        builder.BindObject<CreatedOrganization>("CreateOrganizationPayload");
        builder.BindInputObject<CreateOrganizationInput>("CreateOrganizationInput");
        builder.BindInputObject<CreateWorkspaceInput>("CreateWorkspaceInput");
        builder.BindInputObject<AddOrganizationMemberInput>("AddOrganizationMemberInput");
        builder.BindInputObject<AddWorkspaceMemberInput>("AddWorkspaceMemberInput");
        builder.BindInputObject<CreateApiKeyInput>("CreateApiKeyInput");
        builder.BindObject<MemberInfo>("OrganizationMember");
        builder.AddResolver("OrganizationMember.organizationId", ctx => ((MemberInfo)ctx.Parent!).TargetId);
        builder.AddResolver("WorkspaceMember.workspaceId", ctx => ((MemberInfo)ctx.Parent!).TargetId);
        builder.AddResolver("WorkspaceMember.user", ctx => ((MemberInfo)ctx.Parent!).User);
        builder.AddResolver("WorkspaceMember.role", ctx => ((MemberInfo)ctx.Parent!).Role);
        builder.AddResolver("WorkspaceMember.createdAt", ctx => ((MemberInfo)ctx.Parent!).CreatedAt);

        builder.AddResolver("Viewer.user", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<TenancyService>().RunAsync(t => t.GetUserAsync((Caller)ctx.Parent!, ctx.CancellationToken))));
        builder.AddResolver("Viewer.organization", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<TenancyService>().RunAsync(t => t.GetOrganizationAsync((Caller)ctx.Parent!, null, ctx.CancellationToken))));
        builder.AddResolver("Viewer.workspaces", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<TenancyService>().RunAsync(t => t.ListWorkspacesAsync((Caller)ctx.Parent!, ctx.CancellationToken))));

        nodes.Add(PrefixedId.Workspace, async (ctx, id, ct) =>
        {
            var (ws, error) = await ctx.Scoped<TenancyService>().RunAsync(t => t.GetWorkspaceAsync(ctx.Caller(), id, ct));
            return error is null ? ws! : error;
        });
        nodes.Add(PrefixedId.Organization, async (ctx, id, ct) =>
        {
            var (org, error) = await ctx.Scoped<TenancyService>().RunAsync(t => t.GetOrganizationAsync(ctx.Caller(), id, ct));
            return error is null ? org! : error;
        });

        builder.AddResolver("Query.workspace", async ctx =>
        {
            var (ws, error) = await ctx.Scoped<TenancyService>().RunAsync(t => t.GetWorkspaceAsync(ctx.Caller(), (string)ctx.Arguments["id"]!, ctx.CancellationToken));
            return error switch
            {
                null => ws,
                { Kind: ErrorKind.NotFound } => null,
                _ => throw ErrorHelper.From(error),
            };
        });
        builder.AddResolver("Query.apiKeys", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<TenancyService>().RunAsync(t => t.ListApiKeysAsync(ctx.Caller(), ctx.CancellationToken))));

        builder.AddResolver("Mutation.createOrganization", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<TenancyService>().RunAsync(t => t.CreateOrganizationAsync(ctx.Caller(), (CreateOrganizationInput)ctx.Arguments["input"]!, ctx.CancellationToken))));
        builder.AddResolver("Mutation.createWorkspace", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<TenancyService>().RunAsync(t => t.CreateWorkspaceAsync(ctx.Caller(), (CreateWorkspaceInput)ctx.Arguments["input"]!, ctx.CancellationToken))));
        builder.AddResolver("Mutation.addOrganizationMember", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<TenancyService>().RunAsync(t => t.AddOrganizationMemberAsync(ctx.Caller(), (AddOrganizationMemberInput)ctx.Arguments["input"]!, ctx.CancellationToken))));
        builder.AddResolver("Mutation.addWorkspaceMember", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<TenancyService>().RunAsync(t => t.AddWorkspaceMemberAsync(ctx.Caller(), (AddWorkspaceMemberInput)ctx.Arguments["input"]!, ctx.CancellationToken))));
        builder.AddResolver("Mutation.createApiKey", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<TenancyService>().RunAsync(t => t.CreateApiKeyAsync(ctx.Caller(), (CreateApiKeyInput)ctx.Arguments["input"]!, ctx.CancellationToken))));
        builder.AddResolver("Mutation.revokeApiKey", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<TenancyService>().RunAsync(t => t.RevokeApiKeyAsync(ctx.Caller(), (string)ctx.Arguments["id"]!, ctx.CancellationToken))));
    }
}
