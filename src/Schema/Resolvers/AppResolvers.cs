using System.Collections;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Types;
using CrowNest.Platform;
using CrowNest.Platform.Apps;
using CrowNest.Platform.Data;
using CrowNest.Platform.Querying;

namespace CrowNest.Schema.Resolvers;

/// <summary>Page of apps as the GraphQL connection types expect it.</summary>
internal sealed record AppConnection(IReadOnlyList<AppEdge> Edges, IReadOnlyList<App> Nodes, PageInfo PageInfo, int? TotalCount);

internal sealed record AppEdge(string Cursor, App Node);

internal sealed record PageInfo(bool HasNextPage, bool HasPreviousPage, string? StartCursor, string? EndCursor);

/// <summary>The <c>App</c> type, <c>Query.app</c>/<c>apps</c> and app mutations, all through <see cref="AppService"/> like REST.</summary>
internal static class AppResolvers
{
    private const int MaxPageSize = 100;

    public static void Register(SchemaBuilder builder, NodeRegistry nodes)
    {
        builder.AddTypeDefinitions(QueryInputs.CommonSdl());
        builder.AddTypeDefinitions(QueryInputs.EntitySdl(AppQueryDescriptor.Instance));
        builder.BindObject<App>("App");
        builder.BindObject<EnvVarView>("AppEnvVar");
        builder.BindObject<CrowNest.Platform.Apps.AppDomain>("AppDomain");
        builder.BindObject<AppConnection>("AppConnection");
        builder.BindObject<AppEdge>("AppEdge");
        builder.BindObject<PageInfo>("PageInfo");
        builder.BindInputObject<CreateAppInput>("CreateAppInput");
        builder.AddResolver("App.config", ctx =>
        {
            using var config = JsonDocument.Parse(((App)ctx.Parent!).Config);
            return config.RootElement.Clone();
        });
        builder.AddResolver("App.envVars", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.ListEnvAsync(ctx.Caller(), ((App)ctx.Parent!).Id, ctx.CancellationToken))));
        builder.AddResolver("App.domain", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.GetDomainAsync(ctx.Caller(), ((App)ctx.Parent!).Id, ctx.CancellationToken))));

        nodes.Add(PrefixedId.App, async (ctx, id, ct) =>
        {
            var (app, error) = await ctx.Scoped<AppService>().RunAsync(s => s.GetAsync(ctx.Caller(), id, ct));
            return error is null ? app! : error;
        });
        builder.AddResolver("Query.app", async ctx =>
        {
            var (app, error) = await ctx.Scoped<AppService>().RunAsync(s => s.GetAsync(ctx.Caller(), (string)ctx.Arguments["id"]!, ctx.CancellationToken));
            return error switch
            {
                null => app,
                { Kind: ErrorKind.NotFound } => null,
                _ => throw ErrorHelper.From(error),
            };
        });
        builder.AddResolver("Query.apps", async ctx =>
        {
            var query = ErrorHelper.Unwrap(ListQuery(ctx.Arguments, QueryInputs.Selects(ctx, "totalCount"))) with { Projection = SelectedColumns(ctx) };
            var page = ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.ListAsync(ctx.Caller(), query, ctx.CancellationToken)));
            // Every edge carries a cursor; skip encoding them when the selection has no edges.
            var edges = QueryInputs.Selects(ctx, "edges") ? page.Items.Select((app, i) => new AppEdge(page.Cursors[i], app)).ToList() : [];
            return new AppConnection(edges, page.Items, new PageInfo(page.HasNextPage, page.HasPreviousPage, page.StartCursor, page.EndCursor), (int?)page.Total);
        });

        builder.AddResolver("Mutation.createApp", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.CreateAsync(ctx.Caller(), (CreateAppInput)ctx.Arguments["input"]!, ctx.CancellationToken))));
        builder.AddResolver("Mutation.updateApp", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.UpdateAsync(ctx.Caller(), Id(ctx.Arguments), UpdateInput((IReadOnlyDictionary<string, object?>)ctx.Arguments["input"]!), ctx.CancellationToken))));
        builder.AddResolver("Mutation.deleteApp", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.DeleteAsync(ctx.Caller(), Id(ctx.Arguments), ctx.CancellationToken))));
        builder.AddResolver("Mutation.restoreApp", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.RestoreAsync(ctx.Caller(), Id(ctx.Arguments), ctx.CancellationToken))));
        builder.AddResolver("Mutation.purgeApp", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.PurgeAsync(ctx.Caller(), Id(ctx.Arguments), ctx.CancellationToken))));
        builder.AddResolver("Mutation.setAppEnvVar", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.SetEnvAsync(ctx.Caller(), AppId(ctx.Arguments), (string?)ctx.Arguments["name"], (string?)ctx.Arguments["value"],
                ctx.Arguments.TryGetValue("type", out var type) ? type?.ToString() : null, ctx.CancellationToken))));
        builder.AddResolver("Mutation.deleteAppEnvVar", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.DeleteEnvAsync(ctx.Caller(), AppId(ctx.Arguments), (string?)ctx.Arguments["name"], ctx.CancellationToken))));
        builder.AddResolver("Mutation.setAppDomain", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.SetDomainAsync(ctx.Caller(), AppId(ctx.Arguments), (string?)ctx.Arguments["hostname"], ctx.CancellationToken))));
        builder.AddResolver("Mutation.removeAppDomain", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.RemoveDomainAsync(ctx.Caller(), AppId(ctx.Arguments), ctx.CancellationToken))));
        builder.AddResolver("Mutation.verifyAppDomain", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<AppService>().RunAsync(s => s.VerifyDomainAsync(ctx.Caller(), AppId(ctx.Arguments), ctx.CancellationToken))));
    }

    /// <summary>
    /// App fields read straight from the property of the same name (the default resolver), or, for <c>config</c>, by a
    /// resolver that reads only <see cref="App.Config"/>: a listing that selects only these reads only their columns.
    /// </summary>
    private static readonly FrozenDictionary<string, string?> ColumnFields = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["__typename"] = null,
        ["id"] = nameof(App.Id),
        ["workspaceId"] = nameof(App.WorkspaceId),
        ["name"] = nameof(App.Name),
        ["description"] = nameof(App.Description),
        ["handle"] = nameof(App.Handle),
        ["defaultVersionId"] = nameof(App.DefaultVersionId),
        ["status"] = nameof(App.Status),
        ["publicAccess"] = nameof(App.PublicAccess),
        ["pagesProjectId"] = nameof(App.PagesProjectId),
        ["apiKeyId"] = nameof(App.ApiKeyId),
        ["config"] = nameof(App.Config),
        ["createdBy"] = nameof(App.CreatedBy),
        ["deletedAt"] = nameof(App.DeletedAt),
        ["retentionTier"] = nameof(App.RetentionTier),
        ["createdAt"] = nameof(App.CreatedAt),
        ["updatedAt"] = nameof(App.UpdatedAt),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Projection per <c>apps</c> field node (documents are cached, so their nodes repeat across requests).</summary>
    private static readonly ConditionalWeakTable<FieldNode, Projection?> Projections = [];

    /// <summary>
    /// The app properties the <c>apps</c> selection reads, or null (every column) when it selects any app field with a
    /// resolver of its own (env vars, domain, versions, …) or uses fragments anywhere apps are selected.
    /// </summary>
    internal static Projection? SelectedColumns(IResolverContext ctx)
    {
        if (ctx.FieldNodes is not [var field])
        {
            return null;
        }

        return Projections.GetValue(field, static node =>
        {
            var columns = new List<string>();
            foreach (var selection in node.SelectionSet?.Selections ?? [])
            {
                if (selection is not FieldNode connectionField)
                {
                    return null;
                }

                switch (connectionField.Name.Value)
                {
                    case "nodes" when !AddColumns(connectionField.SelectionSet, columns):
                        return null;
                    case "edges":
                        foreach (var edgeSelection in connectionField.SelectionSet?.Selections ?? [])
                        {
                            if (edgeSelection is not FieldNode edgeField || (edgeField.Name.Value == "node" && !AddColumns(edgeField.SelectionSet, columns)))
                            {
                                return null;
                            }
                        }

                        break;
                }
            }

            return new Projection(columns);
        });
    }

    private static bool AddColumns(SelectionSetNode? set, List<string> columns)
    {
        foreach (var selection in set?.Selections ?? [])
        {
            if (selection is not FieldNode field || !ColumnFields.TryGetValue(field.Name.Value, out var column))
            {
                return false;
            }

            if (column is not null)
            {
                columns.Add(column);
            }
        }

        return true;
    }

    private static string Id(IReadOnlyDictionary<string, object?> args) => (string)args["id"]!;

    private static string AppId(IReadOnlyDictionary<string, object?> args) => (string)args["appId"]!;

    /// <summary>The arguments of <c>Query.apps</c> as the same listing REST builds (same parsers, same errors).</summary>
    internal static Result<AppListQuery> ListQuery(IReadOnlyDictionary<string, object?> args, bool includeTotal)
    {
        int? Int(string name) => args.TryGetValue(name, out var v) && v is not null ? Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) : null;
        string? Text(string name) => args.TryGetValue(name, out var v) ? v as string : null;

        var first = Int("first");
        var last = Int("last");
        if (first is < 0 or > MaxPageSize || last is < 0 or > MaxPageSize)
        {
            return PlatformError.Invalid($"{(first is not null ? "first" : "last")}: must be between 0 and {MaxPageSize}");
        }

        var descriptor = AppQueryDescriptor.Instance;
        try
        {
            var filters = new List<FilterNode>();
            if (args.TryGetValue("filter", out var filter) && filter is not null)
            {
                filters.Add(FilterParser.Parse(QueryInputs.ToJson(filter), descriptor));
            }

            if (Text("workspaceId") is { } workspaceId)
            {
                filters.Add(new FieldFilter(descriptor.Fields["workspaceId"], FilterOperator.Eq, workspaceId));
            }

            if (args.TryGetValue("ids", out var ids) && ids is IEnumerable list)
            {
                filters.Add(new FieldFilter(descriptor.Id, FilterOperator.In, list.Cast<object>().Select(o => (object)o.ToString()!).ToList()));
            }

            var order = OrderByParser.Parse(args.TryGetValue("orderBy", out var orderBy) && orderBy is not null ? QueryInputs.ToJson(orderBy) : (JsonElement?)null, descriptor);
            var deleted = Text("includeDeleted") switch
            {
                "include" => DeletedFilter.Include,
                "only" => DeletedFilter.Only,
                _ => DeletedFilter.Exclude,
            };
            return new AppListQuery
            {
                Filter = filters.Count == 0 ? null : new AndFilter(filters),
                Order = order,
                Page = new PageRequest { First = first, After = Text("after"), Last = last, Before = Text("before"), IncludeTotal = includeTotal },
                Deleted = deleted,
            };
        }
        catch (QueryException e)
        {
            return e.Code == QueryErrorCodes.InvalidCursor ? PlatformError.InvalidCursor(e.Message) : PlatformError.Invalid(e.Message);
        }
    }

    private static UpdateAppInput UpdateInput(IReadOnlyDictionary<string, object?> input)
    {
        string? Text(string name) => input.TryGetValue(name, out var v) ? v as string : null;
        return new UpdateAppInput
        {
            SetName = input.ContainsKey("name"),
            Name = Text("name"),
            SetDescription = input.ContainsKey("description"),
            Description = Text("description"),
            SetHandle = input.ContainsKey("handle"),
            Handle = Text("handle"),
            SetPublicAccess = input.ContainsKey("publicAccess"),
            PublicAccess = input.TryGetValue("publicAccess", out var p) ? p as bool? : null,
            SetDefaultVersionId = input.ContainsKey("defaultVersionId"),
            DefaultVersionId = Text("defaultVersionId"),
            SetConfig = input.ContainsKey("config"),
            Config = input.TryGetValue("config", out var c) && c is not null ? QueryInputs.ToJson(c).GetRawText() : null,
        };
    }
}
