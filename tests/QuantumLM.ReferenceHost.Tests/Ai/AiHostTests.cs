using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using QuantumLM.ReferenceHost.Ai;
using QuantumLM.ReferenceHost.Tests.Api;
using HostFixture = QuantumLM.ReferenceHost.Tests.Infrastructure.HostFixture;
using TestUser = QuantumLM.ReferenceHost.Tests.Infrastructure.TestUser;
using static QuantumLM.ReferenceHost.Tests.Api.ApiTestKit;

namespace QuantumLM.ReferenceHost.Tests.Ai;

/// <summary>The host with <c>QuantumLM:Ai</c> pointing at an OpenAI-compatible server on loopback.</summary>
public sealed class AiHostFixture : HostFixture
{
    public const string ApiKey = "sk-test-not-a-secret-but-never-logged";

    public FakeOpenAiServer Server { get; private set; } = null!;

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--QuantumLM:Http:RateLimit:Enabled", "false",
        "--QuantumLM:Ai:Endpoint", Server.Endpoint.AbsoluteUri,
        "--QuantumLM:Ai:ApiKey", ApiKey,
        "--QuantumLM:Ai:ChatModel", "fake-chat",
        "--QuantumLM:Ai:EmbeddingModel", "fake-embed",
        "--QuantumLM:Ai:MaxRetries", "0",
    ];

    public override async Task InitializeAsync()
    {
        Server = await FakeOpenAiServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Server.DisposeAsync();
    }
}

public sealed class AiHostTests(AiHostFixture host) : IClassFixture<AiHostFixture>
{
    [Fact]
    public async Task ConfiguredChatModel_DrivesTheCoderAgent_AndItsCommit()
    {
        TestUser u = await host.CreateUserAsync();
        Guid session = await CreateSessionAsync(u);
        JsonElement accepted = await (await u.Client.PostJsonAsync("/api/agents/dispatch", new { agent_type = "coder", task_type = "coder:generate", task_payload = new { prompt = "add two numbers", language = "python" }, session_id = session }))
            .JsonAsync(HttpStatusCode.Accepted);
        Guid id = accepted.GetProperty("task_id").GetGuid();

        JsonElement task = default;
        for (int i = 0; i < 200; i++)
        {
            task = await (await u.Client.GetAsync($"/api/tasks/{id}")).JsonAsync(HttpStatusCode.OK);
            if (task.GetProperty("status").GetString() is "completed" or "failed" or "dead")
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal("completed", task.GetProperty("status").GetString());
        Assert.Equal(FakeOpenAiServer.Code, task.GetProperty("result").GetProperty("code").GetString());
        var chat = Assert.Single(host.Server.Requests, static r => r.Path == "/v1/chat/completions");
        Assert.Equal("fake-chat", chat.Body["model"]!.GetValue<string>());
        Assert.Equal("Bearer " + AiHostFixture.ApiKey, chat.Authorization);
        JsonElement commits = await (await u.Client.GetAsync($"/api/arena/session/{session}/commits")).JsonAsync(HttpStatusCode.OK);
        Assert.Contains("commit_hash", commits.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredEmbeddingModel_IndexesAndSearchesCodebaseMemory()
    {
        Assert.IsNotType<Memory.HashedEmbeddingGenerator>(host.App.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        TestUser u = await host.CreateUserAsync();
        JsonElement indexed = await (await u.Client.PostJsonAsync("/api/memory/documents", new { file_path = "a.py", content = "qqq quantum" }))
            .JsonAsync(HttpStatusCode.Created);
        Assert.Equal(3, indexed.GetProperty("dimensions").GetInt32()); // the fake model's vectors, not the offline 256
        JsonElement hits = await (await u.Client.GetAsync("/api/memory/search?q=qq&threshold=0.1")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("a.py", hits.GetProperty("results")[0].GetProperty("file_path").GetString());
        Assert.Contains(host.Server.Requests, static r => r.Path == "/v1/embeddings" && r.Body["model"]!.GetValue<string>() == "fake-embed");
    }
}

public sealed class AiOptionsTests
{
    [Theory]
    [InlineData(null, "m", null, "QuantumLM:Ai:Endpoint is required when ChatModel or EmbeddingModel is set.")]
    [InlineData("ftp://x/v1", "m", null, "QuantumLM:Ai:Endpoint must be an absolute http or https URL")]
    [InlineData("http://127.0.0.1:1/v1", null, null, "neither ChatModel nor EmbeddingModel")]
    public void BadConfiguration_FailsAtStartUp_WithTheKey(string? endpoint, string? chat, string? embed, string expected)
    {
        var o = new AiOptions { Endpoint = endpoint is null ? null : new Uri(endpoint), ChatModel = chat, EmbeddingModel = embed };
        ValidateOptionsResult r = new AiOptionsValidator().Validate(null, o);
        Assert.True(r.Failed);
        Assert.Contains(expected, r.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingConfigured_IsValid_AndToStringHidesTheKey()
    {
        Assert.True(new AiOptionsValidator().Validate(null, new AiOptions()).Succeeded);
        Assert.DoesNotContain("secret", new AiOptions { ApiKey = "secret" }.ToString(), StringComparison.Ordinal);
    }
}
