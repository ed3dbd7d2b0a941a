using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Abstractions.Tests;

public sealed class IdsTests
{
    [Fact]
    public void UserId_RoundTripsThroughText()
    {
        UserId id = UserId.New();
        Assert.True(UserId.TryParse(id.ToString(), null, out UserId parsed));
        Assert.Equal(id, parsed);
    }

    [Fact]
    public void TaskId_TryParse_RejectsGarbage() => Assert.False(TaskId.TryParse("not-a-guid", null, out _));

    [Fact]
    public void New_IdsAreTimeOrdered()
    {
        JobId a = JobId.New();
        JobId b = JobId.New();
        Assert.NotEqual(a, b);
        Assert.Equal(7, a.Value.Version);
    }

    [Fact]
    public void CommitId_NormalizesToLowercase()
    {
        string hex = new string('A', 64);
        Assert.Equal(new string('a', 64), new CommitId(hex).Value);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    public void CommitId_RejectsNonSha256(string value) => Assert.Throws<ArgumentException>(() => new CommitId(value));

    [Fact]
    public void QuantumJobStatus_ComparesCaseInsensitivelyOnWireValue()
    {
        Assert.Equal(QuantumJobStatus.Completed, new QuantumJobStatus("completed"));
        Assert.True(QuantumJobStatus.Cancelled.IsTerminal);
        Assert.False(QuantumJobStatus.Running.IsTerminal);
    }

    [Fact]
    public void QuantumLmException_CarriesCodeAndTransience()
    {
        var ex = new QuantumLmException(QuantumLmErrorCodes.ServiceError, "boom", isTransient: true);
        Assert.True(ex.IsTransient);
        Assert.Equal("service_error", ex.ErrorCode);
        Assert.False(new QuantumLmException("x").IsTransient);
    }
}
