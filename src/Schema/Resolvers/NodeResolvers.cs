using System.Collections;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Types;
using CrowNest.Platform;

namespace CrowNest.Schema.Resolvers;

/// <summary>Loads a visible object by ID; a NotFound error becomes null.</summary>
internal delegate Task<Result<object>> NodeLoader(IResolverContext context, string id, CancellationToken ct);

/// <summary>Node loaders by ID prefix (<c>app</c>, <c>ws</c>, ...); each <c>Node</c> type adds its own.</summary>
internal sealed class NodeRegistry
{
    private readonly Dictionary<string, NodeLoader> _loaders = new(StringComparer.Ordinal);

    public void Add(string prefix, NodeLoader loader) => _loaders.Add(prefix, loader);

    public NodeLoader? Find(string id)
    {
        var separator = id.IndexOf('_', StringComparison.Ordinal);
        return separator > 0 && _loaders.TryGetValue(id[..separator], out var loader) ? loader : null;
    }
}

/// <summary><c>Query.node</c>/<c>nodes</c>: absent, malformed and invisible IDs are all null (no existence leaks).</summary>
internal static class NodeResolvers
{
    public static void Register(SchemaBuilder builder, NodeRegistry registry)
    {
        builder.AddResolver("Query.node", async ctx => await LoadAsync(ctx, registry, (string)ctx.Arguments["id"]!));
        builder.AddResolver("Query.nodes", async ctx =>
        {
            var results = new List<object?>();
            foreach (var id in (IEnumerable)ctx.Arguments["ids"]!)
            {
                // Sequential on purpose: loaders share the request's DbContext, which is not thread-safe.
                results.Add(await LoadAsync(ctx, registry, (string)id));
            }

            return results;
        });
    }

    private static async Task<object?> LoadAsync(IResolverContext ctx, NodeRegistry registry, string id)
    {
        if (registry.Find(id) is not { } loader)
        {
            return null;
        }

        var (value, error) = await loader(ctx, id, ctx.CancellationToken);
        return error switch
        {
            null => value,
            { Kind: ErrorKind.NotFound } => null,
            _ => throw ErrorHelper.From(error),
        };
    }
}
