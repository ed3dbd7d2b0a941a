using System.Net;
using System.Text.Json;
using QuantumLM.Abstractions.Security;
using QuantumLM.ReferenceHost.Tests.Infrastructure;
using static QuantumLM.ReferenceHost.Tests.Api.ApiTestKit;

namespace QuantumLM.ReferenceHost.Tests.Api;

public sealed class AgentDispatchTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Theory]
    [InlineData("coder:generate")]
    [InlineData("generate")]
    public async Task Dispatch_KnownPair_Queues_AndTaskIsReadable(string taskType)
    {
        TestUser u = await host.CreateUserAsync();
        Guid session = await CreateSessionAsync(u);
        JsonElement accepted = await (await u.Client.PostJsonAsync("/api/agents/dispatch", new { agent_type = "coder", task_type = taskType, task_payload = new { prompt = "add two numbers", language = "python" }, priority = 5, session_id = session }))
            .JsonAsync(HttpStatusCode.Accepted);
        Guid id = accepted.GetProperty("task_id").GetGuid();
        JsonElement task = await (await u.Client.GetAsync($"/api/tasks/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("coder:generate", task.GetProperty("task_type").GetString());
        Assert.Equal(5, task.GetProperty("priority").GetInt32());
        Assert.Equal(session, task.GetProperty("session_id").GetGuid());
        Assert.True(task.TryGetProperty("attempts", out _));
    }

    [Theory]
    [InlineData("""{"agent_type": "coder", "task_type": "coder:teleport", "task_payload": {}}""", "task_type")]
    [InlineData("""{"agent_type": "architect", "task_type": "coder:generate", "task_payload": {}}""", "task_type")]
    [InlineData("""{"agent_type": "ghost", "task_type": "ghost:walk", "task_payload": {}}""", "task_type")]
    [InlineData("""{"agent_type": "coder", "task_type": "Coder:Generate!", "task_payload": {}}""", "task_type")]
    [InlineData("""{"agent_type": "quantum", "task_type": "quantum:execute", "task_payload": {"circuit": "x", "shots": 1}}""", "task_type")]
    [InlineData("""{"agent_type": "organism", "task_type": "organism:mutate", "task_payload": {}}""", "task_type")]
    [InlineData("""{"task_type": "coder:generate", "task_payload": {}}""", "agent_type")]
    [InlineData("""{"agent_type": "coder", "task_payload": {}}""", "task_type")]
    [InlineData("""{"agent_type": "coder", "task_type": "coder:generate"}""", "task_payload")]
    [InlineData("""{"agent_type": "coder", "task_type": "coder:generate", "task_payload": "text"}""", "task_payload")]
    [InlineData("""{"agent_type": "coder", "task_type": "coder:generate", "task_payload": {}, "priority": -1}""", "priority")]
    [InlineData("""{"agent_type": "coder", "task_type": "coder:generate", "task_payload": {}, "priority": "high"}""", "priority")]
    [InlineData("""{"agent_type": "coder", "task_type": "coder:generate", "task_payload": {}, "session_id": "x"}""", "session_id")]
    [InlineData("""{"agent_type": "coder", "task_type": """, "$")]
    public async Task Dispatch_BadInput_Is400NamingTheField_NeverQueued(string json, string field)
    {
        TestUser u = await host.CreateUserAsync(Role.Admin);
        await (await u.Client.PostRawAsync("/api/agents/dispatch", json)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await RowsOfAsync(host, u));
    }

    [Fact]
    public async Task Dispatch_WrongContentType_Is415()
    {
        TestUser u = await host.CreateUserAsync();
        using var content = new StringContent("""{"agent_type":"coder"}""", System.Text.Encoding.UTF8, "text/plain");
        await (await u.Client.PostAsync("/api/agents/dispatch", content)).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Task_Unknown_Is404()
    {
        TestUser u = await host.CreateUserAsync();
        await (await u.Client.GetAsync($"/api/tasks/{Guid.NewGuid()}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
