using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Metrics;

/// <summary>
/// Percentile bootstrap (§5.1): B replicates of N shots drawn multinomially from p̂ (the ideal stays fixed), each
/// replicate drawn from its own generator <c>new SeededRandom(seed).Fork(b)</c>, so the intervals depend only on the
/// seed and B, not on thread scheduling. Quantiles interpolate linearly between order statistics (numpy's default).
/// </summary>
internal static class MetricsBootstrap
{
    public static MetricIntervals Run(PackedCounts p, PackedIdeal? q, TensorMetricsOptions options, bool w2Defined, CancellationToken cancellationToken)
    {
        int b = options.BootstrapSamples;
        var root = new SeededRandom(options.BootstrapSeed);
        long[] cumulative = new long[p.Counts.Length];
        long running = 0;
        for (int i = 0; i < cumulative.Length; i++)
        {
            running += p.Counts[i];
            cumulative[i] = running;
        }

        double[] lambda = new double[b];
        double[] phi = new double[b];
        double[] w2 = new double[b];
        bool[] w2Ok = new bool[b];
        bool phiDefined = p.Width >= 2;
        Parallel.For(
            0,
            b,
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            replicate =>
            {
                SeededRandom rng = root.Fork((ulong)replicate);
                long[] resampled = Resample(cumulative, p.Shots, rng);
                PackedCounts star = p.WithCounts(resampled);
                if (phiDefined)
                {
                    phi[replicate] = MetricsEngine.Phi(star, options.MillerMadow).Phi ?? double.NaN;
                }

                if (q is not null)
                {
                    lambda[replicate] = MetricsEngine.Fidelity(star, q).Lambda;
                    if (w2Defined)
                    {
                        var r = MetricsEngine.W2(star, q, options.W2SupportBudget, cancellationToken);
                        w2[replicate] = r.Value ?? double.NaN;
                        w2Ok[replicate] = r.Value is not null;
                    }
                }
            });

        return new MetricIntervals(
            q is null ? null : Interval(lambda),
            phiDefined ? Interval(phi) : null,
            q is not null && w2Defined && Array.TrueForAll(w2Ok, static ok => ok) ? Interval(w2) : null);
    }

    /// <summary>Draws N shots from the empirical distribution given by cumulative counts.</summary>
    internal static long[] Resample(long[] cumulative, long shots, SeededRandom rng)
    {
        long[] counts = new long[cumulative.Length];
        for (long s = 0; s < shots; s++)
        {
            long u = (long)rng.NextUInt64((ulong)shots);
            int idx = Array.BinarySearch(cumulative, u + 1);
            if (idx < 0)
            {
                idx = ~idx;
            }

            counts[idx]++;
        }

        return counts;
    }

    /// <summary>The 2.5 % and 97.5 % percentiles with linear interpolation.</summary>
    internal static ConfidenceInterval Interval(double[] values)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return new ConfidenceInterval(Quantile(sorted, 0.025), Quantile(sorted, 0.975));
    }

    internal static double Quantile(double[] sorted, double q)
    {
        if (sorted.Length == 1)
        {
            return sorted[0];
        }

        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
