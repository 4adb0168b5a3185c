using System.Buffers;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CrowNest.GraphQL;
using CrowNest.GraphQL.Execution;
using CrowNest.GraphQL.Language;
using CrowNest.GraphQL.Transport;
using CrowNest.GraphQL.Types;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GraphQLConformance;

/// <summary>
/// Runs GraphQL requests against an SDL schema whose root value is a JSON data file, printing graphql-js-shaped
/// responses (for differential testing against graphql-js), or serves the same over HTTP (for the HTTP benchmark).
/// </summary>
internal static class ConformanceCli
{
    private const string Usage = """
        usage: GraphQLConformance --schema S.graphql [--data D.json]
                 (--query Q.graphql [--variables V.json] [--operation NAME]
                  | --batch CASES.jsonl | --serve 127.0.0.1:PORT | --print-schema) [--limits]
                 [--subscriptions] [--ws-token TOKEN]
          --subscriptions  adds the demo Subscription type (countdown, ticks, failing, whoami) for the WS/SSE tests
          --ws-token T     with --serve: WebSocket connection_init must carry {"authorization":"Bearer T"} (else 4403)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = ParseArgs(args);
        if (options is null || !options.TryGetValue("schema", out var schemaPath))
        {
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        Schema schema;
        try
        {
            var sdl = await File.ReadAllTextAsync(schemaPath).ConfigureAwait(false);
            schema = options.ContainsKey("subscriptions")
                ? BuildSchema(sdl + DemoSubscriptions.Sdl, DemoSubscriptions.Register)
                : BuildSchema(sdl);
        }
        catch (SchemaException e)
        {
            WriteSchemaErrors(e.Errors);
            return 1;
        }
        catch (GraphQLSyntaxException e)
        {
            WriteSchemaErrors([e.Error.Message]);
            return 1;
        }

        if (options.ContainsKey("print-schema"))
        {
            Console.Out.Write(SchemaPrinter.Print(schema));
            return 0;
        }

        object? rootValue = null;
        if (options.TryGetValue("data", out var dataPath))
        {
            using var data = JsonDocument.Parse(await File.ReadAllBytesAsync(dataPath).ConfigureAwait(false));
            rootValue = JsonInput.ToData(data.RootElement.Clone());
        }

        var graphQLOptions = new GraphQLOptions
        {
            RootValue = rootValue,
            EnableGraphiQL = false,

            // Conformance means comparing with graphql-js, which has no safety limits: off unless asked for.
            Limits = options.ContainsKey("limits") ? new GraphQLLimits() : GraphQLLimits.None,
        };

        if (options.TryGetValue("serve", out var address))
        {
            return await ServeAsync(schema, graphQLOptions, address, graphql => DemoSubscriptions.ConfigureServer(graphql, options.GetValueOrDefault("ws-token"))).ConfigureAwait(false);
        }

        var executor = new RequestExecutor(schema, graphQLOptions);
        if (options.TryGetValue("batch", out var batchPath))
        {
            return await RunBatchAsync(executor, batchPath).ConfigureAwait(false);
        }

        if (!options.TryGetValue("query", out var queryPath))
        {
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        IReadOnlyDictionary<string, object?>? variables = null;
        if (options.TryGetValue("variables", out var variablesPath))
        {
            using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(variablesPath).ConfigureAwait(false));
            variables = document.RootElement.ValueKind == JsonValueKind.Object ? JsonInput.ToDictionary(document.RootElement.Clone()) : null;
        }

        var result = await executor.ExecuteAsync(new GraphQLRequest
        {
            Query = await File.ReadAllTextAsync(queryPath).ConfigureAwait(false),
            Variables = variables,
            OperationName = options.GetValueOrDefault("operation"),
        }).ConfigureAwait(false);
        WriteLine(result);
        return 0;
    }

    /// <summary>Builds the schema with default (property-name) resolvers and <c>__typename</c>-based type resolution.</summary>
    private static Schema BuildSchema(string sdl, Action<SchemaBuilder>? configure = null)
    {
        var builder = new SchemaBuilder().AddTypeDefinitions(sdl).UseDefaultResolvers();
        configure?.Invoke(builder);
        var schema = builder.Build();
        foreach (var type in schema.Types)
        {
            switch (type)
            {
                case InterfaceType { ResolveType: null } iface:
                    iface.ResolveType = ResolveByTypeName;
                    break;
                case UnionType { ResolveType: null } union:
                    union.ResolveType = ResolveByTypeName;
                    break;
            }
        }

        return schema;
    }

    private static ObjectType? ResolveByTypeName(object value, IResolverContext context, NamedType abstractType)
    {
        var name = value switch
        {
            IReadOnlyDictionary<string, object?> map => map.GetValueOrDefault("__typename") as string,
            JsonElement { ValueKind: JsonValueKind.Object } element when element.TryGetProperty("__typename", out var t) && t.ValueKind == JsonValueKind.String => t.GetString(),
            _ => null,
        };
        return name is null ? null : context.Schema.GetType(name) as ObjectType;
    }

    private static async Task<int> RunBatchAsync(RequestExecutor executor, string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            ExecutionResult result;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                result = await executor.ExecuteAsync(new GraphQLRequest
                {
                    Query = root.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null,
                    OperationName = root.TryGetProperty("operationName", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null,
                    Variables = root.TryGetProperty("variables", out var v) && v.ValueKind == JsonValueKind.Object ? JsonInput.ToDictionary(v.Clone()) : null,
                }).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                result = ExecutionResult.FromErrors([new GraphQLError("Invalid batch line: " + e.Message, TransportErrorCodes.BadRequest)]);
            }

            WriteLine(result);
        }

        return 0;
    }

    private static async Task<int> ServeAsync(Schema schema, GraphQLOptions options, string address, Action<GraphQLBuilder>? configure = null)
    {
        if (!IPEndPoint.TryParse(address, out var endpoint))
        {
            await Console.Error.WriteLineAsync($"--serve expects IP:PORT, got '{address}'.").ConfigureAwait(false);
            return 2;
        }

        // Socket transport knobs for the HTTP benchmark, each switchable by environment variable so that an idle-machine
        // run can compare (bench/graphql-http/README.md):
        // - GRAPHQL_SERVE_INLINE=1: a request runs start to finish on the socket event thread that saw its bytes arrive
        //   (no thread-pool hand-offs for receive, app and send). Off by default: on the shared 2-core machine it lost
        //   (fewer threads get less CPU share, and a descheduled event thread stalls all of its connections).
        // - GRAPHQL_SERVE_WAIT_FOR_DATA=1: Kestrel's default zero-byte read before renting a receive buffer. Off here: the
        //   benchmark's connections are always busy, and the extra read is one more syscall per request.
        var inline = Environment.GetEnvironmentVariable("GRAPHQL_SERVE_INLINE") == "1";
        if (inline && Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
        {
            // Read once by the runtime, when the first socket is created.
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }

        var waitForData = Environment.GetEnvironmentVariable("GRAPHQL_SERVE_WAIT_FOR_DATA") == "1";
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseSockets(sockets =>
        {
            sockets.UnsafePreferInlineScheduling = inline;
            sockets.WaitForDataBeforeAllocatingBuffer = waitForData;
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;

            // No minimum data rates: Kestrel otherwise times every request body read and every response write (locked
            // bookkeeping in its timeout control on each request) to drop slow clients, which a loopback benchmark has none of.
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Listen(endpoint);
        });
        var graphql = builder.Services.AddGraphQL()
            .AddSchema(_ => schema)
            .ModifyOptions(_ => options with { EnableGraphiQL = true });
        configure?.Invoke(graphql);
        var app = builder.Build();
        app.MapGraphQL("/graphql");
        await app.StartAsync().ConfigureAwait(false);

        // SIGHUP prints the process's allocation and GC counters (bench/graphql-http/engine-cost.mjs reads two of these
        // lines around a load to report bytes allocated per request).
        using var stats = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"stats allocated={GC.GetTotalAllocatedBytes(precise: true)} gen0={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)} rss={Environment.WorkingSet}"));
        });
        await Console.Error.WriteLineAsync($"GraphQL server listening on http://{endpoint}/graphql").ConfigureAwait(false);
        await app.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    private static void WriteSchemaErrors(IReadOnlyList<string> errors)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("schemaErrors"u8);
            foreach (var error in errors)
            {
                writer.WriteStringValue(error);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        WriteRaw(buffer.WrittenSpan);
    }

    private static void WriteLine(ExecutionResult result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ResultWriter.Write(buffer, result);
        WriteRaw(buffer.WrittenSpan);
    }

    private static void WriteRaw(ReadOnlySpan<byte> json)
    {
        using var stdout = Console.OpenStandardOutput();
        stdout.Write(json);
        stdout.Write("\n"u8);
        stdout.Flush();
    }

    private static Dictionary<string, string>? ParseArgs(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            var name = args[i][2..];
            if (name is "print-schema" or "limits" or "subscriptions")
            {
                options[name] = "true";
            }
            else if (i + 1 < args.Length)
            {
                options[name] = args[++i];
            }
            else
            {
                return null;
            }
        }

        return options;
    }
}
