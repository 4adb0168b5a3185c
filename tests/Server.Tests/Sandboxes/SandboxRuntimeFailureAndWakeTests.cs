using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CrowNest.Platform.Sandboxes;
using CrowNest.Sandboxes;
using CrowNest.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static CrowNest.Server.Tests.Sandboxes.GraphQLAssert;

namespace CrowNest.Server.Tests.Sandboxes;

/// <summary>
/// Issue #5 gaps: runtime failures while killing, destroying or starting are a typed 503 (GraphQL
/// <c>UNAVAILABLE</c>) that leaves the rows consistent (the real runtime wrapped in <see cref="FaultInjectingRuntime"/>);
/// and live output streams are woken by stored output, exits and NOTIFYs from other connections, not by polling (the
/// safety poll and keep-alive are set to an hour here, so only a wake-up can deliver anything).
/// </summary>
public sealed class SandboxRuntimeFailureAndWakeTests(ClassDatabase database) : SandboxApiTestBase(database, "sbxfail"), IClassFixture<ClassDatabase>
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private FaultInjectingRuntime Runtime => (FaultInjectingRuntime)Factory.Services.GetRequiredService<ISandboxRuntime>();

    protected override void ConfigureSettings(Dictionary<string, string?> settings)
    {
        settings["SandboxApi:StreamSafetyPollInterval"] = "01:00:00";
        settings["SandboxApi:StreamKeepAliveInterval"] = "01:00:00";
    }

    protected override void ConfigureServices(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(ISandboxRuntime));
        services.Remove(original);
        services.AddSingleton<ISandboxRuntime>(sp => new FaultInjectingRuntime((ISandboxRuntime)original.ImplementationFactory!(sp)));
    }

    [Fact]
    public async Task AKillTheRuntimeFailsIsUnavailableAndLeavesTheCommandRunning()
    {
        var sandboxId = await NewSandboxIdAsync(Mine);
        var waiting = await RunCommandAsync(sandboxId, "while [ ! -f done ]; do sleep 0.05; done; echo bye");
        var looping = await RunCommandAsync(sandboxId, "while true; do sleep 0.1; done");

        // The engine gone (classified by the runtime) and a raw transport failure that escaped it: both are data.
        foreach (var fault in new Exception[] { new SandboxException(SandboxErrorCode.RuntimeUnavailable, "Docker daemon unreachable"), new IOException("connection reset by peer") })
        {
            Runtime.Fault = op => op == nameof(ISandboxRuntime.StopCommandAsync) ? fault : null;
            foreach (var id in new[] { waiting, looping })
            {
                using var kill = await Client.SendAsync(HttpMethod.Post, $"/v1/commands/{id}/kill", Mine);
                await kill.AssertErrorAsync(503, "unavailable");
                AssertCode(await Client.GraphQLAsync(Mine, "mutation($id:ID!){ killCommand(id:$id) { id status } }", new { id }), "UNAVAILABLE");
                var command = await CommandAsync(id);
                Assert.Equal("running", command.GetProperty("status").GetString());
                Assert.Equal(JsonValueKind.Null, command.GetProperty("exitedAt").ValueKind);
            }
        }

        // Not killed, so when it ends by itself it is reported as exited with its code, not as killed.
        await Runtime.WriteFileAsync(SandboxService.RuntimeIdOf(sandboxId), "done", Encoding.UTF8.GetBytes("x"));
        var exited = await UntilStatusAsync(waiting, "exited");
        Assert.Equal(0, exited.GetProperty("exitCode").GetInt32());

        // The runtime is back: a later kill succeeds.
        Runtime.Fault = null;
        using var again = await Client.SendAsync(HttpMethod.Post, $"/v1/commands/{looping}/kill", Mine);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("killed", (await again.JsonAsync()).GetProperty("command").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ADestroyOrStartTheRuntimeFailsIsUnavailableAndChangesNothing()
    {
        var sandboxId = await NewSandboxIdAsync(Mine);
        var commandId = await RunCommandAsync(sandboxId, "while true; do sleep 0.1; done");

        Runtime.Fault = op => op == nameof(ISandboxRuntime.DestroyAsync) ? new HttpRequestException("docker.sock: connection refused") : null;
        using (var delete = await Client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, Mine))
        {
            await delete.AssertErrorAsync(503, "unavailable");
        }

        AssertCode(await Client.GraphQLAsync(Mine, "mutation($id:ID!){ destroySandbox(id:$id) { id } }", new { id = sandboxId }), "UNAVAILABLE");
        Assert.Equal("running", (await SandboxAsync(sandboxId)).GetProperty("status").GetString());
        Assert.Equal("running", (await CommandAsync(commandId)).GetProperty("status").GetString());

        Runtime.Fault = op => op == nameof(ISandboxRuntime.StartCommandAsync) ? new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused) : null;
        using (var run = await Client.SendAsync(HttpMethod.Post, $"/v1/sandboxes/{sandboxId}/commands", Mine, new { command = "true" }))
        {
            await run.AssertErrorAsync(503, "unavailable");
        }

        AssertCode(await Client.GraphQLAsync(Mine, "mutation($s:ID!){ runCommand(input:{sandboxId:$s, command:\"true\"}) { id } }", new { s = sandboxId }), "UNAVAILABLE");
        using (var list = await Client.SendAsync(HttpMethod.Get, $"/v1/sandboxes/{sandboxId}/commands", Mine))
        {
            Assert.Equal([commandId], (await list.JsonAsync()).GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        }

        // The runtime is back: the same DELETE destroys it and settles the command.
        Runtime.Fault = null;
        using var destroyed = await Client.SendAsync(HttpMethod.Delete, "/v1/sandboxes/" + sandboxId, Mine);
        Assert.Equal(HttpStatusCode.OK, destroyed.StatusCode);
        Assert.Equal("destroyed", (await destroyed.JsonAsync()).GetProperty("sandbox").GetProperty("status").GetString());
        Assert.Equal("killed", (await CommandAsync(commandId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task OutputStoredAfterTheStreamOpenedArrivesAndTheExitEndsItWithoutPolling()
    {
        var sandboxId = await NewSandboxIdAsync(Mine);
        var commandId = await RunCommandAsync(sandboxId, "echo first; while [ ! -f go ]; do sleep 0.05; done; echo second");
        using var cts = new CancellationTokenSource(Guard);
        using var response = await OpenEventsAsync(commandId, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var seen = new StringBuilder();
        await ReadUntilAsync(reader, seen, "first", cts.Token);

        await Runtime.WriteFileAsync(SandboxService.RuntimeIdOf(sandboxId), "go", Encoding.UTF8.GetBytes("x"));
        seen.Append(await reader.ReadToEndAsync(cts.Token));
        var text = seen.ToString();
        Assert.Contains("second", text, StringComparison.Ordinal);
        Assert.Contains("id: exit\nevent: exit\n", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("second", StringComparison.Ordinal) < text.IndexOf("event: exit", StringComparison.Ordinal), text);
    }

    [Fact]
    public async Task ANotifyFromAnotherConnectionWakesTheStream()
    {
        var sandboxId = await NewSandboxIdAsync(Mine);
        // No output of its own: the only chunk is the one "another process" stores.
        var commandId = await RunCommandAsync(sandboxId, "while [ ! -f go ]; do sleep 0.05; done");
        using var cts = new CancellationTokenSource(Guard);
        using var response = await OpenEventsAsync(commandId, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(cts.Token);
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("INSERT INTO command_output (command_id, seq, stream, data, at) VALUES ($1, 1000000, 'stdout', 'from elsewhere\n', now())") { Parameters = { new() { Value = commandId } } },
                    new NpgsqlBatchCommand("SELECT pg_notify($1, $2)") { Parameters = { new() { Value = CommandOutputSignal.NotifyChannel }, new() { Value = commandId } } },
                },
            };
            await batch.ExecuteNonQueryAsync(cts.Token);
        }

        var seen = new StringBuilder();
        await ReadUntilAsync(reader, seen, "from elsewhere", cts.Token);
        Assert.Contains("id: 1000000\nevent: stdout\n", seen.ToString(), StringComparison.Ordinal);

        // The exit (recorded by this server's pump) ends the stream.
        await Runtime.WriteFileAsync(SandboxService.RuntimeIdOf(sandboxId), "go", Encoding.UTF8.GetBytes("x"));
        Assert.Contains("event: exit", await reader.ReadToEndAsync(cts.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AQuietStreamDoesNotReadTheDatabase()
    {
        // Counts the stream's reads of command_output (Npgsql's activities, filtered to this class's database), which
        // the old stream repeated every 100 ms for as long as the command was quiet.
        var database = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        var reads = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("db.namespace") as string == database && activity.GetTagItem("db.query.text") is string sql
                    && sql.Contains("command_output", StringComparison.Ordinal) && sql.Contains("ORDER BY", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref reads);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var sandboxId = await NewSandboxIdAsync(Mine);
        var commandId = await RunCommandAsync(sandboxId, "while [ ! -f go ]; do sleep 0.05; done; echo done");
        using var cts = new CancellationTokenSource(Guard);
        using var response = await OpenEventsAsync(commandId, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        await SandboxTestSupport.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref reads) >= 1), "the stream's first read");

        // Not a timing assertion: a count. Two quiet seconds were about twenty reads before; now there are none.
        await Task.Delay(TimeSpan.FromSeconds(2), cts.Token);
        var quiet = Volatile.Read(ref reads);
        Assert.True(quiet <= 2, $"{quiet} reads of a quiet command's output");

        await Runtime.WriteFileAsync(SandboxService.RuntimeIdOf(sandboxId), "go", Encoding.UTF8.GetBytes("x"));
        var text = await reader.ReadToEndAsync(cts.Token);
        Assert.Contains("done", text, StringComparison.Ordinal);
        Assert.Contains("event: exit", text, StringComparison.Ordinal);
    }

    private static async Task ReadUntilAsync(StreamReader reader, StringBuilder seen, string marker, CancellationToken ct)
    {
        while (!seen.ToString().Contains(marker, StringComparison.Ordinal))
        {
            seen.Append(await reader.ReadLineAsync(ct) ?? throw new InvalidOperationException("the stream ended early: " + seen)).Append('\n');
        }
    }

    private async Task<HttpResponseMessage> OpenEventsAsync(string commandId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/commands/{commandId}/output");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Mine);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }



    private async Task<JsonElement> SandboxAsync(string id)
    {
        using var response = await Client.SendAsync(HttpMethod.Get, "/v1/sandboxes/" + id, Mine);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("sandbox").Clone();
    }

    private async Task<JsonElement> CommandAsync(string id)
    {
        using var response = await Client.SendAsync(HttpMethod.Get, "/v1/commands/" + id, Mine);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("command").Clone();
    }

    private async Task<JsonElement> UntilStatusAsync(string id, string status)
    {
        JsonElement command = default;
        await SandboxTestSupport.EventuallyAsync(async () => (command = await CommandAsync(id)).GetProperty("status").GetString() == status, $"command {id} becomes {status}");
        return command;
    }
}
