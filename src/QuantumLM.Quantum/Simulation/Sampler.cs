using QuantumLM.Abstractions;

namespace QuantumLM.Quantum.Simulation;

/// <summary>
/// Draws shots from a final statevector in O(2^n / chunk + scanned chunks + shots): sorted uniforms are generated
/// directly (normalised cumulative sums of exponential spacings, no sort), chunk norms locate each uniform, and only
/// chunks that hold a uniform are scanned. Deterministic for a seed, independent of the thread count.
/// </summary>
internal static unsafe class Sampler
{
    private const int ChunkLog = 12;

    public static Dictionary<long, long> Sample(StateVector state, Kernels kernels, int shots, SeededRandom rng)
    {
        long chunk = Math.Min(1L << ChunkLog, state.Length);
        long chunks = state.Length / chunk;
        double[] sums = kernels.ChunkNorms(chunk);
        double total = 0;
        foreach (double s in sums)
        {
            total += s;
        }

        // Sorted uniforms in [0, total): u_(k) = (E_1 + … + E_k) / (E_1 + … + E_{shots+1}).
        var u = new double[shots];
        double acc = 0;
        for (int k = 0; k < shots; k++)
        {
            acc += -Math.Log(1.0 - rng.NextDouble());
            u[k] = acc;
        }

        acc += -Math.Log(1.0 - rng.NextDouble());
        double scale = total / acc;
        for (int k = 0; k < shots; k++)
        {
            u[k] *= scale;
        }

        var result = new Dictionary<long, long>();
        double* p = state.Data;
        int next = 0;
        double start = 0;
        long lastNonZero = 0;
        for (long c = 0; c < chunks && next < shots; c++)
        {
            double end = start + sums[c];
            if (sums[c] > 0 && u[next] < end)
            {
                double cum = start;
                long i0 = c * chunk;
                long lastInChunk = i0;
                for (long i = i0; i < i0 + chunk && next < shots && u[next] < end; i++)
                {
                    double pr = (p[2 * i] * p[2 * i]) + (p[(2 * i) + 1] * p[(2 * i) + 1]);
                    if (pr == 0)
                    {
                        continue;
                    }

                    lastInChunk = i;
                    cum += pr;
                    int n = 0;
                    while (next < shots && u[next] < cum && u[next] < end)
                    {
                        next++;
                        n++;
                    }

                    if (n > 0)
                    {
                        result[i] = result.GetValueOrDefault(i) + n;
                    }
                }

                // Rounding: uniforms left below this chunk's end belong to its last non-zero amplitude.
                int rest = 0;
                while (next < shots && u[next] < end)
                {
                    next++;
                    rest++;
                }

                if (rest > 0)
                {
                    result[lastInChunk] = result.GetValueOrDefault(lastInChunk) + rest;
                }

                lastNonZero = lastInChunk;
            }
            else if (sums[c] > 0)
            {
                lastNonZero = (c * chunk) + chunk - 1;
                while (lastNonZero > c * chunk && (p[2 * lastNonZero] == 0 && p[(2 * lastNonZero) + 1] == 0))
                {
                    lastNonZero--;
                }
            }

            start = end;
        }

        if (next < shots)
        {
            result[lastNonZero] = result.GetValueOrDefault(lastNonZero) + (shots - next);
        }

        return result;
    }
}
