using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Metrics;

/// <summary>Measured counts in packed form: keys in ascending order with positive counts.</summary>
internal sealed class PackedCounts
{
    public PackedCounts(PackedKeys keys, long[] counts, long shots)
    {
        Keys = keys;
        Counts = counts;
        Shots = shots;
    }

    public PackedKeys Keys { get; }

    public long[] Counts { get; }

    public long Shots { get; }

    public int Width => Keys.Width;

    public static PackedCounts From(Counts counts)
    {
        var keys = PackedKeys.FromCanonical(counts.Width, counts.Entries);
        long[] values = new long[counts.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = counts.Entries[i].Value;
        }

        return new PackedCounts(keys, values, counts.Shots);
    }

    /// <summary>The same outcomes with new counts, zero counts removed.</summary>
    public PackedCounts WithCounts(ReadOnlySpan<long> newCounts)
    {
        int nonzero = 0;
        foreach (long c in newCounts)
        {
            nonzero += c > 0 ? 1 : 0;
        }

        int[] index = new int[nonzero];
        long[] values = new long[nonzero];
        long shots = 0;
        for (int i = 0, w = 0; i < newCounts.Length; i++)
        {
            if (newCounts[i] > 0)
            {
                index[w] = i;
                values[w++] = newCounts[i];
                shots += newCounts[i];
            }
        }

        return new PackedCounts(Keys.Select(index), values, shots);
    }
}

/// <summary>The ideal q in packed form, with integer weights for the exact W₂ solver.</summary>
internal sealed class PackedIdeal
{
    /// <summary>The denominator used to discretize a real-valued ideal for the integer W₂ solver: 2^20.</summary>
    public const long Discretization = 1L << 20;

    public PackedIdeal(PackedKeys keys, double[] probabilities, long[] weights, long weightTotal, bool exact)
    {
        Keys = keys;
        Probabilities = probabilities;
        Weights = weights;
        WeightTotal = weightTotal;
        IsExact = exact;
    }

    public PackedKeys Keys { get; }

    public double[] Probabilities { get; }

    /// <summary>Integer weights proportional to q: the reference counts, or q discretized to 2^20 by largest remainder.</summary>
    public long[] Weights { get; }

    public long WeightTotal { get; }

    /// <summary>Gets whether <see cref="Weights"/> are exact (reference counts) rather than a discretization.</summary>
    public bool IsExact { get; }

    public static PackedIdeal From(ProbabilityDistribution ideal)
    {
        var keys = PackedKeys.FromCanonical(ideal.Width, ideal.Entries);
        double[] q = new double[ideal.Count];
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = ideal.Entries[i].Value;
        }

        if (ideal.ReferenceShots is long m && m > 0 && m < (1L << 52))
        {
            long[] w = new long[q.Length];
            long sum = 0;
            for (int i = 0; i < q.Length; i++)
            {
                w[i] = (long)Math.Round(q[i] * m);
                sum += w[i];
            }

            if (sum == m && Array.TrueForAll(w, static v => v > 0))
            {
                return new PackedIdeal(keys, q, w, m, exact: true);
            }
        }

        long[] weights = LargestRemainder(q, Discretization);
        return new PackedIdeal(keys, q, weights, Discretization, exact: false);
    }

    /// <summary>Integer weights summing to <paramref name="total"/>, floor(q·total) plus one for the largest remainders (ties: lower index first).</summary>
    public static long[] LargestRemainder(ReadOnlySpan<double> q, long total)
    {
        long[] w = new long[q.Length];
        var remainders = new (double Rem, int Index)[q.Length];
        long assigned = 0;
        for (int i = 0; i < q.Length; i++)
        {
            double exact = q[i] * total;
            long floor = (long)Math.Floor(exact);
            w[i] = floor;
            assigned += floor;
            remainders[i] = (exact - floor, i);
        }

        Array.Sort(remainders, static (a, b) => a.Rem != b.Rem ? b.Rem.CompareTo(a.Rem) : a.Index.CompareTo(b.Index));
        for (int r = 0; assigned < total && r < remainders.Length; r++, assigned++)
        {
            w[remainders[r].Index]++;
        }

        return w;
    }
}

/// <summary>The metric values of §5 for one (p̂, q) pair, before provenance and intervals are attached.</summary>
internal readonly record struct CoreMetrics(
    double? Phi,
    double PhiEntropy,
    double? Lambda,
    double? Gamma,
    double? Hellinger,
    double? W1MarginalLower,
    W2Result? W2);

/// <summary>The outcome of a W₂ computation.</summary>
internal readonly record struct W2Result(double? Value, string Method, double? Discretization);

/// <summary>The §5 formulas over packed inputs. Pure and deterministic.</summary>
internal static class MetricsEngine
{
    public const string MethodExact = "exact_mincostflow";
    public const string MethodPointMass = "point_mass_closed_form";
    public const string MethodSkipped = "skipped_support_too_large";

    public static CoreMetrics Compute(PackedCounts p, PackedIdeal? q, bool millerMadow, long w2Budget, bool computeW2 = true, CancellationToken cancellationToken = default)
    {
        long[] ones = MarginalCounts(p);
        var (phi, phiEntropy) = Phi(p, millerMadow, ones);
        if (q is null)
        {
            return new CoreMetrics(phi, phiEntropy, null, null, null, null, null);
        }

        var (lambda, gamma, hellinger) = Fidelity(p, q);
        double w1Lower = MarginalLowerBound(p, q, ones);
        W2Result? w2 = computeW2 ? W2(p, q, w2Budget, cancellationToken) : null;
        return new CoreMetrics(phi, phiEntropy, lambda, gamma, hellinger, w1Lower, w2);
    }

    /// <summary>Φ = TC/(n − 1) (null for n &lt; 2) and phi_entropy = H(p̂)/n.</summary>
    public static (double? Phi, double PhiEntropy) Phi(PackedCounts p, bool millerMadow, long[]? marginalCounts = null)
    {
        int n = p.Width;
        long shots = p.Shots;
        double joint = MetricKernels.EntropyOfCounts(p.Counts, shots);
        if (millerMadow)
        {
            joint += MetricKernels.MillerMadow(p.Counts.Length, shots);
        }

        double phiEntropy = joint / n;
        if (n < 2)
        {
            return (null, phiEntropy);
        }

        long[] ones = marginalCounts ?? MarginalCounts(p);
        double sumMarginal = 0, compensation = 0;
        for (int b = 0; b < n; b++)
        {
            double h = MetricKernels.BinaryEntropy(ones[b], shots);
            if (millerMadow)
            {
                int distinct = (ones[b] > 0 ? 1 : 0) + (ones[b] < shots ? 1 : 0);
                h += MetricKernels.MillerMadow(distinct, shots);
            }

            Neumaier(ref sumMarginal, ref compensation, h);
        }

        double tc = sumMarginal + compensation - joint;
        if (!millerMadow && tc < 0)
        {
            tc = 0; // plug-in TC is a KL divergence; a negative value is rounding only
        }

        return (tc / (n - 1), phiEntropy);
    }

    /// <summary>For every bit k, the number of shots with bit k = 1 (exact).</summary>
    public static long[] MarginalCounts(PackedCounts p)
    {
        long[] ones = new long[p.Width];
        MetricKernels.MarginalOnes<long>(p.Keys, p.Counts, ones);
        return ones;
    }

    /// <summary>Λ = BC², Γ = 1 − Λ and the Hellinger distance, from the cancellation-free H² = ½ Σ (√p − √q)².</summary>
    public static (double Lambda, double Gamma, double Hellinger) Fidelity(PackedCounts p, PackedIdeal q)
    {
        double[] prob = System.Buffers.ArrayPool<double>.Shared.Rent(p.Counts.Length);
        double bc, h2;
        try
        {
            Span<double> span = prob.AsSpan(0, p.Counts.Length);
            System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<long, double>(p.Counts, span);
            System.Numerics.Tensors.TensorPrimitives.Divide(span, (double)p.Shots, span);
            (bc, h2) = MetricKernels.Hellinger(p.Keys, span, q.Keys, q.Probabilities);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(prob);
        }

        h2 = Math.Clamp(h2, 0.0, 1.0);

        // BC = 1 − H² exactly; use whichever form has no cancellation.
        double bcUsed = h2 <= 0.5 ? 1.0 - h2 : Math.Clamp(bc, 0.0, 1.0);
        double lambda = bcUsed * bcUsed;
        double gamma = h2 <= 0.5 ? h2 * (2.0 - h2) : 1.0 - lambda;
        return (lambda, gamma, Math.Sqrt(h2));
    }

    /// <summary>Σₖ |p̂ₖ − qₖ| over the per-bit marginals.</summary>
    public static double MarginalLowerBound(PackedCounts p, PackedIdeal q, long[]? marginalCounts = null)
    {
        int n = p.Width;
        long[] onesP = marginalCounts ?? MarginalCounts(p);
        double[] onesQ = new double[n];
        MetricKernels.MarginalOnes<double>(q.Keys, q.Probabilities, onesQ);
        double sum = 0, compensation = 0;
        for (int b = 0; b < n; b++)
        {
            Neumaier(ref sum, ref compensation, Math.Abs(((double)onesP[b] / p.Shots) - onesQ[b]));
        }

        return sum + compensation;
    }

    /// <summary>W₂ under the Hamming ground metric: closed form for a point mass, else exact integer min-cost flow.</summary>
    public static W2Result W2(PackedCounts p, PackedIdeal q, long budget, CancellationToken cancellationToken = default)
    {
        int m = p.Counts.Length, k = q.Weights.Length;
        if (k == 1 || m == 1)
        {
            return new W2Result(Math.Sqrt(PointMass(p, q)), MethodPointMass, null);
        }

        if ((long)m * k > budget)
        {
            return new W2Result(null, MethodSkipped, null);
        }

        // Supplies a_x = C(x)·M' and demands b_y = w(y)·N' with M'/N' = M/N reduced by their gcd: both total N·M/g.
        long n = p.Shots, mw = q.WeightTotal;
        long g = (long)BigGcd(n, mw);
        long scaleP = mw / g, scaleQ = n / g;
        double? discretization = q.IsExact ? null : 1.0 / PackedIdeal.Discretization;
        long[] supply = new long[m];
        long[] demand = new long[k];
        long total;
        try
        {
            total = checked(n * scaleP);
            if (total > long.MaxValue / 8)
            {
                throw new OverflowException();
            }

            for (int i = 0; i < m; i++)
            {
                supply[i] = checked(p.Counts[i] * scaleP);
            }

            for (int j = 0; j < k; j++)
            {
                demand[j] = checked(q.Weights[j] * scaleQ);
            }
        }
        catch (OverflowException)
        {
            // Shot totals too large for exact 64-bit capacities: discretize p̂ as well.
            double[] prob = Probabilities(p);
            long[] wp = PackedIdeal.LargestRemainder(prob, PackedIdeal.Discretization);
            long[] wq = q.IsExact ? PackedIdeal.LargestRemainder(q.Probabilities, PackedIdeal.Discretization) : q.Weights;
            var pKeep = Filter(p.Keys, wp, out supply);
            var qKeep = Filter(q.Keys, wq, out demand);
            total = PackedIdeal.Discretization;
            Int128 cost2 = HammingTransport.MinimumCost(pKeep, supply, qKeep, demand, cancellationToken);
            return new W2Result(Math.Sqrt((double)cost2 / total), MethodExact, 1.0 / PackedIdeal.Discretization);
        }

        Int128 cost = HammingTransport.MinimumCost(p.Keys, supply, q.Keys, demand, cancellationToken);
        return new W2Result(Math.Sqrt((double)cost / total), MethodExact, discretization);
    }

    /// <summary>W₂² when one side is a single outcome: the only coupling is the product.</summary>
    private static double PointMass(PackedCounts p, PackedIdeal q)
    {
        if (q.Weights.Length == 1)
        {
            Int128 sum = 0;
            for (int i = 0; i < p.Counts.Length; i++)
            {
                int d = p.Keys.Distance(i, q.Keys, 0);
                sum += (Int128)p.Counts[i] * (d * d);
            }

            return (double)sum / p.Shots;
        }

        double acc = 0, compensation = 0;
        for (int j = 0; j < q.Probabilities.Length; j++)
        {
            int d = p.Keys.Distance(0, q.Keys, j);
            Neumaier(ref acc, ref compensation, q.Probabilities[j] * d * d);
        }

        return acc + compensation;
    }

    private static PackedKeys Filter(PackedKeys keys, long[] weights, out long[] kept)
    {
        var index = new List<int>();
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] > 0)
            {
                index.Add(i);
            }
        }

        kept = index.Select(i => weights[i]).ToArray();
        return keys.Select(index.ToArray());
    }

    internal static double[] Probabilities(PackedCounts p)
    {
        double[] prob = new double[p.Counts.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<long, double>(p.Counts, prob);
        System.Numerics.Tensors.TensorPrimitives.Divide(prob, (double)p.Shots, prob);
        return prob;
    }

    private static ulong BigGcd(long a, long b)
    {
        ulong x = (ulong)a, y = (ulong)b;
        while (y != 0)
        {
            (x, y) = (y, x % y);
        }

        return x;
    }

    internal static void Neumaier(ref double sum, ref double compensation, double value)
    {
        double t = sum + value;
        compensation += Math.Abs(sum) >= Math.Abs(value) ? (sum - t) + value : (value - t) + sum;
        sum = t;
    }
}
