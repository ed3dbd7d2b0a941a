using QuantumLM.Abstractions;
using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Benchmarks.Metrics;

/// <summary>
/// Seeded noisy-GHZ shots: each shot is 0…0 or 1…1 with probability ½, then every bit flips independently with
/// probability <see cref="FlipProbability"/> (a symmetric readout-error model). With p = 0.032 this gives the
/// supports of the reference figures: 20 bits × 10⁵ shots ≈ 2,000 outcomes, 20 bits × 10⁶ shots ≈ 5,800,
/// 50 bits × 10⁵ shots ≈ 20,500.
/// </summary>
internal static class NoisyGhz
{
    public const double FlipProbability = 0.032;

    public static ulong[] Samples(int width, int shots, ulong seed, double flip = FlipProbability)
    {
        var rng = new SeededRandom(seed);
        ulong all = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        ulong[] samples = new ulong[shots];
        double logKeep = Math.Log(1.0 - flip);
        for (int s = 0; s < shots; s++)
        {
            ulong v = (rng.NextUInt64() & 1) == 0 ? 0 : all;

            // Geometric skipping: the gap to the next flipped bit.
            int bit = -1;
            while (true)
            {
                double u = 1.0 - rng.NextDouble();
                bit += 1 + (int)Math.Floor(Math.Log(u) / logKeep);
                if (bit >= width)
                {
                    break;
                }

                v ^= 1UL << bit;
            }

            samples[s] = v;
        }

        return samples;
    }

    public static Counts Counts(int width, int shots, ulong seed, double flip = FlipProbability) =>
        CountsHistogram.FromSamples(Samples(width, shots, seed, flip), width);
}
