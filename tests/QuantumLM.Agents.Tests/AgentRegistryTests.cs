using System.Text.Json;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Agents.Tests;

public sealed class AgentRegistryTests
{
    private sealed class StubAgent(string agentType, params string[] taskTypes) : IAgent
    {
        public string AgentType => agentType;

        public IReadOnlyCollection<string> TaskTypes => taskTypes;

        public Task<JsonElement> ExecuteAsync(AgentTask task, AgentContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(JsonDocument.Parse("{}").RootElement);
    }

    [Fact]
    public void TaskTypes_AreTheUnionSorted()
    {
        var registry = new AgentRegistry([new StubAgent("quantum", "quantum:metrics", "quantum:execute"), new StubAgent("coder", "coder:generate")]);
        Assert.Equal(["coder:generate", "quantum:execute", "quantum:metrics"], registry.TaskTypes);
    }

    [Fact]
    public void DuplicateTaskType_IsAConfigurationError()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new AgentRegistry([new StubAgent("quantum", "quantum:execute"), new StubAgent("quantum", "quantum:execute")]));
        Assert.Contains("quantum:execute", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TaskTypeOfAnotherAgentType_IsAConfigurationError() =>
        Assert.Throws<InvalidOperationException>(() => new AgentRegistry([new StubAgent("coder", "quantum:execute")]));

    [Fact]
    public void MalformedTaskType_IsAConfigurationError() =>
        Assert.Throws<InvalidOperationException>(() => new AgentRegistry([new StubAgent("coder", "Coder Generate")]));

    [Fact]
    public void GetAgent_Unknown_IsUnknownTaskTypeListingTheKnownOnes()
    {
        var registry = new AgentRegistry([new StubAgent("quantum", "quantum:execute")]);
        var ex = Assert.Throws<QuantumLmException>(() => registry.GetAgent(null, "miner:mine"));
        Assert.Equal(QuantumLmErrorCodes.UnknownTaskType, ex.ErrorCode);
        Assert.Contains("quantum:execute", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetAgent_AgentTypeMismatch_IsUnknownTaskType()
    {
        var registry = new AgentRegistry([new StubAgent("quantum", "quantum:execute")]);
        var ex = Assert.Throws<QuantumLmException>(() => registry.GetAgent("coder", "quantum:execute"));
        Assert.Equal(QuantumLmErrorCodes.UnknownTaskType, ex.ErrorCode);
        Assert.Same(registry.GetAgent("quantum", "quantum:execute"), registry.GetAgent(null, "quantum:execute"));
    }
}
