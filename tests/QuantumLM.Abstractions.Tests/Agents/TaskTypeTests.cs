using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Agents;

namespace QuantumLM.Abstractions.Tests.Agents;

public sealed class TaskTypeTests
{
    [Theory]
    [InlineData(TaskType.QuantumExecute, "quantum", "execute")]
    [InlineData(TaskType.OrganismMutate, "organism", "mutate")]
    [InlineData("a_b-1:c", "a_b-1", "c")]
    public void Parse_WellFormed_SplitsAgentAndAction(string text, string agent, string action)
    {
        TaskType t = TaskType.Parse(text);
        Assert.Equal(agent, t.Agent);
        Assert.Equal(action, t.Action);
        Assert.Equal(text, t.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("quantum")]
    [InlineData(":execute")]
    [InlineData("quantum:")]
    [InlineData("Quantum:execute")]
    [InlineData("quantum:execute:x")]
    [InlineData("quantum :execute")]
    [InlineData("quantum:exécute")]
    public void Parse_Malformed_ThrowsUnknownTaskType(string text)
    {
        var ex = Assert.Throws<QuantumLmException>(() => TaskType.Parse(text));
        Assert.Equal(QuantumLmErrorCodes.UnknownTaskType, ex.ErrorCode);
        Assert.False(TaskType.TryParse(text, out _));
    }

    [Fact]
    public void Parse_OverlongPart_IsRefused() =>
        Assert.False(TaskType.TryParse(new string('a', 65) + ":x", out _));

    [Fact]
    public void TryParse_Null_IsFalse() => Assert.False(TaskType.TryParse(null, out _));
}
