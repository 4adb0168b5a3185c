using CrowNest.GraphQL.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>DI entry point of CrowNest.GraphQL.</summary>
public static class GraphQLServiceCollectionExtensions
{
    /// <summary>
    /// Registers the GraphQL request pipeline (<see cref="RequestExecutor"/>), its options and the HTTP handler, with
    /// defaults registered through <c>TryAdd*</c>. Configure the schema with <see cref="GraphQLBuilder.AddSchema"/> or
    /// <see cref="GraphQLBuilder.ConfigureSchema(Action{CrowNest.GraphQL.Types.SchemaBuilder})"/>; map the endpoint with
    /// <c>app.MapGraphQL("/graphql")</c>.
    /// </summary>
    public static GraphQLBuilder AddGraphQL(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var setup = services.FirstOrDefault(d => d.ServiceType == typeof(GraphQLSetup))?.ImplementationInstance as GraphQLSetup;
        if (setup is null)
        {
            setup = new GraphQLSetup();
            services.AddSingleton(setup);
        }

        services.TryAddSingleton(sp => sp.GetRequiredService<GraphQLSetup>().BuildOptions(sp));
        services.TryAddSingleton(sp => sp.GetRequiredService<GraphQLSetup>().BuildSchema(sp));
        services.TryAddSingleton(sp => new RequestExecutor(
            sp.GetRequiredService<CrowNest.GraphQL.Types.Schema>(),
            sp.GetRequiredService<GraphQLOptions>(),
            sp.GetService<ITrustedDocumentStore>()));
        services.TryAddSingleton<GraphQLHttpHandler>();
        services.TryAddSingleton<CrowNest.GraphQL.Transport.WebSockets.GraphQLWebSocketHandler>();
        services.TryAddSingleton<CrowNest.GraphQL.Transport.Sse.GraphQLSseHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.AspNetCore.Routing.MatcherPolicy, CrowNest.GraphQL.Transport.WebSockets.GraphQLWebSocketMatcherPolicy>());
        return new GraphQLBuilder(services, setup);
    }
}
