using CrowNest.Schema;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>DI entry point of CrowNest's GraphQL schema.</summary>
public static class CrowNestSchemaServiceCollectionExtensions
{
    /// <summary>Registers the GraphQL engine serving CrowNest's schema; the host supplies an <see cref="ICallerAccessor"/>.</summary>
    public static GraphQLBuilder AddCrowNestGraphQL(this IServiceCollection services) =>
        services.AddGraphQL().ConfigureSchema(builder => builder.AddCrowNestTypes());
}
