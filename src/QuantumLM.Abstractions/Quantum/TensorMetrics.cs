namespace QuantumLM.Abstractions.Quantum;

/// <summary>
/// The ΛΦ tensor metrics of one set of counts (metrics specification §5.6, version <c>std-1</c>). Every value that is
/// undefined or could not be computed is <see langword="null"/>, never 0.0.
/// </summary>
public sealed record TensorMetrics
{
    /// <summary>The version of the metric definitions: <c>std-1</c>.</summary>
    public const string CurrentVersion = "std-1";

    /// <summary>Gets the definition version the values follow.</summary>
    public string MetricsVersion { get; init; } = CurrentVersion;

    /// <summary>Gets why every metric is null (<c>empty_counts</c>), or <see langword="null"/> when metrics were computed.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets Φ, the total correlation divided by n − 1 (null for n &lt; 2 or empty counts).</summary>
    public double? Phi { get; init; }

    /// <summary>Gets Λ, the classical (Hellinger) fidelity to the ideal (null without an ideal).</summary>
    public double? Lambda { get; init; }

    /// <summary>Gets Γ = 1 − Λ (null without an ideal).</summary>
    public double? Gamma { get; init; }

    /// <summary>Gets W₂, the 2-Wasserstein distance to the ideal under the Hamming ground metric (null without an ideal, or when skipped).</summary>
    public double? W2 { get; init; }

    /// <summary>Gets W₂/n.</summary>
    public double? W2Normalized { get; init; }

    /// <summary>Gets the ground metric of W₂ (<c>hamming</c>).</summary>
    public string? W2GroundMetric { get; init; }

    /// <summary>Gets how W₂ was obtained (<c>exact_mincostflow</c>, <c>point_mass_closed_form</c>, <c>skipped_support_too_large</c>).</summary>
    public string? W2Method { get; init; }

    /// <summary>Gets the discretization step of a real-valued ideal used by the exact W₂ solver (for example 2^-20), or <see langword="null"/>.</summary>
    public double? W2Discretization { get; init; }

    /// <summary>Gets the lower bound Σₖ |p̂ₖ − qₖ| on W₁ ≤ W₂ from the per-bit marginals.</summary>
    public double? W1MarginalLower { get; init; }

    /// <summary>Gets the Hellinger distance √(½ Σ (√p − √q)²).</summary>
    public double? HellingerDistance { get; init; }

    /// <summary>Gets H(p̂)/n, the normalized Shannon entropy.</summary>
    public double? PhiEntropy { get; init; }

    /// <summary>Gets whether the entropies used the Miller–Madow correction.</summary>
    public bool PhiMillerMadow { get; init; }

    /// <summary>Gets whether the sample is too small for a trustworthy Φ (distinct outcomes K &gt; N/10).</summary>
    public bool? PhiUndersampled { get; init; }

    /// <summary>Gets the mean dephasing rate (1/T₂) over the physical qubits used, in s⁻¹, when calibration data is known.</summary>
    public double? GammaCalPerSecond { get; init; }

    /// <summary>Gets the number of shots N.</summary>
    public long Shots { get; init; }

    /// <summary>Gets the number of reference shots M when the ideal came from counts.</summary>
    public long? IdealShots { get; init; }

    /// <summary>Gets the width n in bits.</summary>
    public int Width { get; init; }

    /// <summary>Gets the number of distinct outcomes K.</summary>
    public int DistinctOutcomes { get; init; }

    /// <summary>Gets where the ideal came from: <c>statevector</c>, <c>distribution</c>, <c>reference_counts</c> or <c>none</c>.</summary>
    public string IdealSource { get; init; } = IdealSources.None;

    /// <summary>Gets the concurrence, when measured (reserved; null in <c>std-1</c>).</summary>
    public double? Concurrence { get; init; }

    /// <summary>Gets an entanglement witness value, when measured (reserved; null in <c>std-1</c>).</summary>
    public double? Witness { get; init; }

    /// <summary>Gets the 95 % percentile-bootstrap intervals, null until a bootstrap was run.</summary>
    public MetricIntervals Ci95 { get; init; } = MetricIntervals.None;
}

/// <summary>The names used for <see cref="TensorMetrics.IdealSource"/>.</summary>
public static class IdealSources
{
    /// <summary>No ideal: Λ, Γ and W₂ are null.</summary>
    public const string None = "none";

    /// <summary>The ideal came from a noiseless statevector simulation.</summary>
    public const string Statevector = "statevector";

    /// <summary>The ideal was supplied as a probability distribution.</summary>
    public const string Distribution = "distribution";

    /// <summary>The ideal was supplied as reference counts.</summary>
    public const string ReferenceCounts = "reference_counts";
}

/// <summary>A closed interval [<see cref="Low"/>, <see cref="High"/>].</summary>
/// <param name="Low">The lower end.</param>
/// <param name="High">The upper end.</param>
public readonly record struct ConfidenceInterval(double Low, double High);

/// <summary>Bootstrap intervals for Λ, Φ and W₂; each is null when not computed or undefined.</summary>
/// <param name="Lambda">The interval for Λ.</param>
/// <param name="Phi">The interval for Φ.</param>
/// <param name="W2">The interval for W₂.</param>
public sealed record MetricIntervals(ConfidenceInterval? Lambda, ConfidenceInterval? Phi, ConfidenceInterval? W2)
{
    /// <summary>Gets the value with no interval computed.</summary>
    public static MetricIntervals None { get; } = new(null, null, null);
}
