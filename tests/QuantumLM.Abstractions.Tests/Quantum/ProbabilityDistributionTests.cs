using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Abstractions.Tests.Quantum;

public sealed class ProbabilityDistributionTests
{
    private static CountsValidationException Fails(Action action) => Assert.Throws<CountsValidationException>(action);

    [Fact]
    public void Create_Bell_IsNormalized()
    {
        var q = ProbabilityDistribution.Create([new("00", 0.5), new("11", 0.5)]);
        Assert.Equal(2, q.Width);
        Assert.Equal(0.5, q["00"]);
        Assert.Equal(0.0, q["01"]);
    }

    [Fact]
    public void Create_SumWithinTolerance_IsRenormalized()
    {
        var q = ProbabilityDistribution.Create([new("0", 0.5 + 4e-10), new("1", 0.5)]);
        Assert.Equal(1.0, q.Values.Sum(), 15);
    }

    [Fact]
    public void Create_SumOutsideTolerance_IsNotNormalized()
    {
        var ex = Fails(() => ProbabilityDistribution.Create([new("0", 0.5), new("1", 0.5 + 2e-9)]));
        Assert.Equal(QuantumLmErrorCodes.IdealNotNormalized, ex.ErrorCode);
    }

    [Fact]
    public void Create_Negative_IsIdealNegative()
    {
        var ex = Fails(() => ProbabilityDistribution.Create([new("0", 1.5), new("1", -0.5)]));
        Assert.Equal(QuantumLmErrorCodes.IdealNegative, ex.ErrorCode);
    }

    [Fact]
    public void Create_NaN_IsInvalidIdeal()
    {
        var ex = Fails(() => ProbabilityDistribution.Create([new("0", double.NaN)]));
        Assert.Equal(QuantumLmErrorCodes.InvalidIdeal, ex.ErrorCode);
    }

    [Fact]
    public void Create_BadKey_IsInvalidIdeal()
    {
        var ex = Fails(() => ProbabilityDistribution.Create([new("2", 1.0)]));
        Assert.Equal(QuantumLmErrorCodes.InvalidIdeal, ex.ErrorCode);
    }

    [Fact]
    public void Create_Empty_IsIdealEmpty()
    {
        Assert.Equal(QuantumLmErrorCodes.IdealEmpty, Fails(() => ProbabilityDistribution.Create([])).ErrorCode);
        Assert.Equal(QuantumLmErrorCodes.IdealEmpty, Fails(() => ProbabilityDistribution.Create([new("0", 0.0)])).ErrorCode);
    }

    [Fact]
    public void Create_WidthIsLongestBinaryKey_HexKeysExcluded()
    {
        // "0x1" is "1" in binary; "0001" sets the width to 4 and the hex key is padded to it.
        var q = ProbabilityDistribution.Create([new("0001", 0.5), new("0x2", 0.5)]);
        Assert.Equal(4, q.Width);
        Assert.Equal(0.5, q["0010"]);
    }

    [Fact]
    public void Create_HexKeyWiderThanBinaryKeys_IsKeyTooLong()
    {
        var ex = Fails(() => ProbabilityDistribution.Create([new("01", 0.5), new("0x7", 0.5)]));
        Assert.Equal(QuantumLmErrorCodes.KeyTooLong, ex.ErrorCode);
    }

    [Fact]
    public void FromCounts_EmptyReference_IsIdealEmpty()
    {
        var ex = Fails(() => ProbabilityDistribution.FromCounts(Counts.Empty(2)));
        Assert.Equal(QuantumLmErrorCodes.IdealEmpty, ex.ErrorCode);
    }

    [Fact]
    public void FromCounts_DividesByShots()
    {
        var q = Counts.Create([new("0", 1L), new("1", 3L)]).ToDistribution();
        Assert.Equal(0.25, q["0"]);
        Assert.Equal(0.75, q["1"]);
        Assert.Equal(4, q.ReferenceShots);
    }

    [Fact]
    public void AlignTo_Narrower_IsWidthMismatch()
    {
        var q = ProbabilityDistribution.Create([new("0", 1.0)]);
        Assert.Equal(QuantumLmErrorCodes.WidthMismatch, Fails(() => q.AlignTo(3)).ErrorCode);
    }

    [Fact]
    public void AlignTo_WiderWithZeroHighBits_IsTrimmed()
    {
        var q = ProbabilityDistribution.Create([new("001", 0.5), new("010", 0.5)]);
        var aligned = q.AlignTo(2);
        Assert.Equal(2, aligned.Width);
        Assert.Equal(0.5, aligned["01"]);
    }

    [Fact]
    public void AlignTo_WiderWithOneHighBit_IsWidthMismatch()
    {
        var q = ProbabilityDistribution.Create([new("101", 1.0)]);
        Assert.Equal(QuantumLmErrorCodes.WidthMismatch, Fails(() => q.AlignTo(2)).ErrorCode);
    }
}
