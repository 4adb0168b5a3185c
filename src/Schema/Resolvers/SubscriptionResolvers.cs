using CrowNest.GraphQL.Types;
using CrowNest.Platform.PreviewSessions;
using Microsoft.Extensions.DependencyInjection;

namespace CrowNest.Schema.Resolvers;

/// <summary><c>type Subscription</c>: each field is a <see cref="LiveQuery"/> over the topic its area publishes on.</summary>
internal static class SubscriptionResolvers
{
    /// <summary>Topics; the publishing areas use the same strings (e.g. the server's <c>PreviewSessionTopics</c>).</summary>
    public static class Topics
    {
        public static string AppPreviewSession(string id) => $"appPreviewSession:{id}";
    }

    public static void Register(SchemaBuilder builder)
    {
        builder.AddResolver("Subscription.appPreviewSessionUpdated", async ctx =>
        {
            var id = (string)ctx.Arguments["id"]!;
            return await LiveQuery.StreamAsync(ctx, Topics.AppPreviewSession(id), (services, caller, ct) =>
                services.GetRequiredService<PreviewSessionService>().GetAsync(caller, id, ct));
        });
    }
}
