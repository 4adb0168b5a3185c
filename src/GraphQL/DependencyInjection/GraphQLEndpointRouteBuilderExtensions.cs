using CrowNest.GraphQL.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the GraphQL over HTTP endpoint.</summary>
public static class GraphQLEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps GraphQL over HTTP (GET and POST), GraphQL over WebSocket (<c>graphql-transport-ws</c>) and GraphQL over SSE
    /// (<c>Accept: text/event-stream</c>) at <paramref name="pattern"/>, and GraphiQL (a browser GET of the same path,
    /// assets under <c>{pattern}/graphiql/*</c>). The returned builder applies conventions (e.g. <c>RequireAuthorization()</c>)
    /// to both endpoints.
    /// </summary>
    public static IEndpointConventionBuilder MapGraphQL(this IEndpointRouteBuilder endpoints, string pattern = "/graphql")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var handler = endpoints.ServiceProvider.GetRequiredService<GraphQLHttpHandler>();
        var trimmed = pattern.TrimEnd('/');
        var graphql = endpoints.Map(pattern, SubscriptionTransports.Dispatch(endpoints.ServiceProvider, handler.HandleAsync)).WithDisplayName("GraphQL " + pattern);
        var assets = endpoints.MapGet(trimmed + "/graphiql/{file}", (HttpContext context) =>
            GraphiQL.WriteAssetAsync(context, context.Request.RouteValues["file"] as string)).WithDisplayName("GraphiQL assets " + pattern);
        return new CompositeConventionBuilder(graphql, assets);
    }

    private sealed class CompositeConventionBuilder(params IEndpointConventionBuilder[] builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
