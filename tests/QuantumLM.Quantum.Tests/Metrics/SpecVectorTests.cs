using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Tests.Metrics;

/// <summary>The worked example and the two extra checks of metrics specification §5.5, to 1e-6.</summary>
public sealed class SpecVectorTests
{
    private const double Tolerance = 1e-6;
    private static readonly TensorMetricsCalculator s_calculator = new();

    private static Counts Bell() => Counts.Create(new Dictionary<string, long> { ["00"] = 480, ["11"] = 470, ["01"] = 30, ["10"] = 20 });

    private static ProbabilityDistribution BellIdeal() => ProbabilityDistribution.Create(new Dictionary<string, double> { ["00"] = 0.5, ["11"] = 0.5 });

    [Fact]
    public void WorkedExample_MatchesEveryTableValue()
    {
        TensorMetrics m = s_calculator.Compute(Bell(), BellIdeal());

        Assert.Equal(0.974666, Math.Sqrt(m.Lambda!.Value), Tolerance); // BC
        Assert.Equal(0.949974, m.Lambda!.Value, Tolerance);
        Assert.Equal(0.050026, m.Gamma!.Value, Tolerance);
        Assert.Equal(0.714843, m.Phi!.Value, Tolerance); // TC/(n−1) with n = 2
        Assert.Equal(0.223607, m.W2!.Value, Tolerance);
        Assert.Equal(0.111803, m.W2Normalized!.Value, Tolerance);
        Assert.Equal(0.01, m.W1MarginalLower!.Value, Tolerance);
        Assert.Equal(0.159167, m.HellingerDistance!.Value, Tolerance);
        Assert.Equal(0.642434, m.PhiEntropy!.Value, Tolerance);
        Assert.Equal("exact_mincostflow", m.W2Method);
        Assert.Equal("hamming", m.W2GroundMetric);
        Assert.Equal(1000, m.Shots);
        Assert.Equal(2, m.Width);
        Assert.Equal(4, m.DistinctOutcomes);
        Assert.Equal(IdealSources.Distribution, m.IdealSource);
        Assert.False(m.PhiUndersampled); // K = 4 ≤ N/10 = 100
        Assert.Equal(Math.Pow(2, -20), m.W2Discretization); // a distribution ideal is discretized at 2^-20 (exact here)
    }

    [Fact]
    public void WorkedExample_JointEntropyAndIdealTotalCorrelation()
    {
        TensorMetrics m = s_calculator.Compute(Bell(), BellIdeal());
        Assert.Equal(1.284869, m.PhiEntropy!.Value * 2, Tolerance); // H = 1.284869 bits

        // TC(q) = 1.0: the ideal Bell distribution as counts.
        TensorMetrics ideal = s_calculator.Compute(Counts.Create(new Dictionary<string, long> { ["00"] = 1, ["11"] = 1 }), null);
        Assert.Equal(1.0, ideal.Phi!.Value, 1e-12);
    }

    [Fact]
    public void WorkedExample_W1AndTheBounds()
    {
        var p = Bell().Entries;
        var q = new List<KeyValuePair<string, long>> { new("00", 1), new("11", 1) };
        double w1 = ScalarReference.W1(p, q);
        double w2 = s_calculator.Compute(Bell(), BellIdeal()).W2!.Value;
        Assert.Equal(0.05, w1, Tolerance);
        Assert.True(0.01 <= w1 + 1e-12 && w1 <= w2 + 1e-12);
        Assert.Equal(0.4472, 2 * Math.Sqrt(0.05), 1e-4); // n·√TV with TV = 0.05
        Assert.True(w2 <= (2 * Math.Sqrt(0.05)) + 1e-12);
    }

    [Fact]
    public void PointMass_ClosedFormAndLinearProgramAgree()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["000"] = 5, ["011"] = 3, ["111"] = 2 });
        var delta = ProbabilityDistribution.Create(new Dictionary<string, double> { ["000"] = 1.0 });
        TensorMetrics m = s_calculator.Compute(counts, delta);
        Assert.Equal(1.732051, m.W2!.Value, Tolerance);
        Assert.Equal("point_mass_closed_form", m.W2Method);

        // The same problem through the integer min-cost flow (which the closed form bypasses).
        var p = PackedCounts.From(counts);
        var q = PackedIdeal.From(delta);
        Int128 cost = HammingTransport.MinimumCost(p.Keys, p.Counts, q.Keys, [p.Shots]);
        Assert.Equal(1.732051, Math.Sqrt((double)cost / p.Shots), Tolerance);
        Assert.Equal(Math.Sqrt(3), ScalarReference.W2(counts.Entries, [new("000", 1)]), 1e-12);
    }

    [Fact]
    public void Bernoulli_AgainstDistributionAndReferenceCounts()
    {
        var counts = Counts.Create(new Dictionary<string, long> { ["0"] = 7, ["1"] = 3 });
        TensorMetrics fromDistribution = s_calculator.Compute(counts, ProbabilityDistribution.Create(new Dictionary<string, double> { ["0"] = 0.4, ["1"] = 0.6 }));
        Assert.Equal(0.547723, fromDistribution.W2!.Value, Tolerance);
        Assert.Equal(Math.Pow(2, -20), fromDistribution.W2Discretization);
        Assert.Null(fromDistribution.Phi); // n = 1
        Assert.NotNull(fromDistribution.PhiEntropy);

        var reference = Counts.Create(new Dictionary<string, long> { ["0"] = 4, ["1"] = 6 });
        TensorMetrics fromCounts = s_calculator.Compute(counts, ProbabilityDistribution.FromCounts(reference));
        Assert.Equal(Math.Sqrt(0.3), fromCounts.W2!.Value, 1e-12);
        Assert.Null(fromCounts.W2Discretization);
        Assert.Equal(IdealSources.ReferenceCounts, fromCounts.IdealSource);
        Assert.Equal(10, fromCounts.IdealShots);
    }
}
