using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Agents.Tests;

public sealed class CodingAgentTests
{
    private static AgentTask Task(string type, string payloadJson, SessionId? session = null) => new()
    {
        Id = TaskId.New(),
        TaskType = TaskType.Parse(type),
        Payload = JsonDocument.Parse(payloadJson).RootElement,
        Status = AgentTaskStatus.Running,
        Attempts = 1,
        SessionId = session,
    };

    private static AgentContext Context(RecordingEventSink sink) => new() { WorkerId = "test", Events = sink };

    [Fact]
    public async Task Generate_Offline_RecordsANewFileCommitAndStreamsEvents()
    {
        var sink = new RecordingEventSink();
        var agent = new CoderAgent(new TemplateChatClient());
        var session = SessionId.New();
        JsonElement r = await agent.ExecuteAsync(Task("coder:generate", """{"prompt":"Add two numbers","language":"python"}""", session), Context(sink));

        string code = r.GetProperty("code").GetString()!;
        Assert.Contains("def solve", code, StringComparison.Ordinal);
        JsonElement commit = r.GetProperty("commit");
        int lines = code.TrimEnd('\n').Split('\n').Length;
        Assert.Equal(lines, commit.GetProperty("additions").GetInt32());
        Assert.Equal(0, commit.GetProperty("deletions").GetInt32());
        Assert.StartsWith("--- /dev/null\n+++ b/generated/add-two-numbers.py\n", commit.GetProperty("diff").GetString(), StringComparison.Ordinal);
        Assert.Equal(CommitHash.Compute(commit.GetProperty("message").GetString()!, commit.GetProperty("diff").GetString()!).Value, commit.GetProperty("commit_hash").GetString());
        Assert.Equal("Add two numbers", r.GetProperty("prompt").GetString());
        Assert.Equal(TemplateChatClient.ModelId, r.GetProperty("model").GetString());
        Assert.NotEmpty(sink.Events);
        Assert.All(sink.Events, e => Assert.Equal("coder_output", e.EventType));
        Assert.Equal(r.GetProperty("output").GetString(), string.Concat(sink.Events.Select(e => e.Message)));
    }

    [Fact]
    public async Task Generate_IsDeterministic_SameContentSameHash()
    {
        var agent = new CoderAgent(new TemplateChatClient());
        string payload = """{"prompt":"x","language":"csharp"}""";
        JsonElement a = await agent.ExecuteAsync(Task("coder:generate", payload), Context(new()));
        JsonElement b = await agent.ExecuteAsync(Task("coder:generate", payload), Context(new()));
        Assert.Equal(a.GetProperty("commit").GetProperty("commit_hash").GetString(), b.GetProperty("commit").GetProperty("commit_hash").GetString());
    }

    [Fact]
    public async Task Refactor_Offline_DiffsAgainstTheGivenFile()
    {
        var agent = new CoderAgent(new TemplateChatClient());
        JsonElement r = await agent.ExecuteAsync(
            Task("coder:refactor", """{"prompt":"tidy","language":"python","files":{"src/a.py":"x = 1   \n\ty = 2\nz = 3\n"}}"""), Context(new()));
        JsonElement commit = r.GetProperty("commit");
        Assert.Equal("x = 1\n    y = 2\nz = 3\n", r.GetProperty("code").GetString());
        Assert.Equal(2, commit.GetProperty("additions").GetInt32());
        Assert.Equal(2, commit.GetProperty("deletions").GetInt32());
        Assert.StartsWith("--- a/src/a.py\n+++ b/src/a.py\n@@ -1,3 +1,3 @@\n", commit.GetProperty("diff").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("coder:generate", """{"language":"python"}""", "prompt: is required")]
    [InlineData("coder:generate", """{"prompt":"x","language":"py thon"}""", "language: must be")]
    [InlineData("coder:generate", """{"prompt":5,"language":"python"}""", "prompt: must be a string")]
    [InlineData("coder:generate", """{"prompt":"x","language":"python","path":"../etc/passwd"}""", "path:")]
    [InlineData("coder:generate", """{"prompt":"x","language":"python","path":"/abs"}""", "path:")]
    [InlineData("coder:refactor", """{"prompt":"x","language":"python"}""", "files: is required")]
    [InlineData("coder:refactor", """{"prompt":"x","language":"python","files":[]}""", "files: must be an object")]
    [InlineData("coder:refactor", """{"prompt":"x","language":"python","files":{"a.py":1}}""", "files.a.py: must be a string")]
    [InlineData("coder:refactor", """{"prompt":"x","language":"python","files":{"a.py":"x"},"path":"b.py"}""", "is not one of the files")]
    [InlineData("coder:generate", "[1,2]", "payload: must be a JSON object")]
    public async Task InvalidPayload_IsAPermanentFieldNamedError(string type, string payload, string expected)
    {
        var agent = new CoderAgent(new TemplateChatClient());
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => agent.ExecuteAsync(Task(type, payload), Context(new())));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, ex.ErrorCode);
        Assert.False(ex.IsTransient);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedPrompt_IsRefused()
    {
        var agent = new CoderAgent(new TemplateChatClient());
        string payload = JsonSerializer.Serialize(new Dictionary<string, string> { ["prompt"] = new string('x', CoderAgent.MaxPromptLength + 1), ["language"] = "python" });
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => agent.ExecuteAsync(Task("coder:generate", payload), Context(new())));
        Assert.Contains("limit is 32768", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Architect_Offline_ReturnsNumberedSteps()
    {
        var agent = new ArchitectAgent(new TemplateChatClient());
        JsonElement r = await agent.ExecuteAsync(Task("architect:plan", """{"goal":"Ship the queue","constraints":["no downtime","postgres 15"]}"""), Context(new()));
        string[] steps = r.GetProperty("steps").EnumerateArray().Select(s => s.GetString()!).ToArray();
        Assert.Equal(5, steps.Length);
        Assert.Contains("Ship the queue", steps[0], StringComparison.Ordinal);
        Assert.Equal("no downtime; postgres 15", r.GetProperty("constraints").GetString());
    }

    [Fact]
    public async Task Architect_BadConstraints_IsInvalidPayload()
    {
        var agent = new ArchitectAgent(new TemplateChatClient());
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => agent.ExecuteAsync(Task("architect:design", """{"goal":"g","constraints":{"a":1}}"""), Context(new())));
        Assert.Equal(QuantumLmErrorCodes.InvalidPayload, ex.ErrorCode);
    }

    // --- against a fake OpenAI-compatible endpoint on loopback ---

    private static async Task<(WebApplication App, Uri Endpoint)> StartFakeOpenAiAsync(RequestDelegate handler)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapPost("/v1/chat/completions", handler);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address + "/v1"));
    }

    private static IChatClient OpenAiClient(Uri endpoint) =>
        new OpenAI.Chat.ChatClient("fake-model", new ApiKeyCredential("test-key"), new OpenAIClientOptions
        {
            Endpoint = endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromSeconds(10),
        }).AsIChatClient();

    private static string Chunk(string content) => "data: " + JsonSerializer.Serialize(new
    {
        id = "c1",
        @object = "chat.completion.chunk",
        created = 1,
        model = "fake-model",
        choices = new[] { new { index = 0, delta = new { role = "assistant", content }, finish_reason = (string?)null } },
    }) + "\n\n";

    [Fact]
    public async Task OpenAiCompatibleEndpoint_StreamsCodeIntoACommit()
    {
        var (app, endpoint) = await StartFakeOpenAiAsync(async ctx =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync(Chunk("```python\nprint("));
            await ctx.Response.WriteAsync(Chunk("'hi')\n```\n"));
            await ctx.Response.WriteAsync("data: [DONE]\n\n");
        });
        await using (app)
        {
            var agent = new CoderAgent(OpenAiClient(endpoint));
            JsonElement r = await agent.ExecuteAsync(Task("coder:generate", """{"prompt":"greet","language":"python"}"""), Context(new()));
            Assert.Equal("print('hi')\n", r.GetProperty("code").GetString());
            Assert.Equal(1, r.GetProperty("commit").GetProperty("additions").GetInt32());
        }
    }

    [Fact]
    public async Task OpenAiCompatibleEndpoint_Garbage_IsAPermanentServiceError()
    {
        var (app, endpoint) = await StartFakeOpenAiAsync(async ctx =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync("data: {not json at all\n\n");
        });
        await using (app)
        {
            var agent = new CoderAgent(OpenAiClient(endpoint));
            var ex = await Assert.ThrowsAsync<QuantumLmException>(() => agent.ExecuteAsync(Task("coder:generate", """{"prompt":"greet","language":"python"}"""), Context(new())));
            Assert.Equal(QuantumLmErrorCodes.ServiceError, ex.ErrorCode);
            Assert.False(ex.IsTransient);
        }
    }

    [Fact]
    public async Task OpenAiCompatibleEndpoint_AnswerWithoutCode_IsAPermanentServiceError()
    {
        var (app, endpoint) = await StartFakeOpenAiAsync(async ctx =>
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync(Chunk("I cannot help with that."));
            await ctx.Response.WriteAsync("data: [DONE]\n\n");
        });
        await using (app)
        {
            var agent = new CoderAgent(OpenAiClient(endpoint));
            var ex = await Assert.ThrowsAsync<QuantumLmException>(() => agent.ExecuteAsync(Task("coder:generate", """{"prompt":"greet","language":"python"}"""), Context(new())));
            Assert.Contains("no fenced code block", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OpenAiCompatibleEndpoint_Down_IsATransientServiceError()
    {
        var agent = new CoderAgent(OpenAiClient(new Uri("http://127.0.0.1:1/v1")));
        var ex = await Assert.ThrowsAsync<QuantumLmException>(() => agent.ExecuteAsync(Task("coder:generate", """{"prompt":"greet","language":"python"}"""), Context(new())));
        Assert.Equal(QuantumLmErrorCodes.ServiceError, ex.ErrorCode);
        Assert.True(ex.IsTransient);
        Assert.Contains("could not be reached", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAiCompatibleEndpoint_ServerError_IsAServiceError()
    {
        var (app, endpoint) = await StartFakeOpenAiAsync(ctx =>
        {
            ctx.Response.StatusCode = 500;
            return ctx.Response.WriteAsync("""{"error":{"message":"boom","type":"server_error"}}""");
        });
        await using (app)
        {
            var agent = new CoderAgent(OpenAiClient(endpoint));
            var ex = await Assert.ThrowsAsync<QuantumLmException>(() => agent.ExecuteAsync(Task("coder:generate", """{"prompt":"greet","language":"python"}"""), Context(new())));
            Assert.Equal(QuantumLmErrorCodes.ServiceError, ex.ErrorCode);
            Assert.DoesNotContain("test-key", ex.Message, StringComparison.Ordinal);
        }
    }
}
