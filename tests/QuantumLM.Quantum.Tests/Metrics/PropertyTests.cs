using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Tests.Metrics;

/// <summary>FsCheck properties: kernels against the scalar reference, and the metric laws of §5.</summary>
public sealed class PropertyTests
{
    private static readonly TensorMetricsCalculator s_calculator = new();

    private static int Width(ulong seed, int max) => 1 + (int)(seed % (ulong)max);

    [Property(MaxTest = 200)]
    public bool Kernels_MatchScalarReference(ulong seed)
    {
        var rng = new SeededRandom(seed);
        int width = Width(seed, 140);
        Counts counts = RandomInputs.Counts(rng, width, 300, 1000);
        var p = PackedCounts.From(counts);
        var reference = ScalarReference.Normalize(counts);

        // Packing round-trips.
        for (int i = 0; i < counts.Count; i++)
        {
            if (p.Keys.Format(i) != counts.Entries[i].Key)
            {
                return false;
            }
        }

        // Entropy.
        double h = MetricKernels.EntropyOfCounts(p.Counts, p.Shots);
        if (Math.Abs(h - ScalarReference.Entropy(reference.Values)) > 1e-12)
        {
            return false;
        }

        // Marginals, integer and double.
        long[] ones = new long[width];
        MetricKernels.MarginalOnes<long>(p.Keys, p.Counts, ones);
        double[] marginals = ScalarReference.Marginals(reference, width);
        double[] prob = MetricsEngine.Probabilities(p);
        double[] onesD = new double[width];
        MetricKernels.MarginalOnes<double>(p.Keys, prob, onesD);
        for (int k = 0; k < width; k++)
        {
            if (Math.Abs(((double)ones[k] / p.Shots) - marginals[k]) > 1e-12 || Math.Abs(onesD[k] - marginals[k]) > 1e-12)
            {
                return false;
            }
        }

        // Bhattacharyya and Hellinger sums against a second random distribution.
        Counts other = RandomInputs.Counts(rng, width, 300, 1000);
        var q = PackedIdeal.From(ProbabilityDistribution.FromCounts(other));
        var (bc, h2) = MetricKernels.Hellinger(p.Keys, prob, q.Keys, q.Probabilities);
        var refQ = ScalarReference.Normalize(other);
        double refH = ScalarReference.QiskitHellingerDistance(reference, refQ);
        return Math.Abs(bc - ScalarReference.Bhattacharyya(reference, refQ)) <= 1e-12
            && Math.Abs(h2 - (refH * refH)) <= 1e-12;
    }

    [Property(MaxTest = 200)]
    public bool Lambda_IsQiskitHellingerFidelity_Symmetric_InUnitInterval(ulong seed)
    {
        var rng = new SeededRandom(seed);
        int width = Width(seed, 12);
        Counts a = RandomInputs.Counts(rng, width, 40);
        Counts b = RandomInputs.Counts(rng, width, 40);
        double ab = s_calculator.Compute(a, ProbabilityDistribution.FromCounts(b)).Lambda!.Value;
        double ba = s_calculator.Compute(b, ProbabilityDistribution.FromCounts(a)).Lambda!.Value;
        double qiskit = ScalarReference.QiskitHellingerFidelity(ScalarReference.Normalize(a), ScalarReference.Normalize(b));
        return Math.Abs(ab - ba) <= 1e-12 && ab >= 0 && ab <= 1 && Math.Abs(ab - qiskit) <= 1e-12;
    }

    [Property(MaxTest = 200)]
    public bool Lambda_IsOneIffEqual(ulong seed)
    {
        var rng = new SeededRandom(seed);
        int width = Width(seed, 10);
        Counts a = RandomInputs.Counts(rng, width, 30);
        long factor = 1 + (long)(seed % 7);
        Counts scaled = Counts.Create(a.Entries.Select(e => new KeyValuePair<string, long>(e.Key, e.Value * factor)));
        TensorMetrics same = s_calculator.Compute(a, ProbabilityDistribution.FromCounts(scaled));
        Counts b = RandomInputs.Counts(rng, width, 30);
        bool equal = ScalarReference.TotalVariation(ScalarReference.Normalize(a), ScalarReference.Normalize(b)) == 0;
        double lb = s_calculator.Compute(a, ProbabilityDistribution.FromCounts(b)).Lambda!.Value;
        return same.Lambda == 1.0 && same.Gamma == 0.0 && same.W2 == 0.0 && (equal || lb < 1.0);
    }

    [Property(MaxTest = 100)]
    public bool Phi_IsZeroForProductDistributions(ulong seed)
    {
        // A product of independent bits: counts(x) = Π_k c_k(x_k) with small integer factors, so p̂ factorizes exactly.
        var rng = new SeededRandom(seed);
        int width = 2 + (int)(seed % 7);
        long[,] factors = new long[width, 2];
        for (int k = 0; k < width; k++)
        {
            factors[k, 0] = 1 + (long)rng.NextUInt64(4);
            factors[k, 1] = 1 + (long)rng.NextUInt64(4);
        }

        var entries = new List<KeyValuePair<string, long>>();
        for (int x = 0; x < 1 << width; x++)
        {
            long c = 1;
            for (int k = 0; k < width; k++)
            {
                c *= factors[k, (x >> k) & 1];
            }

            entries.Add(new(Convert.ToString(x, 2).PadLeft(width, '0'), c));
        }

        return Math.Abs(s_calculator.Compute(Counts.Create(entries), null).Phi!.Value) <= 1e-12;
    }

    [Property(MaxTest = 60)]
    public bool Phi_IsOneForGhz(PositiveInt size, PositiveInt shots)
    {
        int n = 2 + (size.Get % 200);
        long half = shots.Get;
        var counts = Counts.Create(new Dictionary<string, long> { [new string('0', n)] = half, [new string('1', n)] = half });
        return Math.Abs(s_calculator.Compute(counts, null).Phi!.Value - 1.0) <= 1e-12;
    }

    [Property(MaxTest = 150)]
    public bool W2_EqualsBruteForce_AndRespectsTheBounds(ulong seed)
    {
        var rng = new SeededRandom(seed);
        int width = Width(seed, 8);
        Counts a = RandomInputs.Counts(rng, width, 6, 20);
        Counts b = RandomInputs.Counts(rng, width, 6, 20);
        double w2 = s_calculator.Compute(a, ProbabilityDistribution.FromCounts(b)).W2!.Value;
        double brute = ScalarReference.W2(a.Entries, b.Entries);
        double w1 = ScalarReference.W1(a.Entries, b.Entries);
        var pa = ScalarReference.Normalize(a);
        var pb = ScalarReference.Normalize(b);
        double[] ma = ScalarReference.Marginals(pa, width);
        double[] mb = ScalarReference.Marginals(pb, width);
        double lower = ma.Zip(mb, (x, y) => Math.Abs(x - y)).Sum();
        double upper = width * Math.Sqrt(ScalarReference.TotalVariation(pa, pb));
        const double eps = 1e-9;
        return Math.Abs(w2 - brute) <= 1e-9 && lower <= w1 + eps && w1 <= w2 + eps && w2 <= upper + eps;
    }

    [Property(MaxTest = 100)]
    public bool W2_IsSymmetric_ZeroIffEqual_AndSatisfiesTheTriangleInequality(ulong seed)
    {
        var rng = new SeededRandom(seed);
        int width = Width(seed, 10);
        Counts a = RandomInputs.Counts(rng, width, 12, 30);
        Counts b = RandomInputs.Counts(rng, width, 12, 30);
        Counts c = RandomInputs.Counts(rng, width, 12, 30);
        double W(Counts x, Counts y) => s_calculator.Compute(x, ProbabilityDistribution.FromCounts(y)).W2!.Value;
        double ab = W(a, b), ba = W(b, a), bc = W(b, c), ac = W(a, c);
        bool equal = ScalarReference.TotalVariation(ScalarReference.Normalize(a), ScalarReference.Normalize(b)) == 0;
        return Math.Abs(ab - ba) <= 1e-12 && ac <= ab + bc + 1e-9 && W(a, a) == 0 && (equal == (ab == 0));
    }

    [Property(MaxTest = 30)]
    public bool W2_LargeSupports_ColumnGenerationMatchesAllPairs(ulong seed)
    {
        // Supports large enough for the sparse column-generation path (above HammingTransport.DenseLimit pairs)
        // against one solve over every pair.
        return SparseEqualsDense(seed, 16 + (int)(seed % 50));
    }

    [Theory]
    [InlineData(1UL, 100)]
    [InlineData(2UL, 156)]
    public void W2_WideKeys_ColumnGenerationMatchesAllPairs(ulong seed, int width) => Assert.True(SparseEqualsDense(seed, width));

    private static bool SparseEqualsDense(ulong seed, int width)
    {
        var rng = new SeededRandom(seed);
        var a = PackedCounts.From(RandomInputs.Counts(rng, width, 400, 40, minSupport: 300));
        var b = PackedCounts.From(RandomInputs.Counts(rng, width, 400, 40, minSupport: 300));
        Assert.True((long)a.Counts.Length * b.Counts.Length > HammingTransport.DenseLimit);

        long[] supply = a.Counts.Select(c => c * b.Shots).ToArray();
        long[] demand = b.Counts.Select(c => c * a.Shots).ToArray();
        Int128 sparse = HammingTransport.MinimumCost(a.Keys, supply, b.Keys, demand);
        int m = a.Counts.Length, k = b.Counts.Length;
        long[] all = new long[m * k];
        int[] cost = new int[m * k];
        for (int i = 0; i < all.Length; i++)
        {
            all[i] = i;
            int d = a.Keys.Distance(i / k, b.Keys, i % k);
            cost[i] = d * d;
        }

        Int128 dense = new SparseTransport(m, k, all, cost, supply, demand).Solve(CancellationToken.None);
        return sparse == dense;
    }
}
