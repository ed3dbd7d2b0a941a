using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Benchmarks.Metrics;

/// <summary>Scalar baseline: the same Φ/entropy/marginal/Λ work as simple loops, no vectors.</summary>
internal static class ScalarMetrics
{
    public static double All(PackedCounts p, double[] prob, PackedIdeal q)
    {
        int n = p.Width;
        double h = 0;
        foreach (double x in prob)
        {
            h -= x * Math.Log2(x);
        }

        double[] ones = Marginals(p.Keys, prob, n);
        double sum = 0;
        foreach (double o in ones)
        {
            double z = 1 - o;
            sum -= (o > 0 ? o * Math.Log2(o) : 0) + (z > 0 ? z * Math.Log2(z) : 0);
        }

        double phi = (sum - h) / (n - 1);

        // Merge on the union, √ and the Hellinger sums.
        ulong[] a = p.Keys.Limb(0), c = q.Keys.Limb(0);
        int i = 0, j = 0;
        double bc = 0, h2 = 0;
        while (i < a.Length || j < c.Length)
        {
            double pi, qj;
            if (j == c.Length || (i < a.Length && a[i] < c[j]))
            {
                pi = prob[i++];
                qj = 0;
            }
            else if (i == a.Length || c[j] < a[i])
            {
                pi = 0;
                qj = q.Probabilities[j++];
            }
            else
            {
                pi = prob[i++];
                qj = q.Probabilities[j++];
            }

            double sp = Math.Sqrt(pi), sq = Math.Sqrt(qj);
            bc += sp * sq;
            h2 += (sp - sq) * (sp - sq);
        }

        return phi + (h / n) + (bc * bc) + (1 - (bc * bc)) + Math.Sqrt(h2 / 2);
    }

    private static double[] Marginals(PackedKeys keys, double[] weights, int n)
    {
        double[] ones = new double[n];
        ulong[] k = keys.Limb(0);
        for (int i = 0; i < k.Length; i++)
        {
            for (int b = 0; b < n; b++)
            {
                if (((k[i] >> b) & 1) != 0)
                {
                    ones[b] += weights[i];
                }
            }
        }

        return ones;
    }
}
