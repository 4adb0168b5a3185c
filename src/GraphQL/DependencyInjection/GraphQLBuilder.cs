using CrowNest.GraphQL.Transport;
using CrowNest.GraphQL.Types;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the GraphQL server registered by <c>AddGraphQL()</c>.</summary>
public sealed class GraphQLBuilder
{
    private readonly GraphQLSetup _setup;

    internal GraphQLBuilder(IServiceCollection services, GraphQLSetup setup)
    {
        Services = services;
        _setup = setup;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Uses a schema built by <paramref name="factory"/> (called once, when the pipeline is first needed).</summary>
    public GraphQLBuilder AddSchema(Func<IServiceProvider, Schema> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _setup.SchemaFactory = factory;
        return this;
    }

    /// <summary>Adds a step configuring the <see cref="SchemaBuilder"/> the schema is built with (steps run in order).</summary>
    public GraphQLBuilder ConfigureSchema(Action<SchemaBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _setup.SchemaSteps.Add((_, builder) => configure(builder));
        return this;
    }

    /// <summary>Adds a step configuring the <see cref="SchemaBuilder"/> with access to services.</summary>
    public GraphQLBuilder ConfigureSchema(Action<IServiceProvider, SchemaBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _setup.SchemaSteps.Add(configure);
        return this;
    }

    /// <summary>Changes options, e.g. <c>o =&gt; o with { Limits = o.Limits with { MaxDepth = 10 } }</c>. Steps run in order.</summary>
    public GraphQLBuilder ModifyOptions(Func<GraphQLOptions, GraphQLOptions> modify)
    {
        ArgumentNullException.ThrowIfNull(modify);
        _setup.OptionSteps.Add((_, options) => modify(options));
        return this;
    }

    /// <summary>Changes options with access to services.</summary>
    public GraphQLBuilder ModifyOptions(Func<IServiceProvider, GraphQLOptions, GraphQLOptions> modify)
    {
        ArgumentNullException.ThrowIfNull(modify);
        _setup.OptionSteps.Add(modify);
        return this;
    }

    /// <summary>Changes the safety limits.</summary>
    public GraphQLBuilder ModifyLimits(Func<GraphQLLimits, GraphQLLimits> modify)
    {
        ArgumentNullException.ThrowIfNull(modify);
        return ModifyOptions(o => o with { Limits = modify(o.Limits) });
    }

    /// <summary>
    /// Enables trusted documents: the given documents are addressable by their sha256 hex id (<c>documentId</c> or
    /// <c>extensions.persistedQuery.sha256Hash</c>). With <paramref name="strict"/> (default) arbitrary query text is refused.
    /// </summary>
    public GraphQLBuilder AddTrustedDocuments(IEnumerable<string> documents, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var store = new InMemoryTrustedDocumentStore(documents);
        return AddTrustedDocuments(_ => store, strict);
    }

    /// <summary>Enables trusted documents backed by a custom store.</summary>
    public GraphQLBuilder AddTrustedDocuments(Func<IServiceProvider, ITrustedDocumentStore> factory, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<ITrustedDocumentStore>();
        Services.AddSingleton(factory);
        var mode = strict ? TrustedDocumentsMode.Strict : TrustedDocumentsMode.Allow;
        return ModifyOptions(o => o with { TrustedDocuments = mode });
    }

    /// <summary>
    /// Registers the <see cref="CrowNest.GraphQL.Transport.WebSockets.IGraphQLWebSocketInterceptor"/> that authenticates
    /// WebSocket connections from their <c>connection_init</c> payload (scoped: resolved from the connection's services).
    /// </summary>
    public GraphQLBuilder AddWebSocketInterceptor<TInterceptor>()
        where TInterceptor : class, CrowNest.GraphQL.Transport.WebSockets.IGraphQLWebSocketInterceptor
    {
        Services.RemoveAll<CrowNest.GraphQL.Transport.WebSockets.IGraphQLWebSocketInterceptor>();
        Services.AddScoped<CrowNest.GraphQL.Transport.WebSockets.IGraphQLWebSocketInterceptor, TInterceptor>();
        return this;
    }

    /// <summary>Registers a WebSocket connection interceptor created by <paramref name="factory"/> (scoped).</summary>
    public GraphQLBuilder AddWebSocketInterceptor(Func<IServiceProvider, CrowNest.GraphQL.Transport.WebSockets.IGraphQLWebSocketInterceptor> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAll<CrowNest.GraphQL.Transport.WebSockets.IGraphQLWebSocketInterceptor>();
        Services.AddScoped(factory);
        return this;
    }
}

/// <summary>The accumulated <see cref="GraphQLBuilder"/> configuration (one per service collection).</summary>
internal sealed class GraphQLSetup
{
    public Func<IServiceProvider, Schema>? SchemaFactory { get; set; }

    public List<Action<IServiceProvider, SchemaBuilder>> SchemaSteps { get; } = [];

    public List<Func<IServiceProvider, GraphQLOptions, GraphQLOptions>> OptionSteps { get; } = [];

    public GraphQLOptions BuildOptions(IServiceProvider services)
    {
        var options = new GraphQLOptions();
        foreach (var step in OptionSteps)
        {
            options = step(services, options);
        }

        return options;
    }

    public Schema BuildSchema(IServiceProvider services)
    {
        if (SchemaFactory is not null)
        {
            return SchemaFactory(services);
        }

        if (SchemaSteps.Count == 0)
        {
            throw new InvalidOperationException("No GraphQL schema configured: call AddGraphQL().AddSchema(...) or .ConfigureSchema(...).");
        }

        var builder = new SchemaBuilder();
        foreach (var step in SchemaSteps)
        {
            step(services, builder);
        }

        return builder.Build();
    }
}
