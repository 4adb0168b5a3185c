using CrowNest.GraphQL.Types;
using CrowNest.Platform.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Schema.Resolvers;

/// <summary>Resolvers of <c>Query.viewer</c>, <c>Query.version</c> and the <c>Viewer</c> type.</summary>
internal static class ViewerResolvers
{
    public static void Register(SchemaBuilder builder)
    {
        builder.BindObject<Caller>("Viewer");
        builder.AddResolver("Query.viewer", ctx =>
            ctx.Services.GetService<ICallerAccessor>()?.Current ?? throw ErrorHelper.Unauthorized());
        builder.AddResolver("Query.version", _ => CrowNestSchema.Version);
    }
}
