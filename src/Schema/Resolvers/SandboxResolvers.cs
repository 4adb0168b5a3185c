using System.Globalization;
using System.Text.Json;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Types;
using CrowNest.Platform;
using CrowNest.Platform.Data;
using CrowNest.Platform.Sandboxes;

namespace CrowNest.Schema.Resolvers;

/// <summary>
/// A forward-only page of a sandbox API listing. The services page like REST (<c>limit</c> + <c>cursor</c> = the last
/// item's id, or for output the last <c>seq</c>), so the connection is a thin view over that: <c>first</c> is the
/// limit, <c>after</c> the cursor, and <c>hasPreviousPage</c> is always false.
/// </summary>
internal sealed record SandboxApiConnection<T>(IReadOnlyList<SandboxApiEdge<T>> Edges, IReadOnlyList<T> Nodes, PageInfo PageInfo);

internal sealed record SandboxApiEdge<T>(string Cursor, T Node);

/// <summary>
/// <c>Project</c>, <c>Sandbox</c>, <c>Command</c> and <c>CommandOutputChunk</c>, their queries and mutations, through
/// <see cref="ProjectService"/> and <see cref="SandboxService"/> like REST <c>/v1</c> (same scopes and errors).
/// Field resolvers take the platform entities as parents, so subscriptions can return those too.
/// </summary>
internal static class SandboxResolvers
{
    private const int MaxPageSize = 100;
    private const int MaxOutputPageSize = 1000;

    public static void Register(SchemaBuilder builder, NodeRegistry nodes)
    {
        builder.BindObject<Project>("Project");
        builder.BindObject<Sandbox>("Sandbox");
        builder.BindObject<SandboxCommand>("Command");
        builder.BindObject<CommandOutput>("CommandOutputChunk");
        builder.BindObject<SandboxApiConnection<Project>>("ProjectConnection");
        builder.BindObject<SandboxApiEdge<Project>>("ProjectEdge");
        builder.BindObject<SandboxApiConnection<Sandbox>>("SandboxConnection");
        builder.BindObject<SandboxApiEdge<Sandbox>>("SandboxEdge");
        builder.BindObject<SandboxApiConnection<SandboxCommand>>("CommandConnection");
        builder.BindObject<SandboxApiEdge<SandboxCommand>>("CommandEdge");
        builder.BindObject<SandboxApiConnection<CommandOutput>>("CommandOutputConnection");
        builder.BindObject<SandboxApiEdge<CommandOutput>>("CommandOutputEdge");
        builder.BindInputObject<CreateProjectInput>("CreateProjectInput");
        builder.BindInputObject<CreateSandboxInput>("CreateSandboxInput");

        builder.AddResolver("Project.sandboxes", async ctx =>
        {
            var project = (Project)ctx.Parent!;
            var first = ErrorHelper.Unwrap(First(ctx, MaxPageSize));
            return Connection(ErrorHelper.Unwrap(await ctx.Scoped<SandboxService>().RunAsync(s => s.ListAsync(ctx.Caller(), project.Id, first, After(ctx), ctx.CancellationToken))), s => s.Id);
        });

        builder.AddResolver("Sandbox.orgId", ctx => ((Sandbox)ctx.Parent!).OrganizationId);
        builder.AddResolver("Sandbox.status", ctx => EnumValue(((Sandbox)ctx.Parent!).Status));
        builder.AddResolver("Sandbox.project", async ctx =>
        {
            var sandbox = (Sandbox)ctx.Parent!;
            return ErrorHelper.Unwrap(await ctx.Scoped<ProjectService>().RunAsync(s => s.GetAsync(ctx.Caller(), sandbox.ProjectId, ctx.CancellationToken)));
        });
        builder.AddResolver("Sandbox.commands", async ctx =>
        {
            var sandbox = (Sandbox)ctx.Parent!;
            var first = ErrorHelper.Unwrap(First(ctx, MaxPageSize));
            return Connection(ErrorHelper.Unwrap(await ctx.Scoped<SandboxService>().RunAsync(s => s.ListCommandsAsync(ctx.Caller(), sandbox.Id, first, After(ctx), ctx.CancellationToken))), c => c.Id);
        });

        builder.AddResolver("Command.status", ctx => EnumValue(((SandboxCommand)ctx.Parent!).Status));
        builder.AddResolver("Command.sandbox", async ctx =>
        {
            var command = (SandboxCommand)ctx.Parent!;
            return ErrorHelper.Unwrap(await ctx.Scoped<SandboxService>().RunAsync(s => s.GetAsync(ctx.Caller(), command.SandboxId, ctx.CancellationToken)));
        });
        builder.AddResolver("Command.output", async ctx =>
        {
            var command = (SandboxCommand)ctx.Parent!;
            var first = ErrorHelper.Unwrap(First(ctx, MaxOutputPageSize));
            var afterSeq = ctx.Arguments.GetValueOrDefault("afterSeq") is { } a ? Convert.ToInt64(a, CultureInfo.InvariantCulture) : 0;
            if (afterSeq < 0)
            {
                throw ErrorHelper.From(PlatformError.Invalid("afterSeq: must be 0 or more"));
            }

            var page = ErrorHelper.Unwrap(await ctx.Scoped<SandboxService>().RunAsync(s =>
                s.GetOutputAsync(ctx.Caller(), command.Id, first, afterSeq.ToString(CultureInfo.InvariantCulture), ctx.CancellationToken)));
            return Connection(page, o => o.Seq.ToString(CultureInfo.InvariantCulture));
        });
        builder.AddResolver("CommandOutputChunk.stream", ctx => EnumValue(((CommandOutput)ctx.Parent!).Stream));

        nodes.Add(PrefixedId.Project, async (ctx, id, ct) =>
        {
            var (project, error) = await ctx.Scoped<ProjectService>().RunAsync(s => s.GetAsync(ctx.Caller(), id, ct));
            return error is null ? project! : error;
        });
        nodes.Add(PrefixedId.Sandbox, async (ctx, id, ct) =>
        {
            var (sandbox, error) = await ctx.Scoped<SandboxService>().RunAsync(s => s.GetAsync(ctx.Caller(), id, ct));
            return error is null ? sandbox! : error;
        });
        nodes.Add(PrefixedId.Command, async (ctx, id, ct) =>
        {
            var (command, error) = await ctx.Scoped<SandboxService>().RunAsync(s => s.GetCommandAsync(ctx.Caller(), id, ct));
            return error is null ? command! : error;
        });

        builder.AddResolver("Query.project", async ctx =>
            OrNull(await ctx.Scoped<ProjectService>().RunAsync(s => s.GetAsync(ctx.Caller(), Id(ctx), ctx.CancellationToken))));
        builder.AddResolver("Query.projects", async ctx =>
        {
            var first = ErrorHelper.Unwrap(First(ctx, MaxPageSize));
            return Connection(ErrorHelper.Unwrap(await ctx.Scoped<ProjectService>().RunAsync(s => s.ListAsync(ctx.Caller(), first, After(ctx), ctx.CancellationToken))), p => p.Id);
        });
        builder.AddResolver("Query.sandbox", async ctx =>
            OrNull(await ctx.Scoped<SandboxService>().RunAsync(s => s.GetAsync(ctx.Caller(), Id(ctx), ctx.CancellationToken))));
        builder.AddResolver("Query.sandboxes", async ctx =>
        {
            var first = ErrorHelper.Unwrap(First(ctx, MaxPageSize));
            var projectId = ctx.Arguments.GetValueOrDefault("projectId") as string;
            return Connection(ErrorHelper.Unwrap(await ctx.Scoped<SandboxService>().RunAsync(s => s.ListAsync(ctx.Caller(), projectId, first, After(ctx), ctx.CancellationToken))), s => s.Id);
        });
        builder.AddResolver("Query.command", async ctx =>
            OrNull(await ctx.Scoped<SandboxService>().RunAsync(s => s.GetCommandAsync(ctx.Caller(), Id(ctx), ctx.CancellationToken))));

        builder.AddResolver("Mutation.createProject", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<ProjectService>().RunAsync(s => s.CreateAsync(ctx.Caller(), (CreateProjectInput)ctx.Arguments["input"]!, ctx.CancellationToken))));
        builder.AddResolver("Mutation.createSandbox", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<SandboxService>().RunAsync(s => s.CreateAsync(ctx.Caller(), (CreateSandboxInput)ctx.Arguments["input"]!, ctx.CancellationToken))));
        builder.AddResolver("Mutation.destroySandbox", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<SandboxService>().RunAsync(s => s.DestroyAsync(ctx.Caller(), Id(ctx), ctx.CancellationToken))));
        builder.AddResolver("Mutation.runCommand", async ctx =>
        {
            var input = (IReadOnlyDictionary<string, object?>)ctx.Arguments["input"]!;
            var env = ErrorHelper.Unwrap(Environment(input.GetValueOrDefault("env")));
            var run = new RunCommandInput { Command = input.GetValueOrDefault("command") as string, Cwd = input.GetValueOrDefault("cwd") as string, Env = env };
            return ErrorHelper.Unwrap(await ctx.Scoped<SandboxService>().RunAsync(s => s.RunCommandAsync(ctx.Caller(), (string)input["sandboxId"]!, run, ctx.CancellationToken)));
        });
        builder.AddResolver("Mutation.killCommand", async ctx =>
            ErrorHelper.Unwrap(await ctx.Scoped<SandboxService>().RunAsync(s => s.KillCommandAsync(ctx.Caller(), Id(ctx), ctx.CancellationToken))));
    }

    /// <summary>A stored lower-case status or stream as its upper-case GraphQL enum value.</summary>
    internal static string EnumValue(string stored) => stored.ToUpperInvariant();

    internal static string Id(IResolverContext ctx) => (string)ctx.Arguments["id"]!;

    internal static string? After(IResolverContext ctx) => ctx.Arguments.GetValueOrDefault("after") as string;

    /// <summary><c>first</c> (the page size, like REST <c>limit</c>) within 1–<paramref name="max"/>.</summary>
    internal static Result<int> First(IResolverContext ctx, int max)
    {
        var first = ctx.Arguments.GetValueOrDefault("first") is { } f ? Convert.ToInt32(f, CultureInfo.InvariantCulture) : 20;
        return first >= 1 && first <= max ? first : PlatformError.Invalid($"first: must be between 1 and {max.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A <c>Query.x(id)</c> result: absent and invisible are null like <c>Query.app</c>; other errors are field errors.</summary>
    internal static T? OrNull<T>(Result<T> result)
        where T : class => result.Error switch
        {
            null => result.Value,
            { Kind: ErrorKind.NotFound } => null,
            { } error => throw ErrorHelper.From(error),
        };

    internal static SandboxApiConnection<T> Connection<T>(ListPage<T> page, Func<T, string> cursorOf)
    {
        var edges = page.Data.Select(item => new SandboxApiEdge<T>(cursorOf(item), item)).ToList();
        return new SandboxApiConnection<T>(edges, page.Data, new PageInfo(page.HasMore, false, edges.Count > 0 ? edges[0].Cursor : null, edges.Count > 0 ? edges[^1].Cursor : null));
    }

    /// <summary>The <c>env</c> JSON object as a string map; anything else is INVALID_REQUEST.</summary>
    private static Result<Dictionary<string, string>?> Environment(object? value)
    {
        if (value is null)
        {
            return (Dictionary<string, string>?)null;
        }

        var json = value is JsonElement element ? element : QueryInputs.ToJson(value);
        if (json.ValueKind == JsonValueKind.Null)
        {
            return (Dictionary<string, string>?)null;
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            return PlatformError.Invalid("env: expected a JSON object of string values");
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                return PlatformError.Invalid($"env.{property.Name}: expected a string");
            }

            env[property.Name] = property.Value.GetString()!;
        }

        return env;
    }
}
