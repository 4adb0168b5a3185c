using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CrowNest.Server.Tests.Infrastructure;
using CrowNest.Server.Tests.Sandboxes;

namespace CrowNest.Server.Tests.Realtime;

/// <summary>
/// Two real server processes on one PostgreSQL database: a command runs in a sandbox of instance A, a subscriber on B
/// follows its output (replayed, then live, then complete) and the sandbox until it is destroyed through A.
/// </summary>
public sealed class TwoInstanceSandboxTests(ClassDatabase database) : IClassFixture<ClassDatabase>
{
    [Fact]
    public async Task ASubscriberOnBFollowsOutputAndStatusOfASandboxOnA()
    {
        SandboxTestSupport.SkipWithoutBubblewrap();
        var root = TempDirs.Create("crownest-two-sbx");
        try
        {
            var (secret, _, _, workspaceId) = await SandboxTestSupport.TenantAsync(database.ConnectionString, "two-sbx");
            await using var a = Start(root, "a", out var aUrl);
            await using var b = Start(root, "b", out var bUrl);
            await a.WaitHealthyAsync(aUrl + "/healthz", TimeSpan.FromSeconds(180));
            await b.WaitHealthyAsync(bUrl + "/healthz", TimeSpan.FromSeconds(180));
            using var http = new HttpClient { BaseAddress = new Uri(aUrl) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

            using var project = await http.PostAsJsonAsync("/v1/projects", new { name = "two", workspaceId });
            Assert.True(project.IsSuccessStatusCode, await project.Content.ReadAsStringAsync());
            var projectId = (await project.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("project").GetProperty("id").GetString();
            using var sandbox = await http.PostAsJsonAsync("/v1/sandboxes", new { projectId });
            Assert.True(sandbox.IsSuccessStatusCode, await sandbox.Content.ReadAsStringAsync());
            var sandboxId = (await sandbox.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sandbox").GetProperty("id").GetString()!;
            using var started = await http.PostAsJsonAsync($"/v1/sandboxes/{sandboxId}/commands", new { command = "echo a; sleep 2; echo b" });
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            var commandId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("command").GetProperty("id").GetString()!;

            using var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol("graphql-transport-ws");
            await socket.ConnectAsync(new Uri(bUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/graphql"), CancellationToken.None);
            await SendAsync(socket, new { type = "connection_init", payload = new { authorization = "Bearer " + secret } });
            Assert.Equal("connection_ack", (await ReceiveAsync(socket)).GetProperty("type").GetString());
            await SendAsync(socket, new { id = "out", type = "subscribe", payload = new { query = "subscription($id: ID!) { commandOutput(commandId: $id) { seq data } }", variables = new { id = commandId } } });
            await SendAsync(socket, new { id = "sbx", type = "subscribe", payload = new { query = "subscription($id: ID!) { sandboxUpdated(id: $id) { status } }", variables = new { id = sandboxId } } });

            var output = new StringBuilder();
            var outputDone = false;
            var statuses = new List<string>();
            var sandboxDone = false;
            while (!outputDone || !sandboxDone)
            {
                var message = await ReceiveAsync(socket);
                var id = message.GetProperty("id").GetString();
                var type = message.GetProperty("type").GetString();
                Assert.True(type is "next" or "complete", message.ToString());
                if (id == "out")
                {
                    if (type == "complete")
                    {
                        outputDone = true;
                        // The command finished on A: destroy the sandbox through A.
                        using var destroyed = await http.DeleteAsync("/v1/sandboxes/" + sandboxId);
                        Assert.True(destroyed.IsSuccessStatusCode, await destroyed.Content.ReadAsStringAsync());
                        continue;
                    }

                    output.Append(message.GetProperty("payload").GetProperty("data").GetProperty("commandOutput").GetProperty("data").GetString());
                }
                else if (type == "complete")
                {
                    sandboxDone = true;
                }
                else
                {
                    statuses.Add(message.GetProperty("payload").GetProperty("data").GetProperty("sandboxUpdated").GetProperty("status").GetString()!);
                }
            }

            Assert.Equal("a\nb\n", output.ToString());
            Assert.Equal(["RUNNING", "DESTROYED"], statuses);
        }
        finally
        {
            TempDirs.Delete(root);
        }
    }

    private ServerProcess Start(string root, string name, out string url)
    {
        url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        var env = new Dictionary<string, string>
        {
            ["CROWNEST_API_URL"] = url,
            ["CROWNEST_EDGE_URL"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
            ["CROWNEST_POSTGRES"] = database.ConnectionString,
            ["Sandboxes__Runtime"] = "process",
            ["Sandboxes__Process__RootDirectory"] = Path.Combine(root, name),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        return ServerProcess.Start(env);
    }

    private static Task SendAsync(WebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonElement> ReceiveAsync(WebSocket socket) =>
        await WebSocketAuthTests.ReceiveAsync(socket).WaitAsync(TimeSpan.FromSeconds(60));
}
