using QuantumLM.Abstractions.Quantum;

namespace QuantumLM.Quantum.Tests.Metrics;

/// <summary>
/// Plain scalar reference implementations of the §5 formulas over string keys, written independently of the
/// production kernels (no packing, no SIMD, dictionaries and character tests only).
/// </summary>
internal static class ScalarReference
{
    public static Dictionary<string, double> Normalize(IEnumerable<KeyValuePair<string, long>> counts)
    {
        var list = counts.ToList();
        double total = list.Sum(e => (double)e.Value);
        return list.Where(e => e.Value > 0).ToDictionary(e => e.Key, e => e.Value / total);
    }

    public static double Entropy(IEnumerable<double> probabilities)
    {
        double h = 0;
        foreach (double p in probabilities)
        {
            if (p > 0)
            {
                h -= p * Math.Log2(p);
            }
        }

        return h;
    }

    /// <summary>P(bit k = 1), bit k being character n − 1 − k.</summary>
    public static double[] Marginals(IReadOnlyDictionary<string, double> p, int width)
    {
        double[] ones = new double[width];
        foreach (var (key, value) in p)
        {
            for (int k = 0; k < width; k++)
            {
                if (key[width - 1 - k] == '1')
                {
                    ones[k] += value;
                }
            }
        }

        return ones;
    }

    public static double TotalCorrelation(IReadOnlyDictionary<string, double> p, int width)
    {
        double sum = 0;
        foreach (double m in Marginals(p, width))
        {
            sum += Entropy([m, 1 - m]);
        }

        return sum - Entropy(p.Values);
    }

    public static double Bhattacharyya(IReadOnlyDictionary<string, double> p, IReadOnlyDictionary<string, double> q)
    {
        double bc = 0;
        foreach (var (key, value) in p)
        {
            if (q.TryGetValue(key, out double other))
            {
                bc += Math.Sqrt(value * other);
            }
        }

        return bc;
    }

    /// <summary>A literal port of Qiskit's <c>hellinger_distance</c> (qiskit/quantum_info/analysis/distance.py).</summary>
    public static double QiskitHellingerDistance(IReadOnlyDictionary<string, double> distP, IReadOnlyDictionary<string, double> distQ)
    {
        double pSum = distP.Values.Sum();
        double qSum = distQ.Values.Sum();
        var p = distP.ToDictionary(kv => kv.Key, kv => kv.Value / pSum);
        var q = distQ.ToDictionary(kv => kv.Key, kv => kv.Value / qSum);
        double total = 0;
        foreach (var (key, val) in p)
        {
            if (q.Remove(key, out double qv))
            {
                total += Math.Pow(Math.Sqrt(val) - Math.Sqrt(qv), 2);
            }
            else
            {
                total += val;
            }
        }

        total += q.Values.Sum();
        return Math.Sqrt(total) / Math.Sqrt(2);
    }

    /// <summary>Qiskit's <c>hellinger_fidelity</c> = (1 − H²)².</summary>
    public static double QiskitHellingerFidelity(IReadOnlyDictionary<string, double> p, IReadOnlyDictionary<string, double> q)
    {
        double dist = QiskitHellingerDistance(p, q);
        return Math.Pow(1 - (dist * dist), 2);
    }

    public static int Hamming(string a, string b)
    {
        int d = 0;
        for (int i = 0; i < a.Length; i++)
        {
            d += a[i] != b[i] ? 1 : 0;
        }

        return d;
    }

    /// <summary>
    /// Exact optimal transport cost by the textbook method: successive shortest paths, one augmenting path at a time,
    /// Bellman–Ford over the dense residual graph (no potentials, no sparsification). Supplies a_x = C(x)·M and demands
    /// b_y = C'(y)·N; returns the minimum Σ f·cost / (N·M).
    /// </summary>
    public static double TransportCost(IReadOnlyList<KeyValuePair<string, long>> p, IReadOnlyList<KeyValuePair<string, long>> q, Func<int, long> cost)
    {
        int m = p.Count, k = q.Count;
        long n = p.Sum(e => e.Value), mm = q.Sum(e => e.Value);
        int nodes = m + k + 2, s = m + k, t = m + k + 1;
        long[,] cap = new long[nodes, nodes];
        long[,] c = new long[nodes, nodes];
        for (int x = 0; x < m; x++)
        {
            cap[s, x] = p[x].Value * mm;
            for (int y = 0; y < k; y++)
            {
                cap[x, m + y] = long.MaxValue / 4;
                long w = cost(Hamming(p[x].Key, q[y].Key));
                c[x, m + y] = w;
                c[m + y, x] = -w;
            }
        }

        for (int y = 0; y < k; y++)
        {
            cap[m + y, t] = q[y].Value * n;
        }

        long total = 0;
        while (true)
        {
            long[] dist = Enumerable.Repeat(long.MaxValue, nodes).ToArray();
            int[] prev = new int[nodes];
            dist[s] = 0;
            for (int iter = 0; iter < nodes; iter++)
            {
                bool changed = false;
                for (int u = 0; u < nodes; u++)
                {
                    if (dist[u] == long.MaxValue)
                    {
                        continue;
                    }

                    for (int v = 0; v < nodes; v++)
                    {
                        if (cap[u, v] > 0 && dist[u] + c[u, v] < dist[v])
                        {
                            dist[v] = dist[u] + c[u, v];
                            prev[v] = u;
                            changed = true;
                        }
                    }
                }

                if (!changed)
                {
                    break;
                }
            }

            if (dist[t] == long.MaxValue)
            {
                break;
            }

            long f = long.MaxValue;
            for (int v = t; v != s; v = prev[v])
            {
                f = Math.Min(f, cap[prev[v], v]);
            }

            for (int v = t; v != s; v = prev[v])
            {
                cap[prev[v], v] -= f;
                cap[v, prev[v]] += f;
            }

            total += f * dist[t];
        }

        return (double)total / ((double)n * mm);
    }

    public static double W2(IReadOnlyList<KeyValuePair<string, long>> p, IReadOnlyList<KeyValuePair<string, long>> q) =>
        Math.Sqrt(TransportCost(p, q, d => (long)d * d));

    public static double W1(IReadOnlyList<KeyValuePair<string, long>> p, IReadOnlyList<KeyValuePair<string, long>> q) =>
        TransportCost(p, q, d => d);

    public static double TotalVariation(IReadOnlyDictionary<string, double> p, IReadOnlyDictionary<string, double> q)
    {
        double tv = 0;
        foreach (string key in p.Keys.Union(q.Keys))
        {
            tv += Math.Abs(p.GetValueOrDefault(key) - q.GetValueOrDefault(key));
        }

        return tv / 2;
    }
}

/// <summary>Random test inputs from a seed.</summary>
internal static class RandomInputs
{
    public static Counts Counts(QuantumLM.Abstractions.SeededRandom rng, int width, int maxSupport, int maxCount = 50, int minSupport = 1)
    {
        int support = minSupport + (int)rng.NextUInt64((ulong)(maxSupport - minSupport + 1));
        var entries = new List<KeyValuePair<string, long>>();
        for (int i = 0; i < support; i++)
        {
            entries.Add(new(RandomKey(rng, width), 1 + (long)rng.NextUInt64((ulong)maxCount)));
        }

        return QuantumLM.Abstractions.Quantum.Counts.Create(entries, width);
    }

    public static string RandomKey(QuantumLM.Abstractions.SeededRandom rng, int width)
    {
        var chars = new char[width];
        for (int i = 0; i < width; i++)
        {
            chars[i] = (rng.NextUInt64() & 1) == 0 ? '0' : '1';
        }

        return new string(chars);
    }
}
