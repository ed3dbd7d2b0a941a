using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Tests.Metrics;

public sealed class CalculatorTests
{
    private static readonly TensorMetricsCalculator s_calculator = new();

    [Fact]
    public void EmptyCounts_EveryMetricNullWithReason()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["00"] = 0, ["11"] = 0 });
        TensorMetrics m = s_calculator.Compute(counts, ProbabilityDistribution.Create(new Dictionary<string, double> { ["00"] = 1 }));
        Assert.Equal("empty_counts", m.Reason);
        Assert.Null(m.Phi);
        Assert.Null(m.Lambda);
        Assert.Null(m.Gamma);
        Assert.Null(m.W2);
        Assert.Null(m.W2Normalized);
        Assert.Null(m.W2Method);
        Assert.Null(m.HellingerDistance);
        Assert.Null(m.PhiEntropy);
        Assert.Null(m.PhiUndersampled);
        Assert.Null(m.W1MarginalLower);
        Assert.Equal(0, m.Shots);
        Assert.Equal(2, m.Width);
    }

    [Fact]
    public void BadIdeal_RejectedEvenWhenCountsAreEmpty()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["000"] = 0 });
        var narrow = ProbabilityDistribution.Create(new Dictionary<string, double> { ["00"] = 1 });
        var ex = Assert.Throws<CountsValidationException>(() => s_calculator.Compute(counts, narrow));
        Assert.Equal(QuantumLmErrorCodes.WidthMismatch, ex.ErrorCode);
    }

    [Fact]
    public void NoIdeal_LambdaGammaW2HellingerNull_PhiComputed()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["000"] = 10, ["111"] = 10 });
        TensorMetrics m = s_calculator.Compute(counts, null);
        Assert.Null(m.Lambda);
        Assert.Null(m.Gamma);
        Assert.Null(m.W2);
        Assert.Null(m.W2Normalized);
        Assert.Null(m.HellingerDistance);
        Assert.Null(m.W2GroundMetric);
        Assert.Equal(IdealSources.None, m.IdealSource);
        Assert.Equal(1.0, m.Phi!.Value, 1e-12);
        Assert.Equal(1.0 / 3, m.PhiEntropy!.Value, 1e-12);
    }

    [Fact]
    public void WiderIdeal_AcceptedWhenSurplusBitsZero_ElseWidthMismatch()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["01"] = 1, ["10"] = 1 });
        var wide = ProbabilityDistribution.Create(new Dictionary<string, double> { ["001"] = 0.5, ["010"] = 0.5 });
        Assert.Equal(1.0, s_calculator.Compute(counts, wide).Lambda!.Value, 1e-12);
        var bad = ProbabilityDistribution.Create(new Dictionary<string, double> { ["101"] = 0.5, ["010"] = 0.5 });
        Assert.Equal(QuantumLmErrorCodes.WidthMismatch, Assert.Throws<CountsValidationException>(() => s_calculator.Compute(counts, bad)).ErrorCode);
    }

    [Fact]
    public void IdenticalDistributions_LambdaExactlyOne_GammaAndW2ExactlyZero()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["001"] = 3, ["110"] = 5, ["111"] = 7 });
        var reference = Counts.Create(new Dictionary<string, long> { ["001"] = 6, ["110"] = 10, ["111"] = 14 });
        TensorMetrics m = s_calculator.Compute(counts, ProbabilityDistribution.FromCounts(reference));
        Assert.Equal(1.0, m.Lambda);
        Assert.Equal(0.0, m.Gamma);
        Assert.Equal(0.0, m.HellingerDistance);
        Assert.Equal(0.0, m.W2);
    }

    [Fact]
    public void DisjointSupports_LambdaZero()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["00"] = 1 });
        var ideal = ProbabilityDistribution.Create(new Dictionary<string, double> { ["11"] = 1 });
        TensorMetrics m = s_calculator.Compute(counts, ideal);
        Assert.Equal(0.0, m.Lambda);
        Assert.Equal(1.0, m.Gamma);
        Assert.Equal(2.0, m.W2!.Value, 1e-12);
    }

    [Fact]
    public void TinyIdealProbabilities_RoundToZeroWeight_StillSolve()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["000"] = 480, ["111"] = 470, ["001"] = 30, ["110"] = 20 });
        var withTiny = ProbabilityDistribution.Create(new Dictionary<string, double> { ["000"] = 0.5, ["111"] = 0.4999999995, ["010"] = 5e-10 });
        var without = ProbabilityDistribution.Create(new Dictionary<string, double> { ["000"] = 0.5, ["111"] = 0.5 });
        double a = s_calculator.Compute(counts, withTiny).W2!.Value;
        double b = s_calculator.Compute(counts, without).W2!.Value;
        Assert.Equal(b, a, 1e-6);
        Assert.Equal(ScalarReference.W2(counts.Entries, [new("000", 1), new("111", 1)]), b, 1e-12); // = √0.08 (hand: 0.02·1 + 0.02·1 + 0.01·4)
        Assert.Equal(Math.Sqrt(0.08), b, 1e-12);
    }

    [Fact]
    public void Undersampled_WhenDistinctOutcomesExceedATenthOfShots()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["00"] = 5, ["01"] = 1, ["10"] = 1, ["11"] = 1 });
        Assert.True(s_calculator.Compute(counts, null).PhiUndersampled);
    }

    [Fact]
    public void MillerMadow_AddsTheCorrectionToEachEntropy()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["00"] = 480, ["11"] = 470, ["01"] = 30, ["10"] = 20 });
        TensorMetrics plain = s_calculator.Compute(counts, null);
        TensorMetrics mm = s_calculator.Compute(counts, null, new TensorMetricsOptions { MillerMadow = true });
        double ln2 = Math.Log(2);
        double joint = (4 - 1) / (2.0 * 1000 * ln2);
        double perBit = (2 - 1) / (2.0 * 1000 * ln2);
        Assert.True(mm.PhiMillerMadow);
        Assert.Equal(plain.PhiEntropy!.Value + (joint / 2), mm.PhiEntropy!.Value, 1e-12);
        Assert.Equal(plain.Phi!.Value + (2 * perBit) - joint, mm.Phi!.Value, 1e-12);
    }

    [Fact]
    public void W2Budget_SkipsAndKeepsTheMarginalLowerBound()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["00"] = 480, ["11"] = 470, ["01"] = 30, ["10"] = 20 });
        var ideal = ProbabilityDistribution.Create(new Dictionary<string, double> { ["00"] = 0.5, ["11"] = 0.5 });
        TensorMetrics m = s_calculator.Compute(counts, ideal, new TensorMetricsOptions { W2SupportBudget = 7 });
        Assert.Null(m.W2);
        Assert.Null(m.W2Normalized);
        Assert.Equal("skipped_support_too_large", m.W2Method);
        Assert.Equal(0.01, m.W1MarginalLower!.Value, 1e-12);
        Assert.NotNull(m.Lambda);
    }

    [Fact]
    public void Bootstrap_ReproducibleBySeed_AndContainsTheEstimate()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["00"] = 480, ["11"] = 470, ["01"] = 30, ["10"] = 20 });
        var ideal = ProbabilityDistribution.Create(new Dictionary<string, double> { ["00"] = 0.5, ["11"] = 0.5 });
        var options = new TensorMetricsOptions { BootstrapSamples = 200, BootstrapSeed = 42 };
        TensorMetrics a = s_calculator.Compute(counts, ideal, options);
        TensorMetrics b = s_calculator.Compute(counts, ideal, options);
        TensorMetrics c = s_calculator.Compute(counts, ideal, options with { BootstrapSeed = 43 });
        Assert.Equal(a.Ci95, b.Ci95);
        Assert.NotEqual(a.Ci95, c.Ci95);
        foreach (var (interval, value) in new[] { (a.Ci95.Lambda, a.Lambda), (a.Ci95.Phi, a.Phi), (a.Ci95.W2, a.W2) })
        {
            Assert.NotNull(interval);
            Assert.InRange(value!.Value, interval!.Value.Low - 0.02, interval.Value.High + 0.02);
            Assert.True(interval.Value.Low <= interval.Value.High);
        }
    }

    [Fact]
    public void Bootstrap_Resample_KeepsTheShotTotal()
    {
        long[] cumulative = [480, 950, 980, 1000];
        long[] counts = MetricsBootstrap.Resample(cumulative, 1000, new SeededRandom(7));
        Assert.Equal(1000, counts.Sum());
        Assert.InRange(counts[0], 400, 560);
    }

    [Fact]
    public void Quantile_InterpolatesLinearlyLikeNumpy()
    {
        double[] sorted = [1, 2, 3, 4, 5];
        Assert.Equal(1.1, MetricsBootstrap.Quantile(sorted, 0.025), 12); // numpy.percentile([1..5], 2.5) = 1.1
        Assert.Equal(4.9, MetricsBootstrap.Quantile(sorted, 0.975), 12);
    }

    [Fact]
    public void KeyOrderAndSpelling_DoNotChangeTheResult()
    {
        var a = Counts.Create(new List<KeyValuePair<string, long>> { new("0 11", 5), new("1 00", 3), new("010", 2) });
        var b = Counts.Create(new List<KeyValuePair<string, long>> { new("0x2", 2), new("0X4", 3), new("11", 5) }, width: 3);
        var ideal = ProbabilityDistribution.Create(new Dictionary<string, double> { ["011"] = 0.25, ["100"] = 0.75 });
        var ma = s_calculator.Compute(a, ideal);
        var mb = s_calculator.Compute(b, ideal);
        Assert.Equal(ma, mb);
    }

    [Fact]
    public void WideKeys_156Bits_Work()
    {
        string zeros = new('0', 156);
        string ones = new('1', 156);
        string oneFlip = "1" + new string('0', 155);
        var counts = Counts.Create(new Dictionary<string, long> { [zeros] = 45, [ones] = 45, [oneFlip] = 10 });
        var ideal = ProbabilityDistribution.Create(new Dictionary<string, double> { [zeros] = 0.5, [ones] = 0.5 });
        TensorMetrics m = s_calculator.Compute(counts, ideal);
        Assert.Equal(156, m.Width);
        // The flipped shots (bit 155) move one bit: 0.05 of mass at cost 1 onto 0…0 would overfill it, so optimal W₂²
        // is by the reference solver.
        double expected = ScalarReference.W2(counts.Entries, [new(zeros, 1), new(ones, 1)]);
        Assert.Equal(expected, m.W2!.Value, 1e-12);
        var p = ScalarReference.Normalize(counts);
        Assert.Equal(ScalarReference.TotalCorrelation(p, 156) / 155, m.Phi!.Value, 1e-12);
        Assert.Equal(Math.Pow(ScalarReference.Bhattacharyya(p, ideal.ToDictionary(kv => kv.Key, kv => kv.Value)), 2), m.Lambda!.Value, 1e-12);
    }
}
