using QuantumLM.Abstractions.Quantum;
using QuantumLM.Quantum.Metrics;

namespace QuantumLM.Quantum.Benchmarks.Metrics;

/// <summary>
/// The reference workloads of issue 4 as seeded noisy-GHZ inputs: measured counts (seed 1) and reference counts
/// (seed 2) of the same width and shot count. The flip probabilities are chosen so the supports match the issue's
/// Python/POT figures: 20 bits × 10⁵ shots ≈ 2,000 outcomes, 20 bits × 10⁶ ≈ 5,800, 50 bits × 10⁵ ≈ 20,500.
/// </summary>
internal sealed class MetricsCase
{
    private MetricsCase(string name, int width, int shots, double flip)
    {
        Name = name;
        Width = width;
        Shots = shots;
        Flip = flip;
        Measured = NoisyGhz.Counts(width, shots, seed: 1, flip);
        Reference = NoisyGhz.Counts(width, shots, seed: 2, flip);
        Ideal = ProbabilityDistribution.FromCounts(Reference);
        P = PackedCounts.From(Measured);
        Q = PackedIdeal.From(Ideal);
    }

    public string Name { get; }

    public int Width { get; }

    public int Shots { get; }

    public double Flip { get; }

    public Counts Measured { get; }

    public Counts Reference { get; }

    public ProbabilityDistribution Ideal { get; }

    public PackedCounts P { get; }

    public PackedIdeal Q { get; }

    public static MetricsCase Create(string name) => name switch
    {
        "20bit-1e5" => new MetricsCase(name, 20, 100_000, 0.031),
        "20bit-1e6" => new MetricsCase(name, 20, 1_000_000, 0.0325),
        "50bit-1e5" => new MetricsCase(name, 50, 100_000, 0.0305),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown case"),
    };

    public override string ToString() => $"{Name}: supports {Measured.Count} x {Reference.Count}";
}
